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

/**
 * Collects XML text into chunks of about 64 KiB and writes them to a stream, waiting for 'drain'
 * when the stream asks for it, so a file of 350,000 transactions never sits in memory.
 */
export class XmlSink {
  private buffer = '';

  constructor(
    private readonly out: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {}

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk, 'utf8')) await once(this.out, 'drain');
  }
}
