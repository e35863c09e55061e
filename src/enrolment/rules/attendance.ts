import { sql } from 'drizzle-orm';
import { recordset } from '../batch-sql.js';
import { idsByKey } from '../lookups.js';
import type { KindRules } from './rule.js';

const DAY_MS = 86_400_000;
/** Room for the day number (days since 1970 stay below 2^17 until the year 2328). */
const DAY_SPAN = 2 ** 17;

interface AttendanceRow {
  worker_id: number;
  subproject_id: number;
  work_date: string;
}

interface Ctx {
  workers: Map<string, number>;
  subprojects: Map<string, number>;
  /** worker id x DAY_SPAN + day number: a compact key per worker-day. */
  seen: Set<number>;
}

/** Days worked, one row per worker per day; a worker is on one site a day. */
export const attendanceRules: KindRules<Ctx, AttendanceRow> = {
  required: ['worker_ref', 'subproject_code', 'work_date'],
  optional: [],

  async prepare(db) {
    return {
      workers: await idsByKey(db, 'lipw_workers', 'worker_ref'),
      subprojects: await idsByKey(db, 'lipw_subprojects', 'code'),
      seen: new Set(),
    };
  },

  check(c, ctx) {
    const worker = c.required('worker_ref')?.toUpperCase() ?? null;
    const workerId = worker === null ? undefined : ctx.workers.get(worker);
    if (worker !== null && workerId === undefined) {
      c.add('worker_ref', 'UNKNOWN_WORKER', `worker ${worker} is not on record`);
    }
    const site = c.required('subproject_code')?.toUpperCase() ?? null;
    const siteId = site === null ? undefined : ctx.subprojects.get(site);
    if (site !== null && siteId === undefined) {
      c.add('subproject_code', 'UNKNOWN_SUBPROJECT', `sub-project ${site} is not on record`);
    }
    const day = c.date('work_date', c.required('work_date'));

    if (workerId !== undefined && day !== null) {
      const key = workerId * DAY_SPAN + Date.parse(`${day}T00:00:00Z`) / DAY_MS;
      if (ctx.seen.has(key)) {
        c.add(
          'work_date',
          'DUPLICATE_ATTENDANCE',
          `worker ${worker} already has ${day} in this file`,
        );
      } else ctx.seen.add(key);
    }
    return { worker_id: workerId!, subproject_id: siteId!, work_date: day! };
  },

  async write(db, values) {
    await db.execute(sql`
      INSERT INTO lipw_attendance (worker_id, subproject_id, work_date)
      SELECT worker_id, subproject_id, work_date
      FROM ${recordset(values, 'worker_id int, subproject_id int, work_date date')}
      ON CONFLICT (worker_id, work_date) DO UPDATE SET subproject_id = EXCLUDED.subproject_id`);
  },
};
