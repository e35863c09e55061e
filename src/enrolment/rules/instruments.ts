import { sql } from 'drizzle-orm';
import { countedUpsert, recordset } from '../batch-sql.js';
import { idsByKey } from '../lookups.js';
import { CHANNELS } from '../validate.js';
import { checkDuplicate, NumberSet, type KindRules } from './rule.js';

interface InstrumentRow {
  household_id: number;
  channel: string;
  account_number: string;
  bank_sort_code: string | null;
  holder_name: string;
  verified: boolean;
}

interface Ctx {
  households: Map<string, number>;
  seen: NumberSet;
}

/** One payment instrument per household: a newer file replaces the one on record. */
export const instrumentRules: KindRules<Ctx, InstrumentRow> = {
  required: ['household_ref', 'channel', 'account_number', 'holder_name', 'verified'],
  optional: ['bank_sort_code'],
  stores: {
    household_ref: 'households.household_ref',
    channel: 'payment_instruments.channel',
    account_number: 'payment_instruments.account_number',
    bank_sort_code: 'payment_instruments.bank_sort_code',
    holder_name: 'payment_instruments.holder_name',
    verified: 'payment_instruments.verified',
  },

  async prepare(db) {
    return { households: await idsByKey(db, 'households', 'household_ref'), seen: new NumberSet() };
  },

  check(c, ctx) {
    const householdRef = c.required('household_ref');
    const householdId =
      householdRef === null ? undefined : ctx.households.get(householdRef.toUpperCase());
    if (householdRef !== null && householdId === undefined) {
      c.add('household_ref', 'UNKNOWN_HOUSEHOLD', `household ${householdRef} is not enrolled`);
    }
    checkDuplicate(c, ctx.seen, householdId ?? null, 'household_ref');

    const channel = c.channel('channel', c.required('channel'), CHANNELS);
    const account = c.account('account_number', channel, c.required('account_number'));
    const sortCode =
      channel === 'bank' ? c.sortCode('bank_sort_code', c.required('bank_sort_code')) : null;
    if (channel === 'momo') c.mobilePrefix(account, householdRef?.toUpperCase() ?? null);
    const holder = c.required('holder_name');
    const verified = c.boolean('verified', c.required('verified'));

    return {
      household_id: householdId!,
      channel: channel!,
      account_number: account!,
      bank_sort_code: sortCode,
      holder_name: holder!,
      verified: verified!,
    };
  },

  write(values) {
    return countedUpsert(
      sql`
      INSERT INTO payment_instruments
        (household_id, channel, account_number, bank_sort_code, holder_name, verified)
      SELECT household_id, channel, account_number, bank_sort_code, holder_name, verified
      FROM ${recordset(
        values,
        `household_id int, channel text, account_number text, bank_sort_code text,
         holder_name text, verified boolean`,
      )}
      ON CONFLICT (household_id) DO UPDATE SET
        channel = EXCLUDED.channel,
        account_number = EXCLUDED.account_number,
        bank_sort_code = EXCLUDED.bank_sort_code,
        holder_name = EXCLUDED.holder_name,
        verified = EXCLUDED.verified
      WHERE (payment_instruments.channel, payment_instruments.account_number,
          payment_instruments.bank_sort_code, payment_instruments.holder_name,
          payment_instruments.verified)
        IS DISTINCT FROM (EXCLUDED.channel, EXCLUDED.account_number, EXCLUDED.bank_sort_code,
            EXCLUDED.holder_name, EXCLUDED.verified)
      RETURNING (xmax = 0) AS inserted`,
    );
  },
};
