import type { ImportKind } from '../types.js';
import { attendanceRules } from './attendance.js';
import { householdRules } from './households.js';
import { instrumentRules } from './instruments.js';
import { memberRules } from './members.js';
import type { KindRules } from './rule.js';
import { subprojectRules } from './subprojects.js';
import { workerRules } from './workers.js';

export const RULES: Record<ImportKind, KindRules<unknown, unknown>> = {
  households: householdRules as KindRules<unknown, unknown>,
  members: memberRules as KindRules<unknown, unknown>,
  instruments: instrumentRules as KindRules<unknown, unknown>,
  subprojects: subprojectRules as KindRules<unknown, unknown>,
  workers: workerRules as KindRules<unknown, unknown>,
  attendance: attendanceRules as KindRules<unknown, unknown>,
};
