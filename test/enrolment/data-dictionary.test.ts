import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { importFile, IMPORT_KINDS, type ImportKind } from '../../src/enrolment/index.js';
import { RULES } from '../../src/enrolment/rules/index.js';
import { FILE_COLUMNS, FILE_NAMES } from '../../src/sample/file-layout.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir } from './helpers.js';

// docs/data-dictionary.md against the importer and the database: a column added to, renamed in
// or dropped from one of them and not the others fails here.

interface DocField {
  field: string;
  type: string;
  required: string;
  example: string;
}

const DOC = new URL('../../docs/data-dictionary.md', import.meta.url);

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(' | ')
    .map((c) => c.trim());

/** Each "## NAME.csv" section's field table, by kind. */
function layouts(markdown: string): Map<ImportKind, DocField[]> {
  const kindOf = new Map(IMPORT_KINDS.map((k) => [FILE_NAMES[k], k]));
  const out = new Map<ImportKind, DocField[]>();
  const sections = markdown.split(/^## /m).slice(1);
  for (const section of sections) {
    const title = section.slice(0, section.indexOf('\n')).trim();
    const kind = kindOf.get(title);
    if (!kind) continue;
    const lines = section.split('\n').filter((l) => l.startsWith('|'));
    expect(cells(lines[0]!), `${title}: table header`).toEqual([
      'field',
      'type',
      'required',
      'rule',
      'example',
    ]);
    out.set(
      kind,
      lines.slice(2).map((l) => {
        const [field, type, required, , example] = cells(l);
        return { field: field!, type: type!, required: required!, example: example! };
      }),
    );
  }
  return out;
}

/** Columns of each table, with their SQL type, as the migrated database has them. */
async function databaseColumns(t: TestDatabase): Promise<Map<string, string>> {
  const found = await rows<{ table_name: string; column_name: string; data_type: string }>(
    t.db,
    sql`SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public'`,
  );
  return new Map(found.map((c) => [`${c.table_name}.${c.column_name}`, c.data_type]));
}

/** Columns of the tables an import writes that no input column fills, and why. */
const NOT_FROM_FILE: Record<string, string[]> = {
  // Row ids, the file that last changed a household, and the start of the version in force.
  households: ['id', 'import_file_id', 'valid_from'],
  enrolments: ['id', 'household_id', 'programme', 'valid_from'],
  members: ['id', 'household_id', 'valid_from'],
  payment_instruments: ['id', 'household_id', 'valid_from'],
  lipw_subprojects: ['id'],
  // A worker's exit is recorded in Sika, not in the extract.
  lipw_workers: ['id', 'subproject_id', 'exited_on'],
  lipw_attendance: ['id', 'worker_id', 'subproject_id'],
};

const SQL_TYPE: Record<string, string> = { text: 'text', date: 'date', boolean: 'boolean' };

let t: TestDatabase;
let dir: string;
let doc: Map<ImportKind, DocField[]>;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
  doc = layouts(await readFile(DOC, 'utf8'));
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('the data dictionary', () => {
  it('documents a layout for each of the six files', () => {
    expect([...doc.keys()].sort()).toEqual([...IMPORT_KINDS].sort());
  });

  for (const kind of IMPORT_KINDS) {
    describe(FILE_NAMES[kind], () => {
      it('lists the columns the importer reads, and the generator writes, in that order', () => {
        const rules = RULES[kind];
        const documented = doc.get(kind)!.map((f) => f.field);
        expect(documented).toEqual(FILE_COLUMNS[kind]);
        expect([...documented].sort()).toEqual([...rules.required, ...rules.optional].sort());
        expect([...documented].sort()).toEqual(Object.keys(rules.stores).sort());
      });

      it('marks a column required exactly when the importer requires it', () => {
        const required = doc
          .get(kind)!
          .filter((f) => f.required.startsWith('column'))
          .map((f) => f.field);
        expect(required.sort()).toEqual([...RULES[kind].required].sort());
      });

      it('maps each field to a database column of the documented type', async () => {
        const columns = await databaseColumns(t);
        for (const f of doc.get(kind)!) {
          const target = RULES[kind].stores[f.field]!;
          expect(columns.get(target), `${f.field} -> ${target}`).toBe(SQL_TYPE[f.type]);
        }
      });
    });
  }

  it('leaves no column of the tables an import writes undocumented', async () => {
    const columns = await databaseColumns(t);
    const stored = new Set(IMPORT_KINDS.flatMap((k) => Object.values(RULES[k].stores)));
    for (const [table, internal] of Object.entries(NOT_FROM_FILE)) {
      const actual = [...columns.keys()].filter((c) => c.startsWith(`${table}.`)).sort();
      const known = [...internal.map((c) => `${table}.${c}`), ...stored]
        .filter((c) => c.startsWith(`${table}.`))
        .sort();
      expect(actual, table).toEqual(known);
    }
  });

  it('gives an example row for each file that loads, in the order of the files', async () => {
    for (const kind of IMPORT_KINDS) {
      const fields = doc.get(kind)!;
      // An example cell may show a value per channel ("0123456789, 0241234567"): the first.
      const example = fields.map((f) => f.example.replaceAll('`', '').split(', ')[0]!);
      const path = join(dir, FILE_NAMES[kind]);
      await writeFile(path, stringify([fields.map((f) => f.field), example]));
      const r = await importFile(t.db, { kind, path, loadedBy: OFFICER, asOf: AS_OF });
      expect({ kind, accepted: r.accepted, rejected: r.rejected, rejects: r.rejects }).toEqual({
        kind,
        accepted: 1,
        rejected: 0,
        rejects: [],
      });
    }
    const [n] = await rows<{ members: number; attendance: number }>(
      t.db,
      sql`SELECT (SELECT count(*)::int FROM members) AS members,
                 (SELECT count(*)::int FROM lipw_attendance) AS attendance`,
    );
    expect(n).toEqual({ members: 1, attendance: 1 });
  });
});
