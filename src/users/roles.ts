import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { users } from '../db/schema.js';
import { SikaError } from '../errors.js';

export const ROLES = [
  'payroll_officer',
  'approver',
  'finance_officer',
  'auditor',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

/** The role of a registered user; an unregistered name is refused, naming it. */
export async function roleOf(db: Db, username: string): Promise<Role> {
  const [user] = await db
    .select({ role: users.role })
    .from(users)
    .where(eq(users.username, username));
  if (!user) throw unknownUser(username);
  return user.role as Role;
}

/** The refusal of a name no user is registered under, quoted as every message quotes a name. */
export function unknownUser(username: string): SikaError {
  const message = `unknown user "${username}": no user of that name is registered`;
  return new SikaError('UNKNOWN_USER', message, { username });
}

/**
 * Refuses a user whose role may not do `action` (e.g. "load enrolment files"), naming the user,
 * their role and the roles that may.
 */
export async function requireRole(
  db: Db,
  username: string,
  allowed: readonly Role[],
  action: string,
): Promise<Role> {
  const role = await roleOf(db, username);
  if (!allowed.includes(role)) {
    throw new SikaError(
      'ROLE_NOT_ALLOWED',
      `user "${username}" (${role}) may not ${action}; that needs the role ${allowed.join(' or ')}`,
      { username, role },
    );
  }
  return role;
}
