import type { Random } from './random.js';

/**
 * Personal names for sample people, by language group. Households in a region mostly carry names
 * of its main languages; people move, so a share come from elsewhere.
 */
export type LanguageGroup = 'akan' | 'ewe' | 'ga' | 'northern';
export type Sex = 'F' | 'M';

interface NamePool {
  male: readonly string[];
  female: readonly string[];
  family: readonly string[];
}

// prettier-ignore
const POOLS: Record<LanguageGroup, NamePool> = {
  akan: {
    // Day names first: they are the most common given names.
    male: ['Kwame', 'Kofi', 'Kwabena', 'Kwaku', 'Yaw', 'Kwadwo', 'Kwasi', 'Kwesi', 'Ebo', 'Kojo',
      'Nana', 'Emmanuel', 'Samuel', 'Joseph', 'Isaac', 'Daniel', 'Francis', 'Stephen'],
    female: ['Akosua', 'Ama', 'Abena', 'Akua', 'Yaa', 'Afua', 'Efua', 'Adwoa', 'Esi', 'Ekua',
      'Araba', 'Aba', 'Afia', 'Gifty', 'Comfort', 'Grace', 'Mercy', 'Patience', 'Vida'],
    family: ['Mensah', 'Owusu', 'Boateng', 'Asante', 'Agyeman', 'Osei', 'Adjei', 'Appiah', 'Amoah',
      'Darko', 'Ofori', 'Antwi', 'Badu', 'Frimpong', 'Kyei', 'Sarpong', 'Gyamfi', 'Amponsah',
      'Ansah', 'Nkrumah', 'Acheampong', 'Bonsu', 'Addo', 'Opoku', 'Danso', 'Yeboah', 'Quansah'],
  },
  ewe: {
    male: ['Edem', 'Selasi', 'Elikem', 'Mawuli', 'Senyo', 'Kodzo', 'Komla', 'Kwami', 'Yao',
      'Kafui', 'Delali', 'Etornam', 'Makafui', 'Dodzi', 'Fiifi'],
    female: ['Sena', 'Dzifa', 'Enyonam', 'Yayra', 'Akpene', 'Esinam', 'Dela', 'Mawunyo',
      'Afi', 'Abla', 'Ama', 'Adzo', 'Kafui', 'Xorlali', 'Elinam'],
    family: ['Agbeko', 'Kpodo', 'Amenyo', 'Dzokoto', 'Tsikata', 'Fiagbe', 'Kumah', 'Amegah',
      'Gbeho', 'Adzraku', 'Agbenyega', 'Ahiadeke', 'Gbedemah', 'Dogbe', 'Amewu', 'Klutse'],
  },
  ga: {
    male: ['Nii Armah', 'Nii Lartey', 'Nii Ayi', 'Nii Odartey', 'Nii Kotei', 'Nii Okai', 'Ayi',
      'Odartey', 'Kpakpo', 'Tetteh', 'Nii Adjei', 'Nii Ashie'],
    female: ['Naa Adoley', 'Naa Dedei', 'Naa Korkor', 'Naa Akweley', 'Naa Ayele', 'Dede',
      'Korkor', 'Ayele', 'Adoley', 'Akweley', 'Naa Ayikai', 'Shormeh'],
    family: ['Lartey', 'Tetteh', 'Quaye', 'Lamptey', 'Nortey', 'Quartey', 'Okine', 'Ashie',
      'Tagoe', 'Armah', 'Ankrah', 'Aryee', 'Ablorh', 'Kotei', 'Adjetey', 'Sowah'],
  },
  northern: {
    male: ['Abdulai', 'Fuseini', 'Alhassan', 'Mahama', 'Iddrisu', 'Yakubu', 'Issahaku', 'Azumah',
      'Mbabila', 'Dramani', 'Zakaria', 'Sulemana', 'Osman', 'Karim', 'Ayamga', 'Atiga', 'Anaba',
      'Bayor', 'Dery', 'Baba'],
    female: ['Amina', 'Salamatu', 'Ayishetu', 'Hawa', 'Mariama', 'Fati', 'Rahinatu', 'Memunatu',
      'Zenabu', 'Asana', 'Azara', 'Adisa', 'Atampoka', 'Ayinpoka', 'Safia', 'Lamisi', 'Abiba'],
    family: ['Abubakar', 'Iddrisu', 'Yakubu', 'Mahama', 'Alhassan', 'Dery', 'Kuunifaa', 'Bayor',
      'Abugri', 'Atinga', 'Azure', 'Akolgo', 'Ziem', 'Tuori', 'Issah', 'Seidu', 'Salifu',
      'Mohammed', 'Wumbei', 'Ayamba', 'Naab', 'Kanton'],
  },
};

/**
 * Names written with the letters of Ghanaian orthographies that ASCII lacks (Ɛ ɛ Ɔ ɔ Ŋ ŋ), so
 * that every file, report and payment file downstream meets them.
 */
const SPECIAL_GIVEN: Record<Sex, readonly string[]> = {
  F: ['Nyamekyɛ', 'Adɔma', 'Ɔforiwaa', 'Ŋɔlɔ'],
  M: ['Ŋɔlɔ', 'Ɔsɛi', 'Kwabɛna', 'Nyamekyɛ'],
};
const SPECIAL_FAMILY: readonly string[] = ['Ɔkyeame', 'Agyapɔng', 'Bɔnsu', 'Ɔpɔku'];

/** Main language groups of a region, with relative weights. */
// prettier-ignore
const REGION_GROUPS: Record<string, readonly [LanguageGroup, number][]> = {
  NR: [['northern', 95], ['akan', 5]],
  NE: [['northern', 95], ['akan', 5]],
  SV: [['northern', 85], ['akan', 15]],
  UE: [['northern', 97], ['akan', 3]],
  UW: [['northern', 97], ['akan', 3]],
  OT: [['ewe', 45], ['northern', 30], ['akan', 25]],
  TV: [['ewe', 90], ['akan', 10]],
  GA: [['ga', 50], ['akan', 30], ['ewe', 15], ['northern', 5]],
};
const DEFAULT_GROUPS: readonly [LanguageGroup, number][] = [
  ['akan', 90],
  ['ewe', 4],
  ['northern', 6],
];

/** Share of people whose given or family name is written with Ɛ, Ɔ, Ŋ and the like. */
const SPECIAL_SHARE = 0.02;

export function languageGroupFor(rng: Random, regionCode: string): LanguageGroup {
  const groups = REGION_GROUPS[regionCode] ?? DEFAULT_GROUPS;
  return rng.weighted(groups, ([, w]) => w)[0];
}

export function familyName(rng: Random, group: LanguageGroup): string {
  if (rng.chance(SPECIAL_SHARE / 2)) return rng.pick(SPECIAL_FAMILY);
  return rng.pick(POOLS[group].family);
}

/** A full name as registers write it: given name(s), then the family name. */
export function personName(rng: Random, group: LanguageGroup, sex: Sex, family: string): string {
  const pool = POOLS[group];
  const given = rng.chance(SPECIAL_SHARE / 2)
    ? rng.pick(SPECIAL_GIVEN[sex])
    : rng.pick(sex === 'F' ? pool.female : pool.male);
  return `${given} ${family}`;
}
