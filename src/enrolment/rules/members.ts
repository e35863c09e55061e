import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { countedUpsert, recordset } from '../batch-sql.js';
import { caregiversByHousehold, idsByKey, storedRefNumbers } from '../lookups.js';
import { ageOn, type RowCheck } from '../validate.js';
import { checkDuplicate, NumberSet, refNumber, type KindRules } from './rule.js';

const MEMBER_REF = /^MB(\d{8})$/;
export const CATEGORIES = ['ovc', 'elderly', 'disability', 'pregnant', 'none'] as const;
export const ROLES = ['caregiver', 'alternate', 'member'] as const;
const SEXES: Record<string, 'F' | 'M'> = { f: 'F', female: 'F', m: 'M', male: 'M' };

interface MemberRow {
  member_ref: string;
  household_id: number;
  full_name: string;
  sex: string;
  date_of_birth: string;
  ghana_card_pin: string | null;
  category: string;
  role: string;
  deceased_on: string | null;
}

interface Ctx {
  households: Map<string, number>;
  seen: NumberSet;
  /** Member numbers on record when the file began. */
  stored: NumberSet;
  /** Living caregivers on record, household id -> member number. */
  storedCaregivers: Map<number, number>;
  /** Their member numbers, for finding a row that makes one of them no longer caregiver. */
  storedCaregiverRefs: Set<number>;
  /** Living caregivers accepted from this file, household id -> member number. */
  fileCaregivers: Map<number, number>;
  /** Stored caregivers this file, in an earlier row, made something else or recorded dead. */
  released: Set<number>;
}

/** The age each category needs, in whole years at the import date. */
const AGE_RULES: Partial<Record<(typeof CATEGORIES)[number], (age: number) => boolean>> = {
  elderly: (age) => age >= 65,
  ovc: (age) => age < 18,
};

/** Household members; the caregiver and the alternate must carry a Ghana Card PIN. */
export const memberRules: KindRules<Ctx, MemberRow> = {
  required: [
    'member_ref',
    'household_ref',
    'full_name',
    'sex',
    'date_of_birth',
    'ghana_card_pin',
    'category',
    'role',
  ],
  optional: ['deceased_on'],
  stores: {
    member_ref: 'members.member_ref',
    household_ref: 'households.household_ref',
    full_name: 'members.full_name',
    sex: 'members.sex',
    date_of_birth: 'members.date_of_birth',
    ghana_card_pin: 'members.ghana_card_pin',
    category: 'members.category',
    role: 'members.role',
    deceased_on: 'members.deceased_on',
  },

  async prepare(db) {
    const storedCaregivers = await caregiversByHousehold(db);
    return {
      households: await idsByKey(db, 'households', 'household_ref'),
      seen: new NumberSet(),
      stored: await storedRefNumbers(db, 'members', 'member_ref', MEMBER_REF),
      storedCaregivers,
      storedCaregiverRefs: new Set(storedCaregivers.values()),
      fileCaregivers: new Map(),
      released: new Set(),
    };
  },

  check(c, ctx) {
    const ref = c.matches(
      'member_ref',
      c.required('member_ref'),
      MEMBER_REF,
      'INVALID_REF',
      'MB + 8 digits',
    );
    checkDuplicate(c, ctx.seen, refNumber(ref, MEMBER_REF), 'member_ref');

    const householdRef = c.required('household_ref');
    const householdId =
      householdRef === null ? undefined : ctx.households.get(householdRef.toUpperCase());
    if (householdRef !== null && householdId === undefined) {
      c.add('household_ref', 'UNKNOWN_HOUSEHOLD', `household ${householdRef} is not enrolled`);
    }

    const name = c.required('full_name');
    const sexText = c.required('sex');
    const sex = sexText === null ? null : (SEXES[sexText.toLowerCase()] ?? null);
    if (sexText !== null && sex === null)
      c.add('sex', 'INVALID_SEX', `sex "${sexText}" is not F or M`);
    const born = c.date('date_of_birth', c.required('date_of_birth'));
    const category = c.oneOf('category', c.required('category'), CATEGORIES, 'INVALID_CATEGORY');
    const role = c.oneOf('role', c.required('role'), ROLES, 'INVALID_ROLE');
    // The recipient and the alternate are identified by their card at pay-out.
    const pinText =
      role === 'caregiver' || role === 'alternate'
        ? c.required('ghana_card_pin')
        : c.optional('ghana_card_pin');
    const pin = c.ghanaCard('ghana_card_pin', pinText);
    const deceased = c.date('deceased_on', c.optional('deceased_on'));
    if (
      born !== null &&
      category !== null &&
      AGE_RULES[category]?.(ageOn(born, c.env.asOf)) === false
    ) {
      c.add(
        'category',
        'AGE_CATEGORY_MISMATCH',
        `a member aged ${ageOn(born, c.env.asOf)} cannot be in category ${category}`,
      );
    }
    const memberNo = refNumber(ref, MEMBER_REF);
    if (householdId !== undefined && memberNo !== null && c.ok) {
      checkCaregiver(c, ctx, householdId, memberNo, role === 'caregiver' && deceased === null);
    }

    return {
      member_ref: ref!,
      household_id: householdId!,
      full_name: name!,
      sex: sex!,
      date_of_birth: born!,
      ghana_card_pin: pin,
      category: category!,
      role: role!,
      deceased_on: deceased,
    };
  },

  afterLoad: recordSharedCards,

  isNew(value, ctx) {
    return !ctx.stored.has(refNumber(value.member_ref, MEMBER_REF)!);
  },

  insert: insertMembers,

  write(values) {
    return countedUpsert(
      sql`${insertMembers(values)}
      ON CONFLICT (member_ref) DO UPDATE SET
        household_id = EXCLUDED.household_id,
        full_name = EXCLUDED.full_name,
        sex = EXCLUDED.sex,
        date_of_birth = EXCLUDED.date_of_birth,
        ghana_card_pin = EXCLUDED.ghana_card_pin,
        category = EXCLUDED.category,
        role = EXCLUDED.role,
        deceased_on = EXCLUDED.deceased_on
      WHERE (members.household_id, members.full_name, members.sex, members.date_of_birth,
          members.ghana_card_pin, members.category, members.role, members.deceased_on)
        IS DISTINCT FROM (EXCLUDED.household_id, EXCLUDED.full_name, EXCLUDED.sex,
            EXCLUDED.date_of_birth, EXCLUDED.ghana_card_pin, EXCLUDED.category, EXCLUDED.role,
            EXCLUDED.deceased_on)
      RETURNING (xmax = 0) AS inserted`,
    );
  },
};

/**
 * One living caregiver per household: a second one in the file, or one beside the caregiver on
 * record, is rejected. A row that makes the recorded caregiver a member (or records their death)
 * frees the place for the rows after it.
 */
function checkCaregiver(
  c: RowCheck,
  ctx: Ctx,
  householdId: number,
  memberNo: number,
  livingCaregiver: boolean,
): void {
  if (!livingCaregiver) {
    if (ctx.storedCaregiverRefs.has(memberNo)) ctx.released.add(memberNo);
    return;
  }
  const inFile = ctx.fileCaregivers.get(householdId);
  const stored = ctx.storedCaregivers.get(householdId);
  const other =
    inFile !== undefined && inFile !== memberNo
      ? inFile
      : stored !== undefined && stored !== memberNo && !ctx.released.has(stored)
        ? stored
        : null;
  if (other !== null) {
    c.add(
      'role',
      'SECOND_CAREGIVER',
      `the household already has caregiver MB${String(other).padStart(8, '0')}`,
    );
    return;
  }
  ctx.fileCaregivers.set(householdId, memberNo);
}

/**
 * A Ghana Card PIN held by members of two or more households: one person cannot be in two
 * households. Payroll withholds such households; import records them for review. The PINs are
 * found first by a hash aggregate of two narrow columns (two households differ when their
 * smallest and largest id do), so only the few shared PINs are joined and sorted. That
 * aggregate holds every PIN on record (about 190 bytes each): with the default 4 MB of work_mem
 * it spilled to disk from about 50,000 members on; 128 MB (twice that for a hash) holds the
 * PINs of a national register.
 */
async function recordSharedCards(db: Db, fileId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL work_mem = '128MB'`);
    await tx.execute(sql`
    WITH shared AS (
      SELECT ghana_card_pin AS pin FROM members WHERE ghana_card_pin IS NOT NULL
      GROUP BY ghana_card_pin
      HAVING min(household_id) <> max(household_id))
    INSERT INTO import_findings (import_file_id, kind, refs, detail)
    SELECT ${fileId}, 'SHARED_GHANA_CARD',
      array_agg(DISTINCT h.household_ref ORDER BY h.household_ref),
      'one Ghana Card PIN is held by members ' ||
        string_agg(m.member_ref, ', ' ORDER BY m.member_ref) || ' of ' ||
        count(DISTINCT m.household_id) || ' households'
    FROM shared s
    JOIN members m ON m.ghana_card_pin = s.pin
    JOIN households h ON h.id = m.household_id
    GROUP BY m.ghana_card_pin
    ORDER BY m.ghana_card_pin`);
  });
}

function insertMembers(values: MemberRow[]): SQL {
  return sql`
      INSERT INTO members
        (member_ref, household_id, full_name, sex, date_of_birth, ghana_card_pin, category, role,
         deceased_on)
      SELECT member_ref, household_id, full_name, sex, date_of_birth, ghana_card_pin, category,
        role, deceased_on
      FROM ${recordset(
        values,
        `member_ref text, household_id int, full_name text, sex text, date_of_birth date,
         ghana_card_pin text, category text, role text, deceased_on date`,
      )}`;
}
