import { sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { countedUpsert, recordset } from '../batch-sql.js';
import { idsByKey, workersWithSites } from '../lookups.js';
import type { RuleEnv } from '../types.js';
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
  workers: Map<string, { id: number; subprojectId: number }>;
  subprojects: Map<string, number>;
  /** worker id x DAY_SPAN + day number: a compact key per worker-day. */
  seen: Set<number>;
}

/** Days worked, one row per worker per day, at the worker's own site, within the pay period. */
export const attendanceRules: KindRules<Ctx, AttendanceRow> = {
  required: ['worker_ref', 'subproject_code', 'work_date'],
  optional: [],
  stores: {
    worker_ref: 'lipw_workers.worker_ref',
    subproject_code: 'lipw_subprojects.code',
    work_date: 'lipw_attendance.work_date',
  },

  async prepare(db) {
    return {
      workers: await workersWithSites(db),
      subprojects: await idsByKey(db, 'lipw_subprojects', 'code'),
      seen: new Set(),
    };
  },

  check(c, ctx) {
    const worker = c.required('worker_ref')?.toUpperCase() ?? null;
    const registered = worker === null ? undefined : ctx.workers.get(worker);
    if (worker !== null && registered === undefined) {
      c.add('worker_ref', 'UNKNOWN_WORKER', `worker ${worker} is not on record`);
    }
    const site = c.required('subproject_code')?.toUpperCase() ?? null;
    const siteId = site === null ? undefined : ctx.subprojects.get(site);
    if (site !== null && siteId === undefined) {
      c.add('subproject_code', 'UNKNOWN_SUBPROJECT', `sub-project ${site} is not on record`);
    } else if (registered !== undefined && siteId !== registered.subprojectId) {
      c.add('subproject_code', 'WRONG_SITE', `worker ${worker} is registered on another site`);
    }
    const day = c.date('work_date', c.required('work_date'));
    const period = c.env.payPeriod;
    if (day !== null && period !== null && (day < period.start || day > period.end)) {
      c.add(
        'work_date',
        'OUTSIDE_PAY_PERIOD',
        `${day} is outside the pay period ${period.start}..${period.end}`,
      );
    }

    if (registered !== undefined && day !== null) {
      const key = registered.id * DAY_SPAN + Date.parse(`${day}T00:00:00Z`) / DAY_MS;
      if (ctx.seen.has(key)) {
        c.add(
          'work_date',
          'DUPLICATE_ATTENDANCE',
          `worker ${worker} already has ${day} in this file`,
        );
      } else ctx.seen.add(key);
    }
    return { worker_id: registered?.id ?? 0, subproject_id: siteId!, work_date: day! };
  },

  afterLoad: recordDaysOverCap,

  write(values) {
    return countedUpsert(
      sql`
      INSERT INTO lipw_attendance (worker_id, subproject_id, work_date)
      SELECT worker_id, subproject_id, work_date
      FROM ${recordset(values, 'worker_id int, subproject_id int, work_date date')}
      ON CONFLICT (worker_id, work_date) DO UPDATE SET subproject_id = EXCLUDED.subproject_id
      WHERE (lipw_attendance.subproject_id)
        IS DISTINCT FROM (EXCLUDED.subproject_id)
      RETURNING (xmax = 0) AS inserted`,
    );
  },
};

/**
 * Workers whose days on record in a season pass the cap. The season is the one given, or else
 * each calendar year.
 */
async function recordDaysOverCap(db: Db, fileId: number, env: RuleEnv): Promise<void> {
  const cap = env.seasonDayCap;
  const season = env.season;
  // Limitation: without a season the calendar year stands in for it, while the dry season of
  // the north runs across the new year.
  const seasonOf = season
    ? sql`${`${season.start}..${season.end}`}::text`
    : sql`extract(year FROM a.work_date)::int::text`;
  const within = season
    ? sql`a.work_date BETWEEN ${season.start}::date AND ${season.end}::date`
    : sql`true`;
  await db.execute(sql`
    INSERT INTO import_findings (import_file_id, kind, refs, detail)
    SELECT ${fileId}, 'SEASON_DAY_CAP', ARRAY[w.worker_ref],
      count(*) || ' days worked in season ' || ${seasonOf} || ', over the cap of ' || ${cap}::int
    FROM lipw_attendance a JOIN lipw_workers w ON w.id = a.worker_id
    WHERE ${within}
    GROUP BY w.worker_ref, ${seasonOf}
    HAVING count(*) > ${cap}::int
    ORDER BY w.worker_ref`);
}
