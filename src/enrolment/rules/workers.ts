import { sql } from 'drizzle-orm';
import { countedUpsert, recordset } from '../batch-sql.js';
import { idsByKey } from '../lookups.js';
import { checkDuplicate, NumberSet, refNumber, type KindRules } from './rule.js';

const WORKER_REF = /^WK(\d{7})$/;
const HOUSEHOLD_REF = /^HH\d{7}$/;

interface WorkerRow {
  worker_ref: string;
  subproject_id: number;
  household_ref: string;
  full_name: string;
  ghana_card_pin: string;
  channel: string;
  account_number: string;
}

interface Ctx {
  subprojects: Map<string, number>;
  seen: NumberSet;
}

/** LIPW workers, paid by e-zwich or mobile money (their records hold no bank sort code). */
export const workerRules: KindRules<Ctx, WorkerRow> = {
  required: [
    'worker_ref',
    'subproject_code',
    'household_ref',
    'full_name',
    'ghana_card_pin',
    'channel',
    'account_number',
  ],
  optional: [],
  stores: {
    worker_ref: 'lipw_workers.worker_ref',
    subproject_code: 'lipw_subprojects.code',
    household_ref: 'lipw_workers.household_ref',
    full_name: 'lipw_workers.full_name',
    ghana_card_pin: 'lipw_workers.ghana_card_pin',
    channel: 'lipw_workers.channel',
    account_number: 'lipw_workers.account_number',
  },

  async prepare(db) {
    return { subprojects: await idsByKey(db, 'lipw_subprojects', 'code'), seen: new NumberSet() };
  },

  check(c, ctx) {
    const ref = c.matches(
      'worker_ref',
      c.required('worker_ref')?.toUpperCase() ?? null,
      WORKER_REF,
      'INVALID_REF',
      'WK + 7 digits',
    );
    checkDuplicate(c, ctx.seen, refNumber(ref, WORKER_REF), 'worker_ref');

    const site = c.required('subproject_code')?.toUpperCase() ?? null;
    const siteId = site === null ? undefined : ctx.subprojects.get(site);
    if (site !== null && siteId === undefined) {
      c.add('subproject_code', 'UNKNOWN_SUBPROJECT', `sub-project ${site} is not on record`);
    }
    const household = c.matches(
      'household_ref',
      c.required('household_ref')?.toUpperCase() ?? null,
      HOUSEHOLD_REF,
      'INVALID_REF',
      'HH + 7 digits',
    );
    const name = c.required('full_name');
    const pin = c.ghanaCard('ghana_card_pin', c.required('ghana_card_pin'));
    const channel = c.channel('channel', c.required('channel'), ['ezwich', 'momo']);
    const account = c.account('account_number', channel, c.required('account_number'));
    if (channel === 'momo') c.mobilePrefix(account, ref);

    return {
      worker_ref: ref!,
      subproject_id: siteId!,
      household_ref: household!,
      full_name: name!,
      ghana_card_pin: pin!,
      channel: channel!,
      account_number: account!,
    };
  },

  write(values) {
    return countedUpsert(
      sql`
      INSERT INTO lipw_workers
        (worker_ref, subproject_id, household_ref, full_name, ghana_card_pin, channel,
         account_number)
      SELECT worker_ref, subproject_id, household_ref, full_name, ghana_card_pin, channel,
        account_number
      FROM ${recordset(
        values,
        `worker_ref text, subproject_id int, household_ref text, full_name text,
         ghana_card_pin text, channel text, account_number text`,
      )}
      ON CONFLICT (worker_ref) DO UPDATE SET
        subproject_id = EXCLUDED.subproject_id,
        household_ref = EXCLUDED.household_ref,
        full_name = EXCLUDED.full_name,
        ghana_card_pin = EXCLUDED.ghana_card_pin,
        channel = EXCLUDED.channel,
        account_number = EXCLUDED.account_number
      WHERE (lipw_workers.subproject_id, lipw_workers.household_ref, lipw_workers.full_name,
          lipw_workers.ghana_card_pin, lipw_workers.channel, lipw_workers.account_number)
        IS DISTINCT FROM (EXCLUDED.subproject_id, EXCLUDED.household_ref, EXCLUDED.full_name,
            EXCLUDED.ghana_card_pin, EXCLUDED.channel, EXCLUDED.account_number)
      RETURNING (xmax = 0) AS inserted`,
    );
  },
};
