import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The read-only shared folder beside the project (schemas and real bank files). */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared', import.meta.url));

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}
