/**
 * Letters of Ghanaian orthographies (Akan, Ewe, Ga, Dagbani) that have no decomposition into a
 * basic Latin letter plus marks, so NFD alone would drop them and mangle the name.
 */
const LETTERS: Record<string, string> = {
  Ɛ: 'E',
  ɛ: 'e',
  Ɔ: 'O',
  ɔ: 'o',
  Ŋ: 'N',
  ŋ: 'n',
  Ɖ: 'D',
  ɖ: 'd',
  Ʋ: 'V',
  ʋ: 'v',
  Ƒ: 'F',
  ƒ: 'f',
  Ɣ: 'G',
  ɣ: 'g',
  '\u2018': "'",
  '\u2019': "'",
};

const SPECIAL = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');
/** Everything outside the ISO 20022 restricted Latin set ("a-z A-Z 0-9 / - ? : ( ) . , ' + space"). */
const OUTSIDE_RESTRICTED_SET = /[^a-zA-Z0-9/\-?:().,'+ ]/g;
export const MAX_NAME_LENGTH = 70;
/** Words of the restricted set separated by single spaces, nothing to trim. */
const ALREADY_RESTRICTED = /^[a-zA-Z0-9/\-?:().,'+]+(?: [a-zA-Z0-9/\-?:().,'+]+)*$/;

/**
 * A name as it may appear in a payment format limited to basic Latin. The database keeps names
 * as written; only outgoing files carry this form.
 */
export function transliterate(name: string): string {
  // Most names are already plain: skip the normalisation passes for them.
  if (name.length <= MAX_NAME_LENGTH && ALREADY_RESTRICTED.test(name)) return name;
  const latin = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(SPECIAL, (c) => LETTERS[c] ?? '')
    .replace(/&/g, '+')
    .replace(/\s/gu, ' ')
    .replace(OUTSIDE_RESTRICTED_SET, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  return latin.slice(0, MAX_NAME_LENGTH).trimEnd();
}
