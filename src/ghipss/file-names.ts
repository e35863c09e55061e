import { SikaError } from '../errors.js';

export const CHANNELS = ['ezwich', 'momo', 'bank'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

const CHANNEL_CODE: Record<Channel, string> = { ezwich: 'EZWICH', momo: 'MOMO', bank: 'BANK' };

export interface PaymentFileIds {
  /** e.g. SIKA_LIPW_20261102-20261115_MOMO_001.xml */
  fileName: string;
  /** GrpHdr/MsgId, e.g. SIKA-LEAP-106-EZWICH-001; unique for ever, at most 35 characters. */
  messageId: string;
  /** PmtInf/PmtInfId, e.g. PMT-LEAP-106-EZWICH-001. */
  paymentInfoId: string;
}

const LIPW_PERIOD = /^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/;

/** The names and message ids of one payment file, derived only from what identifies it. */
export function paymentFileIds(f: {
  programme: string;
  periodKey: string;
  channel: Channel;
  sequence: number;
}): PaymentFileIds {
  const programme = f.programme.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const channel = CHANNEL_CODE[f.channel];
  const seq = String(f.sequence).padStart(3, '0');
  const period = LIPW_PERIOD.exec(f.periodKey);

  // The file name spells the period in full; the ids shorten LIPW dates to fit 35 characters.
  const longPeriod = period
    ? `${period[1]}${period[2]}${period[3]}-${period[4]}${period[5]}${period[6]}`
    : f.periodKey.replace(/[^A-Za-z0-9]/g, '');
  const shortPeriod = period
    ? `${period[1]?.slice(2)}${period[2]}${period[3]}-${period[4]?.slice(2)}${period[5]}${period[6]}`
    : longPeriod;

  const ids = {
    fileName: `SIKA_${programme}_${longPeriod}_${channel}_${seq}.xml`,
    messageId: `SIKA-${programme}-${shortPeriod}-${channel}-${seq}`,
    paymentInfoId: `PMT-${programme}-${shortPeriod}-${channel}-${seq}`,
  };
  if (ids.messageId.length > 35 || ids.paymentInfoId.length > 35) {
    throw new SikaError(
      'PAYMENT_FILE_INVALID',
      `message id ${ids.messageId} is over 35 characters`,
    );
  }
  return ids;
}

/** RmtInf/Ustrd: what the credit is for, as the recipient's statement shows it. */
export function remittanceText(programme: string, periodKey: string): string {
  const p = programme.toUpperCase();
  if (p === 'LEAP') return `LEAP cycle ${periodKey} grant`;
  if (p === 'LIPW') return `LIPW wages ${periodKey}`;
  return `${p} ${periodKey}`;
}
