import type { Db } from '../src/db/open.js';
import { moneyEquals } from '../src/money.js';
import { maskInstrument, maskPin } from './masking.js';
import {
  groupTree,
  NO_SUMS,
  addSums,
  registerGroups,
  registerLines,
  type RegionNode,
  type RegisterGroup,
  type RegisterLine,
  type RegisterSums,
} from './report-data/register.js';
import { withSnapshot } from './report-data/snapshot.js';

/** What the register shows of one line, identifiers masked or not as the reader may see them. */
export interface ShownLine extends RegisterLine {
  pinShown: string;
  instrumentShown: string;
}

export interface RegisterVisitor {
  region(region: RegionNode): Promise<void> | void;
  district(region: RegionNode, district: RegionNode['districts'][number]): Promise<void> | void;
  /** A LIPW sub-project (never called for LEAP, whose districts are the smallest group). */
  subproject(group: RegisterGroup): Promise<void> | void;
  line(line: ShownLine): Promise<void> | void;
  /** In a walk without lines: the place of a group's lines, by their number only. */
  linesNotRead?(count: number): Promise<void> | void;
  subprojectTotal(group: RegisterGroup): Promise<void> | void;
  districtTotal(district: RegionNode['districts'][number]): Promise<void> | void;
  regionTotal(region: RegionNode): Promise<void> | void;
  grandTotal(sums: RegisterSums): Promise<void> | void;
}

/**
 * Walks a cycle's register in print order inside one snapshot: regions, districts, LIPW
 * sub-projects, lines, then each level's total. Totals come from the database's group sums and
 * are checked against the lines as they stream past; a difference stops the report.
 * With linesToo false, only the structure is walked: linesNotRead() stands for each group's lines.
 */
export async function walkRegister(
  db: Db,
  p: { cycleId: number; masked: boolean },
  visit: (
    tree: RegionNode[],
    walk: (v: RegisterVisitor, linesToo: boolean) => Promise<RegisterSums>,
  ) => Promise<void>,
): Promise<void> {
  await withSnapshot(db, async (snap) => {
    const groups = await registerGroups(snap.db, p.cycleId);
    const tree = groupTree(groups);
    await visit(tree, async (v, linesToo) => {
      const lines = linesToo ? registerLines(snap.cursor, p.cycleId) : null;
      let grand = NO_SUMS;
      for (const region of tree) {
        await v.region(region);
        for (const district of region.districts) {
          await v.district(region, district);
          for (const group of district.groups) {
            if (group.subprojectCode) await v.subproject(group);
            if (lines) await streamGroup(lines, group, p.masked, v);
            else await v.linesNotRead?.(group.lines);
            if (group.subprojectCode) await v.subprojectTotal(group);
          }
          await v.districtTotal(district);
        }
        await v.regionTotal(region);
        grand = addSums(grand, region);
      }
      await v.grandTotal(grand);
      return grand;
    });
  });
}

async function streamGroup(
  lines: { next(): Promise<RegisterLine | undefined> },
  group: RegisterGroup,
  masked: boolean,
  v: RegisterVisitor,
): Promise<void> {
  let seen = NO_SUMS;
  for (let k = 0; k < group.lines; k++) {
    const line = await lines.next();
    if (
      !line ||
      line.regionCode !== group.regionCode ||
      line.districtCode !== group.districtCode ||
      line.subprojectCode !== group.subprojectCode
    ) {
      throw new Error(`register lines out of step with their group totals (${group.district})`);
    }
    seen = addSums(seen, {
      lines: 1,
      units: (line.eligibleMembers ?? 0) + (line.daysWorked ?? 0),
      base: line.base,
      arrears: line.arrears,
      total: line.total,
    });
    await v.line({
      ...line,
      pinShown: masked ? maskPin(line.recipientPin) : (line.recipientPin ?? ''),
      instrumentShown: masked ? maskInstrument(line.accountNumber) : line.accountNumber,
    });
  }
  if (
    seen.units !== group.units ||
    !moneyEquals(seen.base, group.base) ||
    !moneyEquals(seen.arrears, group.arrears) ||
    !moneyEquals(seen.total, group.total)
  ) {
    throw new Error(`register lines do not add up to their group totals (${group.district})`);
  }
}
