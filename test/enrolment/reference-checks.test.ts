import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { createTestDatabase, pgFailure, type TestDatabase } from '../helpers/database.js';

// The enrolment tables' references are checked per statement by triggers instead of foreign
// keys; these are the refusals a foreign key gave, each with its SQLSTATE.
let t: TestDatabase;
let householdId: number;
let workerId: number;
let siteId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  const [h] = await rows<{ id: number }>(
    t.db,
    sql`INSERT INTO households (household_ref, region_code, district_code, community, enrolled_on)
        VALUES ('HH0000001', 'NR', 'NR-01', 'Tolon', '2020-01-01') RETURNING id`,
  );
  householdId = h!.id;
  await t.db.execute(sql`
    INSERT INTO members (member_ref, household_id, full_name, sex, date_of_birth, category, role)
    VALUES ('MB00000001', ${householdId}, 'Ama', 'F', '1950-01-01', 'elderly', 'caregiver')`);
  const [s] = await rows<{ id: number }>(
    t.db,
    sql`INSERT INTO lipw_subprojects (code, name, district_code, asset_type)
        VALUES ('SP-NR-01-001', 'Dam', 'NR-01', 'dam') RETURNING id`,
  );
  siteId = s!.id;
  const [w] = await rows<{ id: number }>(
    t.db,
    sql`INSERT INTO lipw_workers (worker_ref, subproject_id, household_ref, full_name,
          ghana_card_pin, channel, account_number)
        VALUES ('WK0000001', ${siteId}, 'HH0000009', 'Kofi', 'GHA-000000001-1', 'ezwich',
          '0123456789') RETURNING id`,
  );
  workerId = w!.id;
  await t.db.execute(sql`
    INSERT INTO lipw_attendance (worker_id, subproject_id, work_date)
    VALUES (${workerId}, ${siteId}, '2026-11-02')`);
});
afterAll(async () => {
  await t.drop();
});

const FK = '23503';

describe('references of the enrolment tables, checked per statement', () => {
  it('refuses a household in a district, region or import file that does not exist', async () => {
    const insert = (region: string, district: string, file: number | null) =>
      t.db.execute(sql`
        INSERT INTO households (household_ref, region_code, district_code, community, enrolled_on,
          import_file_id)
        VALUES ('HH0000002', ${region}, ${district}, 'x', '2020-01-01', ${file})`);
    expect(await pgFailure(insert('NR', 'XX-99', null))).toEqual({
      code: FK,
      message: 'households names a district that does not exist',
    });
    expect((await pgFailure(insert('XX', 'NR-01', null))).code).toBe(FK);
    expect((await pgFailure(insert('NR', 'NR-01', 999_999))).code).toBe(FK);
    const moved = t.db.execute(
      sql`UPDATE households SET district_code = 'XX-99' WHERE id = ${householdId}`,
    );
    expect((await pgFailure(moved)).code).toBe(FK);
  });

  it('refuses members, enrolments and instruments of a household that does not exist', async () => {
    const member = t.db.execute(sql`
      INSERT INTO members (member_ref, household_id, full_name, sex, date_of_birth, category, role)
      SELECT 'MB0000000' || n, CASE WHEN n = 3 THEN 999999 ELSE ${householdId} END, 'x', 'F',
        '1950-01-01', 'none', 'member'
      FROM generate_series(2, 4) n`);
    expect(await pgFailure(member)).toEqual({
      code: FK,
      message: 'members names a household that does not exist',
    });
    const enrolment = t.db.execute(sql`
      INSERT INTO enrolments (household_id, programme, status, since)
      VALUES (999999, 'LEAP', 'active', '2020-01-01')`);
    expect((await pgFailure(enrolment)).code).toBe(FK);
    const instrument = t.db.execute(sql`
      INSERT INTO payment_instruments (household_id, channel, account_number, holder_name, verified)
      VALUES (999999, 'ezwich', '0123456789', 'x', true)`);
    expect((await pgFailure(instrument)).code).toBe(FK);
    const moved = t.db.execute(sql`UPDATE members SET household_id = 999999`);
    expect((await pgFailure(moved)).code).toBe(FK);
    const [n] = await rows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM members`);
    expect(n!.n).toBe(1);
  });

  it('refuses attendance of a worker or at a site that does not exist', async () => {
    const day = (worker: number, site: number) =>
      t.db.execute(sql`
        INSERT INTO lipw_attendance (worker_id, subproject_id, work_date)
        VALUES (${worker}, ${site}, '2026-11-03')`);
    expect((await pgFailure(day(999_999, siteId))).code).toBe(FK);
    expect(await pgFailure(day(workerId, 999_999))).toEqual({
      code: FK,
      message: 'lipw_attendance names a sub-project that does not exist',
    });
  });

  it('refuses deleting or renumbering a row that is still named', async () => {
    expect(
      await pgFailure(t.db.execute(sql`DELETE FROM households WHERE id = ${householdId}`)),
    ).toEqual({
      code: FK,
      message: 'households with enrolments, members or instruments cannot be deleted',
    });
    const renumber = t.db.execute(sql`UPDATE households SET id = 999999 WHERE id = ${householdId}`);
    expect((await pgFailure(renumber)).code).toBe(FK);
    expect(
      (await pgFailure(t.db.execute(sql`DELETE FROM districts WHERE code = 'NR-01'`))).code,
    ).toBe(FK);
    expect(
      (await pgFailure(t.db.execute(sql`DELETE FROM lipw_workers WHERE id = ${workerId}`))).code,
    ).toBe(FK);
    expect(
      (await pgFailure(t.db.execute(sql`DELETE FROM lipw_subprojects WHERE id = ${siteId}`))).code,
    ).toBe(FK);
  });

  it('lets a row that nothing names be deleted', async () => {
    await t.db.execute(sql`DELETE FROM lipw_attendance`);
    await t.db.execute(sql`DELETE FROM lipw_workers WHERE id = ${workerId}`);
    const [n] = await rows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM lipw_workers`);
    expect(n!.n).toBe(0);
  });
});
