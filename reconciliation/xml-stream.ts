import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { SaxesParser } from 'saxes';
import { SikaError } from '../src/errors.js';
import { declaredEncoding } from './detect-format.js';

export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>): void;
  /**
   * text: the element's own text, trimmed; attributes: those of its opening tag; line: the line
   * of the file its closing tag is on, for messages.
   */
  close(name: string, text: string, attributes: Record<string, string>, line: number): void;
}

/**
 * Feeds a byte stream to a SAX parser in the encoding its declaration names, calling the handlers
 * synchronously; yields once per chunk so the caller can hand on what the handlers collected.
 * Unreadable input becomes UNREADABLE_RESPONSE (or FILE_NOT_FOUND) naming the file.
 */
export async function* feedXml(
  stream: Readable,
  name: string,
  h: XmlHandlers,
): AsyncGenerator<void> {
  const unreadable = (why: string) =>
    new SikaError('UNREADABLE_RESPONSE', `${name}: ${why}`, { file: name });
  const parser = new SaxesParser({ xmlns: false, fileName: name });
  const attrs: Record<string, string>[] = [];
  let text = '';
  parser.on('opentag', (tag) => {
    text = '';
    const a = tag.attributes as Record<string, string>;
    attrs.push(a);
    h.open(tag.name, a);
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', (tag) => {
    const value = text.trim();
    text = '';
    h.close(tag.name, value, attrs.pop() ?? {}, parser.line);
  });

  const guard = (run: () => void) => {
    try {
      run();
    } catch (err) {
      if (err instanceof SikaError) throw err;
      throw unreadable(`not well-formed XML (${(err as Error).message})`);
    }
  };
  let decoder: ReturnType<typeof iconv.getDecoder> | undefined;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      if (!decoder) {
        const encoding = declaredEncoding(buf);
        if (!iconv.encodingExists(encoding)) throw unreadable(`unknown encoding ${encoding}`);
        decoder = iconv.getDecoder(encoding);
      }
      const s = decoder.write(buf);
      guard(() => parser.write(s));
      yield;
    }
  } catch (err) {
    if (err instanceof SikaError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new SikaError('FILE_NOT_FOUND', `${name}: cannot be read (${code})`, { file: name });
    }
    throw err;
  }
  if (!decoder) throw unreadable('not well-formed XML (the file is empty)');
  const rest = decoder.end() ?? '';
  guard(() => {
    parser.write(rest);
    parser.close();
  });
  yield;
}
