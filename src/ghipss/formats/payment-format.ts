import type { Writable } from 'node:stream';
import { SikaError } from '../../errors.js';
import type { Channel } from '../file-names.js';
import {
  PAIN001_V03,
  PAIN001_V09,
  writePain001,
  type Pain001Header,
  type Pain001Written,
  type PaymentLines,
} from '../pain001-writer.js';
import { EZWICH_CSV, MOMO_CSV } from './csv-bulk.js';

/** What every payment file layout is given: the file's identity, totals and debtor. */
export type PaymentFileHeader = Pain001Header;

/**
 * A payment file layout. Formats are adapters: submission, manifests and transports only see
 * this interface, so a layout GhIPSS publishes later is one more entry in PAYMENT_FORMATS.
 */
export interface PaymentFormat {
  /** Stored in submissions.format and the manifest, e.g. "pain.001.001.03". */
  readonly name: string;
  /** With the dot: ".xml", ".csv". */
  readonly extension: string;
  /** Content-Type when the file travels over HTTP. */
  readonly mediaType: string;
  /** The channels whose lines the layout can carry. */
  readonly channels: readonly Channel[];
  /**
   * Streams the file to `out` (not ended). Refuses (PAYMENT_FILE_INVALID) lines it cannot carry
   * and lines that do not add up to the header; the caller then discards what was written.
   */
  write(out: Writable, header: PaymentFileHeader, lines: PaymentLines): Promise<Pain001Written>;
}

const ALL_CHANNELS: readonly Channel[] = ['ezwich', 'momo', 'bank'];

export const PAIN001_V03_FORMAT: PaymentFormat = {
  name: 'pain.001.001.03',
  extension: '.xml',
  mediaType: 'application/xml',
  channels: ALL_CHANNELS,
  write: (out, header, lines) => writePain001(out, header, lines, PAIN001_V03),
};

export const PAIN001_V09_FORMAT: PaymentFormat = {
  name: 'pain.001.001.09',
  extension: '.xml',
  mediaType: 'application/xml',
  channels: ALL_CHANNELS,
  write: (out, header, lines) => writePain001(out, header, lines, PAIN001_V09),
};

export const PAYMENT_FORMATS: readonly PaymentFormat[] = [
  PAIN001_V03_FORMAT,
  PAIN001_V09_FORMAT,
  EZWICH_CSV,
  MOMO_CSV,
];

export const DEFAULT_FORMAT = PAIN001_V03_FORMAT;

/** A format by its name, refused (USAGE) when Sika has no such layout. */
export function paymentFormat(name: string): PaymentFormat {
  const found = PAYMENT_FORMATS.find((f) => f.name === name);
  if (!found) {
    const known = PAYMENT_FORMATS.map((f) => f.name).join(', ');
    throw new SikaError('USAGE', `unknown payment file format "${name}" (known: ${known})`);
  }
  return found;
}

/** The format of each channel: the given ones, pain.001.001.03 for the rest. */
export function formatsByChannel(
  given: Partial<Record<Channel, string | PaymentFormat>> = {},
): Record<Channel, PaymentFormat> {
  const pick = (channel: Channel): PaymentFormat => {
    const choice = given[channel];
    const format =
      choice === undefined
        ? DEFAULT_FORMAT
        : typeof choice === 'string'
          ? paymentFormat(choice)
          : choice;
    if (!format.channels.includes(channel)) {
      throw new SikaError('USAGE', `format ${format.name} cannot carry ${channel} payments`);
    }
    return format;
  };
  return { ezwich: pick('ezwich'), momo: pick('momo'), bank: pick('bank') };
}
