import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database } from '../../src/db/open.js';
import { approveCycle } from '../../src/payroll/approve.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { verifyCycle } from '../../src/payroll/replay-cycle.js';
import { seedReferenceData } from '../../src/reference/seed.js';
import { tempDir } from '../enrolment/helpers.js';
import { EXTRACTS, loadExtract } from './extract-history.js';

let database: Database;
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  database = await openDatabase({ dbDir: join(dir, 'pglite') });
  await database.migrate();
  await seedReferenceData(database.db);
});
afterAll(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
});

describe('cycle verify on the embedded database', () => {
  it('keeps history and rebuilds a sealed cycle to its seal after a newer extract', async () => {
    const db = database.db;
    await loadExtract(db, dir, 'v1', EXTRACTS.v1);
    const built = await buildLeapCycle(db, { cycleNumber: 106, builtBy: 'akosua.mensah' });
    const { sealSha256 } = await approveCycle(db, {
      cycleId: built.cycleId,
      approver: 'kwame.boateng',
    });
    await loadExtract(db, dir, 'v2', EXTRACTS.v2);

    const [history] = await rows<{ n: number }>(
      db,
      sql`SELECT (SELECT count(*) FROM members_history)
            + (SELECT count(*) FROM payment_instruments_history)
            + (SELECT count(*) FROM enrolments_history)
            + (SELECT count(*) FROM households_history) AS n`,
    );
    expect(Number(history!.n)).toBe(4);

    const r = await verifyCycle(db, { cycleId: built.cycleId });
    expect([r.matches, r.rebuilt.lines, r.rebuilt.total.toFixed(2), r.rebuilt.sha256]).toEqual([
      true,
      4,
      '1400.00',
      sealSha256,
    ]);

    // The temporary views went with the rolled-back transaction: the tables read as now.
    const [now] = await rows<{ members: number }>(
      db,
      sql`SELECT count(*)::int AS members FROM members`,
    );
    expect(now!.members).toBe(9);
  });
});
