import { sharedPath } from '../helpers/shared.js';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { validateXML } from 'xmllint-wasm';

const schemas = new Map<string, string>();

/** Schema errors of a pain.001 document (version 03 unless named); empty when valid. */
export async function pain001SchemaErrors(
  xml: string,
  version: 'pain.001.001.03' | 'pain.001.001.09' = 'pain.001.001.03',
): Promise<string[]> {
  const xsd =
    schemas.get(version) ?? readFileSync(sharedPath('iso20022', 'xsd', `${version}.xsd`), 'utf8');
  schemas.set(version, xsd);
  const result = await validateXML({
    xml: [{ fileName: 'payment.xml', contents: xml }],
    schema: [{ fileName: `${version}.xsd`, contents: xsd }],
    initialMemoryPages: 1024,
    maxMemoryPages: 16384,
  });
  return result.errors.map((e) => e.rawMessage);
}

/** The texts of every element with this name, in document order. */
export function texts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, 'g'))].map(
    (m) => m[1]!,
  );
}

/** A stream that keeps what is written to it, and asks for a drain now and then. */
export class Collector extends Writable {
  chunks: string[] = [];
  constructor() {
    super({ highWaterMark: 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void) {
    this.chunks.push(chunk.toString('utf8'));
    setImmediate(done);
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** Schema errors of any document against a shared ISO 20022 schema; empty when valid. */
export async function schemaErrors(xml: string, version: string): Promise<string[]> {
  const xsd =
    schemas.get(version) ?? readFileSync(sharedPath('iso20022', 'xsd', `${version}.xsd`), 'utf8');
  schemas.set(version, xsd);
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: [{ fileName: `${version}.xsd`, contents: xsd }],
    initialMemoryPages: 1024,
    maxMemoryPages: 16384,
  });
  return result.errors.map((e) => e.rawMessage);
}
