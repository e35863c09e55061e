import { once } from 'node:events';
import type { Writable } from 'node:stream';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

const NEEDS_ESCAPE = /[&<>"']/;

/** Text or attribute value made safe for XML. */
export function escapeXml(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** `<Tag>text</Tag>` with the text escaped. */
export function el(tag: string, text: string): string {
  return `<${tag}>${escapeXml(text)}</${tag}>`;
}

/** Bytes one character can take in UTF-8, counted per UTF-16 unit: a reserve that always fits. */
const MAX_UTF8_PER_UNIT = 3;

/**
 * Collects XML text as UTF-8 in buffers and writes them to a stream once about chunkSize bytes
 * are waiting, waiting for 'drain' when the stream asks for it, so a file of 350,000
 * transactions never sits in memory. Text is encoded as it is added: joining many appended
 * strings and encoding the result costs several times more. Chunks of a quarter megabyte keep
 * the number of file writes, each a round trip to a worker thread, low.
 */
export class XmlSink {
  private readonly ready: Buffer[] = [];
  private readyBytes = 0;
  private buffer: Buffer;
  private used = 0;

  constructor(
    private readonly out: Writable,
    private readonly chunkSize = 256 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkSize);
  }

  async write(text: string): Promise<void> {
    this.add(text);
    if (this.full) await this.flush();
  }

  /** Adds text without writing: for a batch of lines that is flushed once when `full`. */
  add(text: string): void {
    const reserve = text.length * MAX_UTF8_PER_UNIT;
    if (this.used + reserve > this.buffer.length) this.startBuffer(reserve);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  get full(): boolean {
    return this.readyBytes + this.used >= this.chunkSize;
  }

  async flush(): Promise<void> {
    if (this.used > 0) this.startBuffer(0);
    const chunks = this.ready.splice(0);
    this.readyBytes = 0;
    let more = true;
    for (const chunk of chunks) more = this.out.write(chunk);
    if (!more) await once(this.out, 'drain');
  }

  private startBuffer(reserve: number): void {
    if (this.used > 0) {
      this.ready.push(this.buffer.subarray(0, this.used));
      this.readyBytes += this.used;
    }
    this.buffer = Buffer.allocUnsafe(Math.max(this.chunkSize, reserve));
    this.used = 0;
  }
}
