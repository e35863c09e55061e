import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { localName, messageKind } from './detect-format.js';
import { feedXml } from './xml-stream.js';

/**
 * The ISO 20022 message a file holds ('pain.002', 'camt.054', ...), read from its first elements
 * only; null when the file is not XML or names no known message, so the caller can refuse it
 * with the reader's own, more precise message.
 */
export async function sniffFormat(path: string): Promise<string | null> {
  const stream = createReadStream(path, { highWaterMark: 16 * 1024 });
  let depth = 0;
  let kind: string | null | undefined;
  const handlers = {
    open(name: string) {
      const known = messageKind(localName(name));
      if (kind === undefined && (depth === 1 || known)) kind = known;
      depth++;
    },
    close() {
      depth--;
    },
  };
  try {
    for await (const _ of feedXml(stream, basename(path), handlers)) {
      if (kind !== undefined) break;
    }
  } catch {
    return null;
  } finally {
    stream.destroy();
  }
  return kind ?? null;
}
