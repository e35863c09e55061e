import type { Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { requireRole } from '../users/roles.js';

/** Only a payroll officer (or an administrator) may build a cycle. */
export async function requireBuilder(db: Db, username: string): Promise<void> {
  await requireRole(db, username, ['payroll_officer', 'administrator'], 'build a payroll');
}

/** The second pair of eyes: an approver who did not build the cycle. */
export async function requireApprover(db: Db, username: string, builtBy: string): Promise<void> {
  await requireRole(db, username, ['approver'], 'approve or reject a cycle');
  if (username === builtBy) {
    throw new SikaError(
      'FOUR_EYES',
      `user "${username}" built this cycle and cannot also approve or reject it`,
      { username },
    );
  }
}
