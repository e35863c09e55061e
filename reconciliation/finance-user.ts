import { eq } from 'drizzle-orm';
import type { Db } from '../src/db/open.js';
import { users } from '../src/db/schema.js';
import { SikaError } from '../src/errors.js';

/** Finance work (loading responses, the exception queue, closing) is for these roles only. */
export const FINANCE_ROLES = ['finance_officer', 'administrator'];

/** Throws UNKNOWN_USER for an unregistered name and FOUR_EYES for a user without a finance role. */
export async function checkFinanceUser(db: Db, username: string, doing: string): Promise<void> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  if (!user) throw new SikaError('UNKNOWN_USER', `no user ${username}`);
  if (!FINANCE_ROLES.includes(user.role)) {
    throw new SikaError('FOUR_EYES', `${username} (${user.role}) may not ${doing}`);
  }
}
