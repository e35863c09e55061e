import type { Db } from '../src/db/open.js';
import { requireRole, type Role } from '../src/users/roles.js';

/** Finance work (loading responses, the exception queue, closing) is for these roles only. */
export const FINANCE_ROLES: readonly Role[] = ['finance_officer', 'administrator'];

/** Throws UNKNOWN_USER for an unregistered name and ROLE_NOT_ALLOWED for a user without a finance role. */
export async function checkFinanceUser(db: Db, username: string, doing: string): Promise<void> {
  await requireRole(db, username, FINANCE_ROLES, doing);
}
