import { describe, expect, it } from 'vitest';
import { transliterate } from '../../src/ghipss/transliterate.js';

describe('transliterate', () => {
  it.each([
    ['Nyamekyɛ Ɔkyeame & Sons', 'Nyamekye Okyeame + Sons'],
    ['Ŋɔlɔ Adɔma', 'Nolo Adoma'],
    ['ƐƆŊƉ ɛɔŋɖ', 'EOND eond'],
    ['Ɖoɖoe Ʋuvɔ Ƒiagbe Ɣeɣe', 'Dodoe Vuvo Fiagbe Gege'],
    ['Adwoa Ɛsi Bɔnsu', 'Adwoa Esi Bonsu'],
    ['José Ñúñez Ça Ëve', 'Jose Nunez Ca Eve'],
    ['Kɔ̃fi Mɛ́nsah', 'Kofi Mensah'],
    ['Akua   Serwaa\t\nBoateng', 'Akua Serwaa Boateng'],
    ['  Kwesi Appiah  ', 'Kwesi Appiah'],
    ['Ama O’Neil', "Ama O'Neil"],
    ['Yaw <Asante> "Snr" ; #1 @home', 'Yaw Asante Snr 1 home'],
    ['Efua (Maame) Owusu-Ansah, Jnr.', 'Efua (Maame) Owusu-Ansah, Jnr.'],
    ['Mensah/Quaye ? : +', 'Mensah/Quaye ? : +'],
    ['Kofi – Annan', 'Kofi Annan'],
    ['محمد', ''],
    ['', ''],
  ])('writes %j as %j', (input, expected) => {
    expect(transliterate(input)).toBe(expected);
  });

  it.each([
    [
      'Oheneba Kwadwo Ɔpɔku Agyemang-Prempeh Nyamekyɛ Asantehene Osei Tutu Ababio Bɔnsu',
      'Oheneba Kwadwo Opoku Agyemang-Prempeh Nyamekye Asantehene Osei Tutu Ab',
    ],
    [
      'Oheneba Kwadwo Ɔpɔku Agyemang-Prempeh Nyamekyɛ Asantehene Osei Tutuuu Ababio',
      'Oheneba Kwadwo Opoku Agyemang-Prempeh Nyamekye Asantehene Osei Tutuuu',
    ],
  ])('cuts %j to at most 70 characters without a trailing space', (input, expected) => {
    expect(transliterate(input)).toBe(expected);
  });

  it('leaves only characters of the ISO 20022 restricted set', () => {
    const everything = Array.from({ length: 0x2ff }, (_, i) => String.fromCharCode(i)).join('');

    expect(transliterate(everything)).toMatch(/^[a-zA-Z0-9/\-?:().,'+ ]*$/);
  });
});
