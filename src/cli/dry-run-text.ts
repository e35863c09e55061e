import { Decimal } from 'decimal.js';
import type { FileDescription, StatusReason, Tally } from '../../reconciliation/index.js';
import {
  isStatusDescription,
  type Pain002Description,
} from '../../reconciliation/describe-file.js';
import { formatCedi } from '../money.js';
import { reasonCode } from '../reference/reason-codes.js';

/** "GH¢ 1,234.56" for cedis (or no currency given), else the file's own code: "USD 1,234.56". */
function formatIn(currency: string, amount: Decimal): string {
  if (currency === 'GHS' || currency === '(none)') return formatCedi(amount);
  return formatCedi(amount).replace('GH¢', currency);
}

/** A tally's sum; records that give no amount are said so, never shown as 0.00. */
function amountOf(currency: string, t: Tally): string {
  if (t.withoutAmount === t.records) return 'no amount';
  const sum = formatIn(currency, t.amount);
  return t.withoutAmount > 0 ? `${sum} (${t.withoutAmount} without amount)` : sum;
}

/**
 * The dry run in words. A status report (pain.002 or CSV) says what it answers and, first of all, when the switch
 * refused the whole file. Amounts carry the file's currency; a file in several currencies gets
 * a sum per currency, never one sum over them.
 */
export function describeAsText(d: FileDescription): string {
  const currencies = Object.keys(d.byCurrency);
  // An amount without a currency is read as cedis, as reconciling it does.
  const codes = [...new Set(currencies.map((c) => (c === '(none)' ? 'GHS' : c)))];
  const single = codes.length <= 1 ? (codes[0] ?? 'GHS') : null;
  // Several currencies: counts only here, the sums come per currency below.
  const tally = (t: Record<string, Tally>) =>
    Object.entries(t)
      .map(([key, v]) => {
        const amount = single ? `  ${amountOf(single, v)}` : '';
        return `  ${key.padEnd(10)} ${String(v.records).padStart(8)}${amount}`;
      })
      .join('\n');
  const out = [
    `${d.fileName}: ${d.format}, message ${d.messageId ?? '(none)'}, ${d.records} records`,
  ];
  if (isStatusDescription(d)) out.push(...groupLines(d, single ?? 'GHS'));
  out.push(
    'by status:',
    tally(d.byStatus) || '  (none)',
    'by reason:',
    tally(d.byReason) || '  (none)',
  );
  if (!single) {
    out.push(
      `amounts in ${codes.length} currencies (${codes.join(', ')}), summed apart:`,
      ...Object.entries(d.byCurrency).map(
        ([ccy, v]) =>
          `  ${ccy.padEnd(10)} ${String(v.records).padStart(8)}  ${formatIn(ccy, v.amount)}`,
      ),
    );
  }
  return out.join('\n');
}

function groupLines(d: Pain002Description, currency: string): string[] {
  const given = d.originalControlSum;
  const sum =
    given === null
      ? ''
      : `, control sum ${/^-?\d+(\.\d+)?$/.test(given) ? formatIn(currency, new Decimal(given)) : given}`;
  const count = d.originalNumberOfTxs === null ? '' : `: ${d.originalNumberOfTxs} payments`;
  const lines = [`answers message ${d.originalMessageId}${count}${sum}`];
  const why = (r: StatusReason | null) => {
    if (!r?.code && !r?.text) return 'no reason given';
    const meaning = r.code ? `reason ${r.code} (${reasonCode(r.code).meaning})` : 'no reason code';
    return r.text ? `${meaning}: ${r.text}` : meaning;
  };
  if (d.groupStatus === 'RJCT') {
    lines.push(
      `REFUSED AS A WHOLE: group status RJCT, ${why(d.groupReason)}. No payment of ` +
        `${d.originalMessageId} was made. Send the file again with sika submit --resend FILE ` +
        '--reason TEXT before loading this report: reconciling it fails every line of the file, ' +
        'and the lines are then paid again only by resolving their exceptions "pay again"',
    );
  } else {
    lines.push(`group status ${d.groupStatus ?? '(none)'}`);
  }
  for (const p of d.paymentInfos) {
    if (p.status === 'RJCT') {
      lines.push(
        `payment information ${p.originalPaymentInfoId} REFUSED AS A WHOLE: ${why(p.reason)}`,
      );
    }
  }
  return lines;
}
