import { sql } from 'drizzle-orm';
import { recordset } from '../batch-sql.js';
import { idsByKey } from '../lookups.js';
import { checkDuplicate, refNumber, type KindRules } from './rule.js';

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
  seen: Set<number>;
}

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

  async prepare(db) {
    return { households: await idsByKey(db, 'households', 'household_ref'), seen: new Set() };
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

  async write(db, values) {
    await db.execute(sql`
      INSERT INTO members
        (member_ref, household_id, full_name, sex, date_of_birth, ghana_card_pin, category, role,
         deceased_on)
      SELECT member_ref, household_id, full_name, sex, date_of_birth, ghana_card_pin, category,
        role, deceased_on
      FROM ${recordset(
        values,
        `member_ref text, household_id int, full_name text, sex text, date_of_birth date,
         ghana_card_pin text, category text, role text, deceased_on date`,
      )}
      ON CONFLICT (member_ref) DO UPDATE SET
        household_id = EXCLUDED.household_id,
        full_name = EXCLUDED.full_name,
        sex = EXCLUDED.sex,
        date_of_birth = EXCLUDED.date_of_birth,
        ghana_card_pin = EXCLUDED.ghana_card_pin,
        category = EXCLUDED.category,
        role = EXCLUDED.role,
        deceased_on = EXCLUDED.deceased_on`);
  },
};
