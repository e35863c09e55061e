import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { users } from '../db/schema.js';
import { SikaError } from '../errors.js';

const BUILDER_ROLES = new Set(['payroll_officer', 'administrator']);

async function roleOf(db: Db, username: string): Promise<string> {
  const [user] = await db
    .select({ role: users.role })
    .from(users)
    .where(eq(users.username, username));
  if (!user) throw new SikaError('UNKNOWN_USER', 'no such user', { username });
  return user.role;
}

/** Only a payroll officer (or an administrator) may build a cycle. */
export async function requireBuilder(db: Db, username: string): Promise<void> {
  const role = await roleOf(db, username);
  if (!BUILDER_ROLES.has(role)) {
    throw new SikaError('FOUR_EYES', 'user may not build a payroll', { username, role });
  }
}

/** The second pair of eyes: an approver who did not build the cycle. */
export async function requireApprover(db: Db, username: string, builtBy: string): Promise<void> {
  const role = await roleOf(db, username);
  if (username === builtBy) {
    throw new SikaError('FOUR_EYES', 'the builder of a cycle cannot approve or reject it', {
      username,
    });
  }
  if (role !== 'approver') {
    throw new SikaError('FOUR_EYES', 'user lacks the approver role', { username, role });
  }
}
