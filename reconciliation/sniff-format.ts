import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { csvKind, localName, messageKind } from './detect-format.js';
import { feedXml } from './xml-stream.js';

/**
 * The message a file holds: an ISO 20022 message ('pain.002', 'camt.054', ...), read from its
 * first elements only, or a CSV ('sika-status-csv-1', or 'csv' for any other), read from its
 * first bytes; null when the file is neither or names no known message, so the caller can
 * refuse it with the reader's own, more precise message.
 */
export async function sniffFormat(path: string): Promise<string | null> {
  const csv = csvKind(await firstBytes(path), basename(path));
  if (csv) return csv;
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

async function firstBytes(path: string): Promise<Buffer> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return Buffer.alloc(0);
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
