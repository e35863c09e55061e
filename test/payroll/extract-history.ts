import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../src/db/open.js';
import { importFile } from '../../src/enrolment/index.js';

/**
 * Two enrolment extracts, a month apart, for the history and replay tests. Every household is
 * in NR-01 and was last assessed in 2024, so lines come in household order and carry no flags.
 *
 * v1: HH1 an elderly caregiver and a child (2 eligible), HH2 a caregiver and a child (1),
 * HH3 two elderly members (2), HH4 one elderly caregiver (1).
 * v2: a child is born in HH1, an elderly member of HH3 dies, HH2 moves to another community and
 * changes its e-zwich card, HH4 is suspended, and HH5 is enrolled with a card not yet verified.
 */
const HOUSEHOLDS = 'household_ref,region_code,district_code,community,enrolled_on,last_assessed_on';
const MEMBERS =
  'member_ref,household_ref,full_name,sex,date_of_birth,ghana_card_pin,category,role,deceased_on';
const INSTRUMENTS = 'household_ref,channel,account_number,bank_sort_code,holder_name,verified';

const household = (ref: string, community: string, status: string) =>
  `${ref},NR,NR-01,${community},2020-01-15,2024-06-01,${status}`;

const V1 = {
  households: [
    household('HH0000001', 'Tolon', 'active'),
    household('HH0000002', 'Tolon', 'active'),
    household('HH0000003', 'Kumbungu', 'active'),
    household('HH0000004', 'Kumbungu', 'active'),
  ],
  members: [
    'MB00000001,HH0000001,Ama Mensah,F,1950-03-01,GHA-000000001-1,elderly,caregiver,',
    'MB00000002,HH0000001,Kofi Mensah,M,2015-06-01,,ovc,member,',
    'MB00000003,HH0000002,Akua Dery,F,1980-01-01,GHA-000000003-3,none,caregiver,',
    'MB00000004,HH0000002,Yaw Dery,M,2014-02-01,,ovc,member,',
    'MB00000005,HH0000003,Abena Owusu,F,1945-05-05,GHA-000000005-5,elderly,caregiver,',
    'MB00000006,HH0000003,Kwasi Owusu,M,1948-08-08,,elderly,member,',
    'MB00000008,HH0000004,Esi Boateng,F,1940-04-04,GHA-000000008-8,elderly,caregiver,',
  ],
  instruments: [
    'HH0000001,ezwich,9000000001,,Ama Mensah,true',
    'HH0000002,ezwich,9000000002,,Akua Dery,true',
    'HH0000003,ezwich,9000000003,,Abena Owusu,true',
    'HH0000004,ezwich,9000000004,,Esi Boateng,true',
  ],
};

const V2 = {
  households: [
    household('HH0000001', 'Tolon', 'active'),
    household('HH0000002', 'Tolon North', 'active'),
    household('HH0000003', 'Kumbungu', 'active'),
    household('HH0000004', 'Kumbungu', 'suspended'),
    household('HH0000005', 'Kumbungu', 'active'),
  ],
  members: [
    ...V1.members.filter((m) => !m.startsWith('MB00000006')),
    'MB00000006,HH0000003,Kwasi Owusu,M,1948-08-08,,elderly,member,2026-11-20',
    'MB00000007,HH0000001,Adjoa Mensah,F,2026-10-15,,ovc,member,',
    'MB00000009,HH0000005,Adwoa Asante,F,1942-02-02,GHA-000000009-9,elderly,caregiver,',
  ],
  instruments: [
    ...V1.instruments.filter((i) => !i.startsWith('HH0000002')),
    'HH0000002,ezwich,9000000222,,Akua Dery,true',
    'HH0000005,ezwich,9000000005,,Adwoa Asante,false',
  ],
};

export const EXTRACTS = { v1: V1, v2: V2 };
export type Extract = typeof V1;

export interface LoadedFiles {
  households: number;
  members: number;
  instruments: number;
}

/** Writes an extract's three files to dir and imports them in order; returns their file ids. */
export async function loadExtract(
  db: Db,
  dir: string,
  name: string,
  extract: Extract,
): Promise<LoadedFiles> {
  const header = { households: `${HOUSEHOLDS},status`, members: MEMBERS, instruments: INSTRUMENTS };
  const ids: Partial<LoadedFiles> = {};
  for (const kind of ['households', 'members', 'instruments'] as const) {
    const path = join(dir, `${name}-${kind}.csv`);
    await writeFile(path, [header[kind], ...extract[kind]].join('\n') + '\n');
    const r = await importFile(db, { kind, path, loadedBy: 'akosua.mensah', asOf: '2026-12-01' });
    if (r.rejected > 0) throw new Error(`${path}: ${JSON.stringify(r.rejects)}`);
    ids[kind] = r.fileId;
  }
  return ids as LoadedFiles;
}
