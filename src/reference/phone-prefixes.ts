/**
 * Mobile network prefixes in Ghana: the two digits after the leading 0 (or after +233). Numbers
 * are portable between networks since 2011, so a prefix only hints at the network a wallet is
 * on; it never decides whether a number is valid.
 */
export const MOBILE_NETWORKS = ['MTN', 'Telecel', 'AT', 'Glo'] as const;
export type MobileNetwork = (typeof MOBILE_NETWORKS)[number];

export interface PhonePrefix {
  prefix: string;
  network: MobileNetwork;
}

/** Telecel was Vodafone Ghana until 2024; AT was AirtelTigo. */
export const PHONE_PREFIXES: readonly PhonePrefix[] = [
  { prefix: '24', network: 'MTN' },
  { prefix: '25', network: 'MTN' },
  { prefix: '53', network: 'MTN' },
  { prefix: '54', network: 'MTN' },
  { prefix: '55', network: 'MTN' },
  { prefix: '59', network: 'MTN' },
  { prefix: '20', network: 'Telecel' },
  { prefix: '50', network: 'Telecel' },
  { prefix: '26', network: 'AT' },
  { prefix: '27', network: 'AT' },
  { prefix: '56', network: 'AT' },
  { prefix: '57', network: 'AT' },
  { prefix: '23', network: 'Glo' },
];

const BY_PREFIX = new Map(PHONE_PREFIXES.map((p) => [p.prefix, p.network]));

/** The network a number in +233XXXXXXXXX form was issued by, or null for an unknown prefix. */
export function networkHint(msisdn: string): MobileNetwork | null {
  const m = /^\+233(\d{2})\d{7}$/.exec(msisdn);
  return m ? (BY_PREFIX.get(m[1]!) ?? null) : null;
}
