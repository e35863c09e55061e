import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { money, sum } from '../../src/money.js';

export interface CsvTx {
  endToEndId: string;
  status: string;
  reason?: string;
  amount: string;
  text?: string;
}

/**
 * Writes a sika-status-csv-1 status report (CRLF, no column-name row). The trailer is the true
 * count and sum of the D rows unless given, to write a broken one.
 */
export async function writeStatusCsv(
  dir: string,
  name: string,
  p: {
    messageId: string;
    originalMessageId: string;
    groupStatus?: string;
    groupReason?: string;
    txs: CsvTx[];
    trailer?: string;
  },
): Promise<string> {
  const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const row = (fields: string[]) => `${fields.map(field).join(',')}\r\n`;
  const total = sum(p.txs.map((t) => money(t.amount))).toFixed(2);
  const text =
    row([
      'H',
      'sika-status-csv-1',
      p.messageId,
      p.originalMessageId,
      '2030-03-01T10:00:00Z',
      p.groupStatus ?? '',
      p.groupReason ?? '',
    ]) +
    p.txs
      .map((t, i) =>
        row(['D', String(i + 1), t.endToEndId, t.status, t.reason ?? '', t.amount, t.text ?? '']),
      )
      .join('') +
    (p.trailer ?? row(['T', String(p.txs.length), total]));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
