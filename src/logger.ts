import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

let root: Logger | undefined;

/**
 * The process logger: JSON lines to a file (stderr when the file is "-"), so that the command
 * line's own output stays readable. Log fields are ids and counts only, never personal data.
 */
export function initLogger(opts: { level: string; file: string }): Logger {
  if (opts.file === '-') {
    root = pino({ level: opts.level }, pino.destination(2));
  } else {
    mkdirSync(dirname(opts.file), { recursive: true });
    // Synchronous writes: a command line process exits right after its work, and an
    // asynchronous buffer would lose the last lines. Log lines are few (per batch, not per row).
    root = pino({ level: opts.level }, pino.destination({ dest: opts.file, sync: true }));
  }
  return root;
}

export function logger(component: string): Logger {
  if (!root) root = pino({ level: 'silent' });
  return root.child({ component });
}
