import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample, type SampleFiles } from '../../src/sample/generate.js';
import { FILE_KINDS } from '../../src/sample/file-layout.js';

const PERIOD = { start: '2026-11-02', end: '2026-11-15' };
let root: string;

async function sample(seed: number, households: number, workers: number): Promise<SampleFiles> {
  return generateSample({
    seed,
    households,
    workers,
    dir: await mkdtemp(join(root, 's-')),
    lipwPeriod: PERIOD,
  });
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function csv(path: string): Promise<Record<string, string>[]> {
  const [head, ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const columns = head!.split(',');
  // The sample writes no quoted fields: names hold no commas.
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
}

function ageOn(dob: string, day: string): number {
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = day.split('-').map(Number) as [number, number, number];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sika-sample-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the sample generator', () => {
  it('writes byte-identical files for the same seed and different files for another seed', async () => {
    const a = await sample(42, 300, 60);
    const b = await sample(42, 300, 60);
    const c = await sample(43, 300, 60);
    for (const kind of FILE_KINDS) {
      expect(await sha256(b[kind])).toBe(await sha256(a[kind]));
      expect(await sha256(c[kind])).not.toBe(await sha256(a[kind]));
    }
  });

  it.each([
    ['2026-11-15', '2026-11-02'],
    ['2026-02-30', '2026-03-10'],
    ['2 Nov 2026', '2026-11-15'],
  ])('refuses a LIPW period from %s to %s as USAGE', async (start, end) => {
    await expect(
      generateSample({ seed: 1, households: 1, workers: 1, dir: root, lipwPeriod: { start, end } }),
    ).rejects.toMatchObject({ code: 'USAGE' });
  });

  describe('a sample of 400 households and 50 workers (seed 11)', () => {
    let s: SampleFiles;
    let members: Record<string, string>[];
    beforeAll(async () => {
      s = await sample(11, 400, 50);
      members = await csv(s.members);
    });

    it('writes the exact number of rows to each file', async () => {
      expect(s.counts).toEqual({
        households: 400,
        members: 1763,
        instruments: 396,
        subprojects: 2,
        workers: 50,
        attendance: 402,
      });
      for (const kind of FILE_KINDS) expect((await csv(s[kind])).length).toBe(s.counts[kind]);
    });

    it('plants each data problem in its share of households, rounded up', () => {
      expect(s.problems).toMatchObject({
        no_instrument: 4,
        unverified_instrument: 2,
        shared_pin_first: 2,
        shared_pin_second: 2,
        deceased_with_alternate: 1,
        deceased_no_alternate: 1,
        suspended: 2,
        exited: 2,
        malformed_member_pin: 1,
        malformed_member_date: 1,
        unknown_district: 1,
      });
    });

    it('gives every household exactly one caregiver, with a Ghana Card PIN', () => {
      const caregivers = new Map<string, number>();
      for (const m of members.filter((r) => r.role === 'caregiver')) {
        caregivers.set(m.household_ref!, (caregivers.get(m.household_ref!) ?? 0) + 1);
        expect(m.ghana_card_pin).toMatch(/^GHA-\d{9}-\d$/);
      }
      expect(caregivers.size).toBe(400);
      expect([...caregivers.values()].every((n) => n === 1)).toBe(true);
    });

    it('shares caregiver PINs only between the planted pairs', () => {
      const byPin = new Map<string, number>();
      for (const m of members.filter((r) => r.role === 'caregiver')) {
        byPin.set(m.ghana_card_pin!, (byPin.get(m.ghana_card_pin!) ?? 0) + 1);
      }
      expect([...byPin.values()].filter((n) => n > 1)).toEqual([2, 2]);
    });

    it('gives dates of birth that fit the category, except the planted bad dates', () => {
      const wellFormed = members.filter(
        (m) =>
          new Date(`${m.date_of_birth}T00:00:00Z`).toISOString().slice(0, 10) === m.date_of_birth,
      );
      const bad = members.filter((m) => !wellFormed.includes(m));
      for (const m of wellFormed) {
        const age = ageOn(m.date_of_birth!, PERIOD.start);
        if (m.category === 'ovc') expect(age).toBeLessThan(18);
        if (m.category === 'elderly') expect(age).toBeGreaterThanOrEqual(65);
        if (m.category === 'pregnant') expect([m.sex, age >= 16 && age <= 44]).toEqual(['F', true]);
      }
      expect(bad.length).toBe(1);
    });

    it('writes names with Ghanaian letters such as ɛ, ɔ and ŋ in a small share', () => {
      const special = members.filter((m) => /[ƐɛƆɔŊŋ]/.test(m.full_name!)).length;
      expect(special).toBeGreaterThan(0);
      expect(special / members.length).toBeLessThan(0.05);
    });

    it('writes instruments as 10-digit e-zwich cards, Ghanaian mobile numbers or bank accounts', async () => {
      for (const i of await csv(s.instruments)) {
        if (i.channel === 'ezwich') expect(i.account_number).toMatch(/^\d{10}$/);
        else if (i.channel === 'momo') {
          expect(i.account_number).toMatch(/^(\+233|0)(24|54|55|59|20|50|26|56|27|57)\d{7}$/);
        } else
          expect([i.channel, i.bank_sort_code]).toEqual(['bank', expect.stringMatching(/^\d{6}$/)]);
      }
    });

    it('records attendance on weekdays of the period only, once per worker and day', async () => {
      const rows = await csv(s.attendance);
      const keys = new Set(rows.map((r) => `${r.worker_ref} ${r.work_date}`));
      expect(keys.size).toBe(rows.length);
      for (const r of rows) {
        expect(r.work_date! >= PERIOD.start && r.work_date! <= PERIOD.end).toBe(true);
        expect([0, 6]).not.toContain(new Date(`${r.work_date}T00:00:00Z`).getUTCDay());
      }
    });

    it('takes each worker from a different household', async () => {
      const workers = await csv(s.workers);
      expect(new Set(workers.map((w) => w.household_ref)).size).toBe(50);
    });
  });
});
