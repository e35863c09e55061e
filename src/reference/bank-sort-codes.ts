/**
 * Bank sort codes of Ghana: six digits, the first two naming the bank (GhIPSS bank code), the
 * other four the branch. Instruments paid by bank transfer must carry a code of this table.
 */
export interface BankBranch {
  sortCode: string;
  bank: string;
  branch: string;
}

// Limitation: the bank codes follow the GhIPSS numbering, but the branch part covers only the
// head office and main regional towns of each bank; the full list of about 1,500 branch codes
// from GhIPSS should replace it before real bank instruments are loaded.
// prettier-ignore
const BANKS: readonly [code: string, name: string][] = [
  ['02', 'Standard Chartered Bank Ghana'],
  ['03', 'Absa Bank Ghana'],
  ['04', 'GCB Bank'],
  ['05', 'National Investment Bank'],
  ['06', 'United Bank for Africa Ghana'],
  ['08', 'Agricultural Development Bank'],
  ['09', 'Societe Generale Ghana'],
  ['10', 'Universal Merchant Bank'],
  ['11', 'Republic Bank Ghana'],
  ['12', 'Zenith Bank Ghana'],
  ['13', 'Ecobank Ghana'],
  ['14', 'CalBank'],
  ['17', 'First Atlantic Bank'],
  ['18', 'Prudential Bank'],
  ['19', 'Stanbic Bank Ghana'],
  ['21', 'Bank of Africa Ghana'],
  ['23', 'Guaranty Trust Bank Ghana'],
  ['24', 'Fidelity Bank Ghana'],
  ['28', 'Access Bank Ghana'],
  ['30', 'ARB Apex Bank (rural and community banks)'],
  ['34', 'Consolidated Bank Ghana'],
];

// prettier-ignore
const BRANCHES: readonly [code: string, town: string][] = [
  ['0100', 'Head Office, Accra'], ['0101', 'Accra Main'], ['0102', 'Tema'],
  ['0201', 'Koforidua'], ['0301', 'Cape Coast'], ['0401', 'Takoradi'], ['0601', 'Kumasi'],
  ['0701', 'Ho'], ['0801', 'Tamale'], ['0901', 'Bolgatanga'], ['1001', 'Wa'],
  ['1101', 'Sunyani'], ['1201', 'Techiman'],
];

export const BANK_SORT_CODES: readonly BankBranch[] = BANKS.flatMap(([code, bank]) =>
  BRANCHES.map(([branchCode, branch]) => ({ sortCode: `${code}${branchCode}`, bank, branch })),
);

const KNOWN = new Set(BANK_SORT_CODES.map((b) => b.sortCode));

export function isKnownSortCode(code: string): boolean {
  return KNOWN.has(code);
}
