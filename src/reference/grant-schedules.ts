/**
 * LEAP grant schedules in GH¢ per cycle, by eligible members (1, 2, 3, 4+). Seed data for the
 * grant_schedules table; the table, not this list, is what payroll reads, so an administrator
 * can add a schedule without a release.
 */
export interface GrantScheduleSeed {
  effectiveFromCycle: number;
  label: string;
  tiers: readonly [string, string, string, string];
  /** An earlier cycle this schedule also covers: paying it later adds the difference as a top-up. */
  appliesRetroactivelyToCycle?: number;
}

export const GRANT_SCHEDULES: readonly GrantScheduleSeed[] = [
  { effectiveFromCycle: 39, label: 'Sep 2015', tiers: ['64.00', '76.00', '88.00', '106.00'] },
  {
    effectiveFromCycle: 83,
    label: 'cycle 83 (Jun 2023)',
    tiers: ['128.00', '152.00', '176.00', '212.00'],
  },
  {
    effectiveFromCycle: 89,
    label: 'cycle 89 (Jan 2024)',
    tiers: ['256.00', '304.00', '352.00', '424.00'],
  },
  {
    effectiveFromCycle: 97,
    label: 'cycle 97 (2025, +25%)',
    tiers: ['320.00', '380.00', '440.00', '530.00'],
  },
];

/**
 * LIPW daily wage rates, effective-dated. The programme's own rate is not published; these follow
 * the national daily minimum wage and are configuration to be replaced by the programme's figures.
 */
export const WAGE_RATES = [
  { effectiveFrom: '2023-01-01', dailyRate: '14.88' },
  { effectiveFrom: '2024-01-01', dailyRate: '18.15' },
  { effectiveFrom: '2025-03-01', dailyRate: '19.97' },
] as const;

/** The people the sample and the demo act as; real deployments manage users as reference data. */
export const DEMO_USERS = [
  { username: 'akosua.mensah', fullName: 'Akosua Mensah', role: 'payroll_officer' },
  { username: 'kwame.boateng', fullName: 'Kwame Boateng', role: 'approver' },
  { username: 'efua.owusu', fullName: 'Efua Owusu', role: 'finance_officer' },
  { username: 'yaw.darko', fullName: 'Yaw Darko', role: 'auditor' },
  { username: 'admin', fullName: 'System Administrator', role: 'administrator' },
] as const;
