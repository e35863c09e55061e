import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

let root: Logger = pino({ level: 'silent' });
const children = new Map<string, Logger>();

/**
 * Sets up the process logger: JSON lines to a file (stderr when the file is "-"), so that the
 * command line's own output stays readable. Log fields are ids and counts only, never personal
 * data. Writes are synchronous: a command exits right after its work, and a buffer would lose
 * the last lines; lines are few (per batch or file, never per row).
 */
export function initLogger(opts: { level: string; file: string }): Logger {
  if (opts.file === '-') {
    root = pino({ level: opts.level }, pino.destination(2));
  } else {
    mkdirSync(dirname(opts.file), { recursive: true });
    root = pino({ level: opts.level }, pino.destination({ dest: opts.file, sync: true }));
  }
  children.clear();
  return root;
}

/**
 * A component's logger. Modules take theirs when they load, before the command line has set up
 * the process logger, so this hands out a stand-in that always writes through the current one.
 */
export function logger(component: string): Logger {
  return new Proxy({} as Logger, {
    get(_target, prop) {
      let child = children.get(component);
      if (!child) {
        child = root.child({ component });
        children.set(component, child);
      }
      const value = Reflect.get(child, prop, child) as unknown;
      return typeof value === 'function' ? value.bind(child) : value;
    },
  });
}
