import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Money columns: numeric(14,2), read and written as strings, converted to Decimal in code. */
const amount = (name: string) => numeric(name, { precision: 14, scale: 2 });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
/**
 * When this version of an enrolment record came into force: set on insert and, by trigger, on
 * every real update. Rows older than the history are valid from -infinity, hence a string.
 */
const validFrom = () =>
  timestamp('valid_from', { withTimezone: true, mode: 'string' }).notNull().defaultNow();

// ---------------------------------------------------------------- reference data

export const regions = pgTable('regions', {
  code: text('code').primaryKey(),
  name: text('name').notNull().unique(),
});

export const districts = pgTable('districts', {
  code: text('code').primaryKey(),
  regionCode: text('region_code')
    .notNull()
    .references(() => regions.code),
  name: text('name').notNull(),
});

/** LEAP grant per cycle by eligible members (1, 2, 3, 4+), in force from a cycle number. */
export const grantSchedules = pgTable('grant_schedules', {
  id: serial('id').primaryKey(),
  effectiveFromCycle: integer('effective_from_cycle').notNull().unique(),
  label: text('label').notNull(),
  tier1: amount('tier1').notNull(),
  tier2: amount('tier2').notNull(),
  tier3: amount('tier3').notNull(),
  tier4: amount('tier4').notNull(),
  /**
   * A schedule decided late: its rates also apply to the cycles from this one up to the cycle
   * before effective_from_cycle. Households already paid for those cycles get the difference as
   * a top-up in a later cycle.
   */
  appliesRetroactivelyToCycle: integer('applies_retroactively_to_cycle'),
  /** When the schedule was entered, so a past cycle is rebuilt with the schedules known then. */
  recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'string' })
    .notNull()
    .defaultNow(),
});

/** LIPW daily wage, in force from a date. */
export const wageRates = pgTable('wage_rates', {
  id: serial('id').primaryKey(),
  effectiveFrom: date('effective_from').notNull().unique(),
  dailyRate: amount('daily_rate').notNull(),
});

export const users = pgTable('users', {
  username: text('username').primaryKey(),
  fullName: text('full_name').notNull(),
  /** payroll_officer | approver | finance_officer | auditor | administrator */
  role: text('role').notNull(),
});

// ---------------------------------------------------------------- enrolment

/** Every input file loaded, by content hash, with who loaded it and what became of its rows. */
export const importFiles = pgTable(
  'import_files',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    loadedBy: text('loaded_by').notNull(),
    loadedAt: createdAt(),
    rowsTotal: integer('rows_total').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** Of the accepted rows: those that changed a stored record, and those equal to it. */
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    /** csv | xlsx */
    format: text('format').notNull().default('csv'),
    /** How a CSV file was decoded: utf-8 | windows-1252 (null for xlsx). */
    encoding: text('encoding'),
  },
  (t) => [uniqueIndex('import_files_kind_sha_uq').on(t.kind, t.sha256)],
);

/**
 * What an import noticed across records without rejecting a row (a Ghana Card PIN in two
 * households, a worker over the season's day cap, an unknown mobile prefix), for review.
 */
export const importFindings = pgTable(
  'import_findings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importFileId: integer('import_file_id')
      .notNull()
      .references(() => importFiles.id),
    kind: text('kind').notNull(),
    /** The records concerned: household, member or worker references. */
    refs: text('refs').array().notNull(),
    detail: text('detail').notNull(),
  },
  (t) => [index('import_findings_file_idx').on(t.importFileId)],
);

/** Quarantine: every rejected input row with its reasons and the raw row as read. */
export const importRejects = pgTable(
  'import_rejects',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importFileId: integer('import_file_id')
      .notNull()
      .references(() => importFiles.id),
    lineNo: integer('line_no').notNull(),
    field: text('field'),
    reasonCode: text('reason_code').notNull(),
    message: text('message').notNull(),
    raw: jsonb('raw').notNull(),
  },
  (t) => [index('import_rejects_file_idx').on(t.importFileId)],
);

/*
 * The references of the tables an import fills by the hundred thousand (households to their
 * district, region and import file; enrolments, members and instruments to their household;
 * attendance to its worker and site) are checked once per statement over all the rows it wrote,
 * by triggers (migration enrolment_statement_checks), not by a foreign key trigger per row: the
 * per-row checks were most of the import's database time.
 */
export const households = pgTable(
  'households',
  {
    id: serial('id').primaryKey(),
    householdRef: text('household_ref').notNull().unique(),
    regionCode: text('region_code').notNull(),
    districtCode: text('district_code').notNull(),
    community: text('community').notNull(),
    enrolledOn: date('enrolled_on').notNull(),
    lastAssessedOn: date('last_assessed_on'),
    importFileId: integer('import_file_id'),
    validFrom: validFrom(),
  },
  (t) => [index('households_district_idx').on(t.districtCode)],
);

/** A household's membership of a programme; status drives exclusion (active, suspended, exited). */
export const enrolments = pgTable(
  'enrolments',
  {
    id: serial('id').primaryKey(),
    householdId: integer('household_id').notNull(),
    programme: text('programme').notNull(),
    status: text('status').notNull(),
    since: date('since').notNull(),
    validFrom: validFrom(),
  },
  (t) => [uniqueIndex('enrolments_household_programme_uq').on(t.householdId, t.programme)],
);

export const members = pgTable(
  'members',
  {
    id: serial('id').primaryKey(),
    memberRef: text('member_ref').notNull().unique(),
    householdId: integer('household_id').notNull(),
    fullName: text('full_name').notNull(),
    sex: text('sex').notNull(),
    dateOfBirth: date('date_of_birth').notNull(),
    ghanaCardPin: text('ghana_card_pin'),
    /** ovc | elderly | disability | pregnant | none (a member who does not count for the grant) */
    category: text('category').notNull(),
    /** caregiver | alternate | member */
    role: text('role').notNull(),
    deceasedOn: date('deceased_on'),
    validFrom: validFrom(),
  },
  // No index on ghana_card_pin: every query reads PINs over all members at once, and keeping one
  // slowed every member written by the import.
  (t) => [index('members_household_idx').on(t.householdId)],
);

export const paymentInstruments = pgTable(
  'payment_instruments',
  {
    id: serial('id').primaryKey(),
    householdId: integer('household_id').notNull(),
    /** ezwich | momo | bank */
    channel: text('channel').notNull(),
    accountNumber: text('account_number').notNull(),
    bankSortCode: text('bank_sort_code'),
    holderName: text('holder_name').notNull(),
    verified: boolean('verified').notNull(),
    validFrom: validFrom(),
  },
  (t) => [uniqueIndex('payment_instruments_household_uq').on(t.householdId)],
);

// ---------------------------------------------------------------- enrolment history

/**
 * Superseded versions of the enrolment records, written by triggers on every real update or
 * delete of the current tables and never changed after (append-only). A version was in force
 * from valid_from up to, not including, valid_to. replaced_by_file_id is the import file being
 * loaded when it was replaced; null for a change made outside an import.
 */
const historyColumns = () => ({
  historyId: bigserial('history_id', { mode: 'number' }).primaryKey(),
  validTo: timestamp('valid_to', { withTimezone: true, mode: 'string' }).notNull(),
  replacedByFileId: integer('replaced_by_file_id').references(() => importFiles.id),
  /** update | delete */
  change: text('change').notNull(),
});
const historyIndexes = (name: string, t: { id: AnyPgColumn; validTo: AnyPgColumn }) => [
  index(`${name}_id_idx`).on(t.id),
  index(`${name}_valid_to_idx`).on(t.validTo),
];

export const householdsHistory = pgTable(
  'households_history',
  {
    id: integer('id').notNull(),
    householdRef: text('household_ref').notNull(),
    regionCode: text('region_code').notNull(),
    districtCode: text('district_code').notNull(),
    community: text('community').notNull(),
    enrolledOn: date('enrolled_on').notNull(),
    lastAssessedOn: date('last_assessed_on'),
    importFileId: integer('import_file_id'),
    validFrom: timestamp('valid_from', { withTimezone: true, mode: 'string' }).notNull(),
    ...historyColumns(),
  },
  (t) => historyIndexes('households_history', t),
);

export const enrolmentsHistory = pgTable(
  'enrolments_history',
  {
    id: integer('id').notNull(),
    householdId: integer('household_id').notNull(),
    programme: text('programme').notNull(),
    status: text('status').notNull(),
    since: date('since').notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true, mode: 'string' }).notNull(),
    ...historyColumns(),
  },
  (t) => historyIndexes('enrolments_history', t),
);

export const membersHistory = pgTable(
  'members_history',
  {
    id: integer('id').notNull(),
    memberRef: text('member_ref').notNull(),
    householdId: integer('household_id').notNull(),
    fullName: text('full_name').notNull(),
    sex: text('sex').notNull(),
    dateOfBirth: date('date_of_birth').notNull(),
    ghanaCardPin: text('ghana_card_pin'),
    category: text('category').notNull(),
    role: text('role').notNull(),
    deceasedOn: date('deceased_on'),
    validFrom: timestamp('valid_from', { withTimezone: true, mode: 'string' }).notNull(),
    ...historyColumns(),
  },
  (t) => historyIndexes('members_history', t),
);

export const paymentInstrumentsHistory = pgTable(
  'payment_instruments_history',
  {
    id: integer('id').notNull(),
    householdId: integer('household_id').notNull(),
    channel: text('channel').notNull(),
    accountNumber: text('account_number').notNull(),
    bankSortCode: text('bank_sort_code'),
    holderName: text('holder_name').notNull(),
    verified: boolean('verified').notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true, mode: 'string' }).notNull(),
    ...historyColumns(),
  },
  (t) => historyIndexes('payment_instruments_history', t),
);

export const lipwSubprojects = pgTable('lipw_subprojects', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  districtCode: text('district_code')
    .notNull()
    .references(() => districts.code),
  /** road | dam | tree_crops | ... */
  assetType: text('asset_type').notNull(),
});

export const lipwWorkers = pgTable('lipw_workers', {
  id: serial('id').primaryKey(),
  workerRef: text('worker_ref').notNull().unique(),
  subprojectId: integer('subproject_id')
    .notNull()
    .references(() => lipwSubprojects.id),
  householdRef: text('household_ref').notNull(),
  fullName: text('full_name').notNull(),
  ghanaCardPin: text('ghana_card_pin').notNull(),
  channel: text('channel').notNull(),
  accountNumber: text('account_number').notNull(),
  /** Last day the worker may be paid for; attendance after it is not paid. */
  exitedOn: date('exited_on'),
});

/** One row per worker per day worked at a site. */
export const lipwAttendance = pgTable(
  'lipw_attendance',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workerId: integer('worker_id').notNull(),
    subprojectId: integer('subproject_id').notNull(),
    workDate: date('work_date').notNull(),
  },
  (t) => [uniqueIndex('lipw_attendance_worker_day_uq').on(t.workerId, t.workDate)],
);

// ---------------------------------------------------------------- payroll

/**
 * A payment cycle: one LEAP cycle number, or one LIPW pay period. Status moves
 * built -> approved (sealed) -> submitted -> reconciled; a rejected build goes back to draft.
 */
export const cycles = pgTable(
  'cycles',
  {
    id: serial('id').primaryKey(),
    programme: text('programme').notNull(),
    /** LEAP: the cycle number; LIPW: null. */
    cycleNumber: integer('cycle_number'),
    /** Unique per programme: "106" for LEAP, "2026-11-02..2026-11-15" for LIPW. */
    periodKey: text('period_key').notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    status: text('status').notNull(),
    builtBy: text('built_by')
      .notNull()
      .references(() => users.username),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
    approvedBy: text('approved_by').references(() => users.username),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    lineCount: integer('line_count').notNull().default(0),
    totalAmount: amount('total_amount').notNull().default('0'),
    /** SHA-256 over the ordered lines, set at approval; null until sealed. */
    sealSha256: text('seal_sha256'),
    /** Control totals at approval (by region, district and channel), as decimal strings. */
    controlTotals: jsonb('control_totals'),
  },
  (t) => [uniqueIndex('cycles_programme_period_uq').on(t.programme, t.periodKey)],
);

export const payrollLines = pgTable(
  'payroll_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // References of build output (cycle, household, worker, subproject, line) are checked once
    // per statement by triggers (migration build_reference_guards), not row by row.
    cycleId: integer('cycle_id').notNull(),
    lineNo: integer('line_no').notNull(),
    programme: text('programme').notNull(),
    periodKey: text('period_key').notNull(),
    /** household_ref (LEAP) or worker_ref (LIPW): the beneficiary paid by this line. */
    beneficiaryRef: text('beneficiary_ref').notNull(),
    householdId: integer('household_id'),
    workerId: integer('worker_id'),
    subprojectId: integer('subproject_id'),
    recipientName: text('recipient_name').notNull(),
    recipientPin: text('recipient_pin'),
    regionCode: text('region_code').notNull(),
    districtCode: text('district_code').notNull(),
    channel: text('channel').notNull(),
    accountNumber: text('account_number').notNull(),
    bankSortCode: text('bank_sort_code'),
    eligibleMembers: smallint('eligible_members'),
    daysWorked: smallint('days_worked'),
    dailyRate: amount('daily_rate'),
    baseAmount: amount('base_amount').notNull(),
    arrearsAmount: amount('arrears_amount').notNull().default('0'),
    amount: amount('amount').notNull(),
    /** Payment reference (ISO 20022 EndToEndId): unique for ever, at most 35 characters. */
    endToEndId: text('end_to_end_id').notNull().unique(),
    /** pending | paid | failed | returned | unconfirmed */
    status: text('status').notNull().default('pending'),
    statusReason: text('status_reason'),
  },
  (t) => [
    uniqueIndex('payroll_lines_cycle_line_uq').on(t.cycleId, t.lineNo),
    // No beneficiary is paid twice for the same programme period.
    uniqueIndex('payroll_lines_beneficiary_period_uq').on(
      t.programme,
      t.periodKey,
      t.beneficiaryRef,
    ),
  ],
);

/** Households or workers left out of a cycle (excluded) or held back (withheld), with the reason. */
export const cycleExclusions = pgTable(
  'cycle_exclusions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // Checked once per statement (migration build_reference_guards).
    cycleId: integer('cycle_id').notNull(),
    beneficiaryRef: text('beneficiary_ref').notNull(),
    householdId: integer('household_id'),
    /** excluded | withheld */
    kind: text('kind').notNull(),
    reasonCode: text('reason_code').notNull(),
    amountHeld: amount('amount_held').notNull().default('0'),
    detail: text('detail'),
    /**
     * The held amount per LEAP cycle number, {"94": "304.00", "95": "304.00"}, so a joint cycle's
     * hold is paid back per cycle. Null: all of amount_held belongs to the cycle's own number.
     */
    heldByCycle: jsonb('held_by_cycle'),
  },
  (t) => [uniqueIndex('cycle_exclusions_uq').on(t.cycleId, t.beneficiaryRef, t.reasonCode)],
);

/**
 * What makes up a LEAP line: the grant of each cycle it pays, and arrears (a release of a hold,
 * a payment made again, a top-up). A line's amount is the sum of its items.
 */
export const payrollLineItems = pgTable(
  'payroll_line_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // Both line references are checked once per statement (migration build_reference_guards).
    payrollLineId: bigint('payroll_line_id', { mode: 'number' }).notNull(),
    /** The line's beneficiary, kept here so the database can refuse paying a cycle twice. */
    beneficiaryRef: text('beneficiary_ref').notNull(),
    /** grant | arrears_withheld | repayment | top_up */
    kind: text('kind').notNull(),
    /** The LEAP cycle number the money belongs to. */
    forCycle: integer('for_cycle').notNull(),
    amount: amount('amount').notNull(),
    /** The earlier failed or returned line this item pays again. */
    replacesLineId: bigint('replaces_line_id', { mode: 'number' }),
  },
  (t) => [
    index('payroll_line_items_line_idx').on(t.payrollLineId),
    // A failed line is paid again at most once.
    uniqueIndex('payroll_line_items_replaces_uq')
      .on(t.replacesLineId)
      .where(sql`replaces_line_id IS NOT NULL`),
    // A household's entitlement for a cycle (its grant, or the release of its hold) is paid once.
    uniqueIndex('payroll_line_items_entitlement_uq')
      .on(t.beneficiaryRef, t.forCycle)
      .where(sql`kind IN ('grant', 'arrears_withheld')`),
    uniqueIndex('payroll_line_items_top_up_uq')
      .on(t.beneficiaryRef, t.forCycle)
      .where(sql`kind = 'top_up'`),
  ],
);

/** Beneficiaries paid but flagged for attention (e.g. reassessment overdue), with the reason. */
export const cycleFlags = pgTable(
  'cycle_flags',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // Checked once per statement (migration build_reference_guards).
    cycleId: integer('cycle_id').notNull(),
    beneficiaryRef: text('beneficiary_ref').notNull(),
    householdId: integer('household_id'),
    flagCode: text('flag_code').notNull(),
    detail: text('detail'),
  },
  (t) => [uniqueIndex('cycle_flags_uq').on(t.cycleId, t.beneficiaryRef, t.flagCode)],
);

// ---------------------------------------------------------------- GhIPSS

/** A payment file: recorded before it leaves, so a retry finds it instead of sending again. */
export const submissions = pgTable(
  'submissions',
  {
    id: serial('id').primaryKey(),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => cycles.id),
    channel: text('channel').notNull(),
    sequence: integer('sequence').notNull(),
    messageId: text('message_id').notNull().unique(),
    paymentInfoId: text('payment_info_id').notNull(),
    fileName: text('file_name').notNull(),
    format: text('format').notNull(),
    txCount: integer('tx_count').notNull(),
    controlSum: amount('control_sum').notNull(),
    sha256: text('sha256'),
    /** prepared | sent */
    status: text('status').notNull(),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('submissions_cycle_channel_seq_uq').on(t.cycleId, t.channel, t.sequence)],
);

// ---------------------------------------------------------------- reconciliation

/** Every response file, kept by content hash: the same file loaded twice is counted once. */
export const settlementFiles = pgTable(
  'settlement_files',
  {
    id: serial('id').primaryKey(),
    sha256: text('sha256').notNull().unique(),
    fileName: text('file_name').notNull(),
    format: text('format').notNull(),
    messageId: text('message_id'),
    originalMessageId: text('original_message_id'),
    groupStatus: text('group_status'),
    recordCount: integer('record_count').notNull().default(0),
    loadedBy: text('loaded_by').notNull(),
    loadedAt: createdAt(),
    /**
     * loaded | repeat (the same message as repeat_of, other bytes: moved nothing) | quarantined
     * (unreadable, or answers no file this database sent: moved nothing); note says why.
     */
    state: text('state').notNull().default('loaded'),
    note: text('note'),
    repeatOf: integer('repeat_of').references((): AnyPgColumn => settlementFiles.id),
    /** The file's records lie in this id range (null for files loaded before it was kept). */
    firstRecordId: bigint('first_record_id', { mode: 'number' }),
    lastRecordId: bigint('last_record_id', { mode: 'number' }),
  },
  (t) => [index('settlement_files_message_idx').on(t.format, t.messageId)],
);

/**
 * Hundreds of thousands of rows per file: the references of settlement_records and
 * line_status_events (file, line, record) are checked once per statement by triggers
 * (migration 0010_reconciliation_statement_checks), not by per-row foreign keys.
 */
export const settlementRecords = pgTable(
  'settlement_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    settlementFileId: integer('settlement_file_id').notNull(),
    endToEndId: text('end_to_end_id'),
    paymentInfoId: text('payment_info_id'),
    status: text('status').notNull(),
    reasonCode: text('reason_code'),
    reasonText: text('reason_text'),
    amount: amount('amount'),
    payrollLineId: bigint('payroll_line_id', { mode: 'number' }),
    /** matched | unknown_reference | ambiguous_match | duplicate | confirmed | conflict |
     *  unexplained_credit */
    outcome: text('outcome').notNull(),
    /** How the line was found: reference (EndToEndId) or fallback (account, amount, date). */
    matchMethod: text('match_method'),
    currency: text('currency'),
    /** camt entries: CRDT | DBIT, the reversal indicator and the bank transaction code. */
    creditDebit: text('credit_debit'),
    reversal: boolean('reversal'),
    bankTxCode: text('bank_tx_code'),
    bookingDate: date('booking_date'),
    valueDate: date('value_date'),
    /** camt entries: the counterparty account (creditor, else debtor), for the fallback match. */
    account: text('account'),
  },
  (t) => [index('settlement_records_line_idx').on(t.payrollLineId)],
);

/** Every status change of a payroll line, with the response record that caused it. */
export const lineStatusEvents = pgTable(
  'line_status_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    payrollLineId: bigint('payroll_line_id', { mode: 'number' }).notNull(),
    fromStatus: text('from_status').notNull(),
    toStatus: text('to_status').notNull(),
    reasonCode: text('reason_code'),
    settlementRecordId: bigint('settlement_record_id', { mode: 'number' }),
    at: createdAt(),
  },
  (t) => [index('line_status_events_line_idx').on(t.payrollLineId)],
);

export const exceptions = pgTable(
  'exceptions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cycleId: integer('cycle_id').references(() => cycles.id),
    payrollLineId: bigint('payroll_line_id', { mode: 'number' }).references(() => payrollLines.id),
    settlementRecordId: bigint('settlement_record_id', { mode: 'number' }).references(
      () => settlementRecords.id,
    ),
    /** One of EXCEPTION_KINDS in reconciliation/exceptions.ts. */
    kind: text('kind').notNull(),
    reasonCode: text('reason_code'),
    amount: amount('amount'),
    detail: text('detail').notNull(),
    /** The recommended action, from the reason code or the kind. */
    action: text('action'),
    /** household_review: the household to review. */
    householdRef: text('household_ref'),
    /** open | resolved | carried (paid again in the next payroll build) */
    state: text('state').notNull().default('open'),
    /** note | pay_again | write_off | refer_grievance | settled (a later report settled it) */
    resolution: text('resolution'),
    resolvedBy: text('resolved_by').references(() => users.username),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    note: text('note'),
    grievanceCase: text('grievance_case'),
    createdAt: createdAt(),
  },
  (t) => [
    index('exceptions_cycle_idx').on(t.cycleId),
    index('exceptions_line_idx').on(t.payrollLineId),
    index('exceptions_record_idx').on(t.settlementRecordId),
  ],
);

// ---------------------------------------------------------------- audit

/** Append-only, hash-chained: each event's hash covers the previous event's hash. */
export const auditEvents = pgTable('audit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  detail: jsonb('detail').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull().unique(),
});
