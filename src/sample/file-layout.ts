/**
 * The six CSV files of an enrolment and attendance extract: their names in a folder and their
 * columns, as the generator writes them and `importDirectory` expects them. The import checks
 * columns by name, so a real extract may order them differently or carry more.
 */
export const FILE_KINDS = [
  'households',
  'members',
  'instruments',
  'subprojects',
  'workers',
  'attendance',
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const FILE_NAMES: Record<FileKind, string> = {
  households: 'households.csv',
  members: 'members.csv',
  instruments: 'instruments.csv',
  subprojects: 'lipw_subprojects.csv',
  workers: 'lipw_workers.csv',
  attendance: 'lipw_attendance.csv',
};

export const FILE_COLUMNS = {
  households: [
    'household_ref',
    'region_code',
    'district_code',
    'community',
    'enrolled_on',
    'last_assessed_on',
    'status',
    'status_since',
  ],
  members: [
    'member_ref',
    'household_ref',
    'full_name',
    'sex',
    'date_of_birth',
    'ghana_card_pin',
    'category',
    'role',
    'deceased_on',
  ],
  instruments: [
    'household_ref',
    'channel',
    'account_number',
    'bank_sort_code',
    'holder_name',
    'verified',
  ],
  subprojects: ['subproject_code', 'name', 'district_code', 'asset_type'],
  workers: [
    'worker_ref',
    'subproject_code',
    'household_ref',
    'full_name',
    'ghana_card_pin',
    'channel',
    'account_number',
  ],
  attendance: ['worker_ref', 'subproject_code', 'work_date'],
} as const satisfies Record<FileKind, readonly string[]>;
