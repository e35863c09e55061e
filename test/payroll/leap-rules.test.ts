import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import type { BuildResult } from '../../src/payroll/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addHousehold, eligibleMembers } from './fixtures.js';

// Cycle 106 starts on 2026-11-01; a member deceased on or before that day is not living.
let t: TestDatabase;
let built: BuildResult;

const SHARED = 'GHA-777777777-7';
const SHARED_WITH_SUSPENDED = 'GHA-888888888-8';
const SHARED_WITH_EXITED = 'GHA-999999999-9';

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  await addHousehold(db, { ref: 'HH0000101', members: eligibleMembers(2) });
  await addHousehold(db, { ref: 'HH0000102', status: 'exited', members: eligibleMembers(2) });
  await addHousehold(db, { ref: 'HH0000103', status: 'suspended', members: eligibleMembers(1) });
  await addHousehold(db, {
    ref: 'HH0000104',
    members: [{ role: 'caregiver', category: 'none' }, { category: 'none' }],
  });
  await addHousehold(db, {
    ref: 'HH0000105',
    members: [{ role: 'caregiver', category: 'elderly', deceasedOn: '2026-03-10' }],
  });
  await addHousehold(db, {
    ref: 'HH0000106',
    members: [
      { role: 'caregiver', category: 'none', deceasedOn: '2026-05-01' },
      { role: 'alternate', category: 'none', name: 'Kofi Alternate', pin: 'GHA-106000000-6' },
      { category: 'ovc' },
      { category: 'ovc' },
    ],
  });
  await addHousehold(db, {
    ref: 'HH0000107',
    members: [
      { role: 'caregiver', category: 'none', deceasedOn: '2026-05-01' },
      { category: 'ovc' },
      { category: 'ovc' },
      { category: 'ovc' },
    ],
  });
  await addHousehold(db, { ref: 'HH0000108', members: eligibleMembers(1), instrument: null });
  await addHousehold(db, {
    ref: 'HH0000109',
    members: eligibleMembers(4),
    instrument: { verified: false },
  });
  await addHousehold(db, {
    ref: 'HH0000110',
    members: [{ role: 'caregiver', category: 'elderly', pin: SHARED }],
  });
  await addHousehold(db, {
    ref: 'HH0000111',
    members: [...eligibleMembers(2), { role: 'alternate', category: 'none', pin: SHARED }],
  });
  await addHousehold(db, {
    ref: 'HH0000112',
    status: 'exited',
    members: eligibleMembers(1),
    instrument: null,
  });
  await addHousehold(db, {
    ref: 'HH0000113',
    status: 'suspended',
    members: [{ role: 'caregiver', category: 'elderly', pin: SHARED_WITH_SUSPENDED }],
  });
  await addHousehold(db, {
    ref: 'HH0000114',
    members: [{ role: 'caregiver', category: 'elderly', pin: SHARED_WITH_SUSPENDED }],
  });
  await addHousehold(db, {
    ref: 'HH0000115',
    members: [
      { role: 'caregiver', category: 'elderly', deceasedOn: '2026-11-01' },
      { role: 'alternate', category: 'none', name: 'Abena Alternate', pin: 'GHA-115000000-5' },
      { category: 'ovc', deceasedOn: '2026-11-20' },
    ],
  });
  await addHousehold(db, {
    ref: 'HH0000116',
    status: 'exited',
    members: [{ role: 'caregiver', category: 'elderly', pin: SHARED_WITH_EXITED }],
  });
  await addHousehold(db, {
    ref: 'HH0000117',
    members: [{ role: 'caregiver', category: 'elderly', pin: SHARED_WITH_EXITED }],
  });
  await addHousehold(db, { ref: 'HH0000118', status: 'under_review', members: eligibleMembers(1) });
  await addHousehold(db, { ref: 'HH0000119', members: [{ role: 'member', category: 'elderly' }] });
  await addHousehold(db, {
    ref: 'HH0000120',
    members: [
      { role: 'caregiver', category: 'ovc', deceasedOn: '2025-01-01' },
      { category: 'ovc' },
      { category: 'ovc' },
    ],
    instrument: null,
  });

  built = await buildLeapCycle(db, { cycleNumber: 106, builtBy: 'akosua.mensah' });
});

afterAll(async () => {
  await t.drop();
});

describe('households left out of cycle 106', () => {
  it.each([
    ['HH0000102', 'excluded', 'EXITED', '0.00', 'an exited household'],
    ['HH0000103', 'excluded', 'SUSPENDED', '0.00', 'a suspended household'],
    ['HH0000104', 'excluded', 'NO_ELIGIBLE_MEMBERS', '0.00', 'a household with no eligible member'],
    ['HH0000105', 'excluded', 'NO_ELIGIBLE_MEMBERS', '0.00', 'a deceased single-member household'],
    ['HH0000107', 'withheld', 'DECEASED_CAREGIVER', '440.00', 'a deceased caregiver, no alternate'],
    ['HH0000108', 'withheld', 'NO_VERIFIED_INSTRUMENT', '320.00', 'a household with no instrument'],
    ['HH0000109', 'withheld', 'NO_VERIFIED_INSTRUMENT', '530.00', 'an unverified instrument'],
    [
      'HH0000110',
      'withheld',
      'DUPLICATE_GHANA_CARD',
      '320.00',
      'a caregiver card on an alternate elsewhere',
    ],
    [
      'HH0000111',
      'withheld',
      'DUPLICATE_GHANA_CARD',
      '380.00',
      'the household holding that alternate',
    ],
    [
      'HH0000112',
      'excluded',
      'EXITED',
      '0.00',
      'an exited household without instrument (precedence)',
    ],
    [
      'HH0000113',
      'excluded',
      'SUSPENDED',
      '0.00',
      'a suspended household sharing a card (precedence)',
    ],
    [
      'HH0000114',
      'withheld',
      'DUPLICATE_GHANA_CARD',
      '320.00',
      'an active household sharing a card with a suspended one',
    ],
    ['HH0000116', 'excluded', 'EXITED', '0.00', 'an exited household sharing a card'],
    ['HH0000118', 'excluded', 'SUSPENDED', '0.00', 'an unknown enrolment status'],
    [
      'HH0000119',
      'withheld',
      'NO_CAREGIVER',
      '320.00',
      'a household with no caregiver or alternate',
    ],
    [
      'HH0000120',
      'withheld',
      'DECEASED_CAREGIVER',
      '380.00',
      'a deceased caregiver and no instrument (precedence)',
    ],
  ])('records %s as %s %s holding %s (%s)', async (ref, kind, reason, held) => {
    const found = await rows<{ kind: string; reason_code: string; amount_held: string }>(
      t.db,
      sql`SELECT kind, reason_code, amount_held::text AS amount_held FROM cycle_exclusions
          WHERE cycle_id = ${built.cycleId} AND beneficiary_ref = ${ref}`,
    );
    expect(found).toEqual([{ kind, reason_code: reason, amount_held: held }]);
  });

  it('notes the unknown enrolment status it treated as a suspension', async () => {
    const [row] = await rows<{ detail: string }>(
      t.db,
      sql`SELECT detail FROM cycle_exclusions
          WHERE cycle_id = ${built.cycleId} AND beneficiary_ref = 'HH0000118'`,
    );
    expect(row?.detail).toBe('enrolment status under_review');
  });

  it('counts exclusions and withholdings by reason', () => {
    expect(built.excluded).toBe(8);
    expect(built.withheld).toBe(8);
    const byReason = Object.fromEntries(
      Object.entries(built.byReason).map(([k, v]) => [k, [v.households, v.amount.toFixed(2)]]),
    );
    expect(byReason).toEqual({
      EXITED: [3, '0.00'],
      SUSPENDED: [3, '0.00'],
      NO_ELIGIBLE_MEMBERS: [2, '0.00'],
      DECEASED_CAREGIVER: [2, '820.00'],
      NO_CAREGIVER: [1, '320.00'],
      NO_VERIFIED_INSTRUMENT: [2, '850.00'],
      DUPLICATE_GHANA_CARD: [3, '1020.00'],
    });
  });
});

describe('households paid in cycle 106', () => {
  it('pays exactly the four households with nothing against them', async () => {
    const lines = await rows<{ beneficiary_ref: string; amount: string }>(
      t.db,
      sql`SELECT beneficiary_ref, amount::text AS amount FROM payroll_lines
          WHERE cycle_id = ${built.cycleId} ORDER BY line_no`,
    );
    expect(lines).toEqual([
      { beneficiary_ref: 'HH0000101', amount: '380.00' },
      { beneficiary_ref: 'HH0000106', amount: '380.00' },
      { beneficiary_ref: 'HH0000115', amount: '320.00' },
      { beneficiary_ref: 'HH0000117', amount: '320.00' },
    ]);
    expect(built.lines).toBe(4);
    expect(built.total.toFixed(2)).toBe('1400.00');
  });

  it.each([
    ['HH0000106', 'Kofi Alternate', 'GHA-106000000-6', 2, 'caregiver deceased in May'],
    ['HH0000115', 'Abena Alternate', 'GHA-115000000-5', 1, 'caregiver deceased on the first day'],
  ])('pays %s to its living alternate %s (%s)', async (ref, name, pin, eligible) => {
    const [line] = await rows<{
      recipient_name: string;
      recipient_pin: string;
      eligible_members: number;
    }>(
      t.db,
      sql`SELECT recipient_name, recipient_pin, eligible_members FROM payroll_lines
          WHERE cycle_id = ${built.cycleId} AND beneficiary_ref = ${ref}`,
    );
    expect(line).toEqual({ recipient_name: name, recipient_pin: pin, eligible_members: eligible });
  });

  it('puts every household in exactly one of the lines or the exclusions', async () => {
    const [count] = await rows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM households`);
    expect(built.lines + built.excluded + built.withheld).toBe(count?.n);
  });
});
