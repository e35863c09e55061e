/** ISO 20022 reason codes for a rejected or returned credit: meaning and the usual action. */
export interface ReasonCode {
  code: string;
  meaning: string;
  action: string;
  /** Whether the amount may roll over into a later cycle once the cause is fixed. */
  rollsOver: boolean;
}

/**
 * A file refused whole is sent again (sika submit --resend) only until the refusal is reconciled;
 * reconciling it fails every line with an exception, and from then on the lines are paid again
 * through those exceptions.
 */
export const WHOLE_FILE_ACTION =
  'Resolve "pay again" so the next cycle pays the line (the refused file can no longer be resent)';

const CODES: ReasonCode[] = [
  {
    code: 'AC01',
    meaning: 'Account number invalid or missing',
    action: 'Fix the payment instrument; pay in a later cycle',
    rollsOver: true,
  },
  {
    code: 'AC03',
    meaning: 'Creditor account invalid',
    action: 'Fix the payment instrument; pay in a later cycle',
    rollsOver: true,
  },
  {
    code: 'AC04',
    meaning: 'Account closed',
    action: 'Obtain a new payment instrument',
    rollsOver: true,
  },
  { code: 'AC06', meaning: 'Account blocked', action: 'Hold and investigate', rollsOver: false },
  {
    code: 'AG01',
    meaning: 'Transaction forbidden on this account',
    action: 'Obtain a new payment instrument',
    rollsOver: true,
  },
  {
    code: 'AM04',
    meaning: 'Insufficient funds (payer side)',
    action: 'Resubmit once the account is funded',
    rollsOver: true,
  },
  {
    code: 'AM05',
    meaning: 'Duplicate payment',
    action: 'Investigate; never pay twice',
    rollsOver: false,
  },
  {
    code: 'BE01',
    meaning: 'Customer identity does not match the account',
    action: 'Verify the recipient identity',
    rollsOver: true,
  },
  {
    code: 'MD07',
    meaning: 'End customer deceased',
    action: 'Stop payment; review the household',
    rollsOver: false,
  },
  {
    code: 'MS03',
    meaning: 'No reason given by the agent',
    action: 'Investigate',
    rollsOver: false,
  },
  {
    code: 'NARR',
    meaning: 'Free-text reason',
    action: 'Read the text and decide',
    rollsOver: false,
  },
  {
    code: 'FF01',
    meaning: 'File format invalid',
    action: WHOLE_FILE_ACTION,
    rollsOver: false,
  },
  {
    code: 'AM10',
    meaning: 'Control sum wrong',
    action: WHOLE_FILE_ACTION,
    rollsOver: false,
  },
  {
    code: 'DU01',
    meaning: 'Message id not unique',
    action: 'Never reuse a reference',
    rollsOver: false,
  },
];

const BY_CODE = new Map(CODES.map((c) => [c.code, c]));

/** Meaning and action of a reason code; unknown codes are reported as such, never dropped. */
export function reasonCode(code: string | null | undefined): ReasonCode {
  if (!code)
    return { code: '', meaning: 'No reason given', action: 'Investigate', rollsOver: false };
  return (
    BY_CODE.get(code) ?? {
      code,
      meaning: `Reason code ${code} (not in the reference table)`,
      action: 'Investigate',
      rollsOver: false,
    }
  );
}

export const REASON_CODES: readonly ReasonCode[] = CODES;
