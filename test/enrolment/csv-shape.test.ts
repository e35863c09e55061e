import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvShape, regularRecords } from '../../src/enrolment/csv-shape.js';
import { linesOf } from '../../src/enrolment/csv-source.js';

/** Non-blank records as the import's CSV parser reads them. */
function parserCount(text: string, delimiter = ','): number {
  const records = parse(text, {
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    delimiter,
  }) as string[][];
  return records.filter((r) => !r.every((v) => v.trim() === '')).length;
}

/** Every record with the line it starts on, as the import's CSV parser reads them. */
function parserRecords(text: string, delimiter: string) {
  const out = parse(text, {
    bom: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    delimiter,
  }) as unknown as { record: string[]; raw: string }[];
  let line = 1;
  return out.map(({ record, raw }) => {
    const start = line;
    line += linesOf(raw);
    return { line: start, values: record };
  });
}

async function splitRecords(text: string, step: number, delimiter: string) {
  async function* chunks() {
    for (let i = 0; i < text.length; i += step) yield text.slice(i, i + step);
  }
  const out = [];
  for await (const r of regularRecords(chunks(), delimiter)) out.push(r);
  return out;
}

/** The quick count, fed in pieces of `step` characters so that every split point is crossed. */
function shapeOf(text: string, step: number, delimiter = ',') {
  const shape = new CsvShape(delimiter.charCodeAt(0));
  for (let i = 0; i < text.length; i += step) shape.feed(text.slice(i, i + step));
  const regular = shape.end();
  return { regular, records: shape.records };
}

const REGULAR: [string, string, number][] = [
  ['plain, LF', 'a,b\n1,2\n3,4\n', 3],
  ['plain, CRLF, no final line end', 'a,b\r\n1,2\r\n3,4', 3],
  ['byte order mark', '\uFEFFa,b\n1,2\n', 2],
  ['blank lines and delimiter-only lines', 'a,b\n\n1,2\n,\n  , \t\n3,4\n\n', 3],
  ['quoted fields with delimiters, quotes and line ends', 'a,b\n"x,y","say ""hi"""\n"1\n2",3\n', 3],
  ['a quoted empty and a quoted blank value are blank', 'a,b\n"",""\n" ",\n1,2\n', 2],
  ['non-breaking and ideographic spaces are blank', 'a,b\n\u00A0,\u3000\n1,2\n', 2],
  ['a character that is not white space is a value', 'a,b\n\u0001,\n', 2],
  ['semicolons', 'a;b\n"1;5";2\n', 2],
  ['a quoted value at the end of the file', 'a,b\n1,"2"', 2],
  ['empty values at both ends', 'a,b,c\n,x,\n"",y,""\r\n'.replace('\r\n', '\n'), 3],
  ['quoted line ends inside a value, CRLF file', 'a,b\r\n"1\r\n2",3\r\n4,5\r\n', 3],
];

const IRREGULAR: [string, string][] = [
  ['a quote inside an unquoted value', 'a,b\nx"y,2\n'],
  ['text after a closing quote', 'a,b\n"x"y,2\n'],
  ['an unclosed quote', 'a,b\n"x,2\n'],
  ['a bare carriage return', 'a,b\r1,2\r'],
  ['mixed line ends', 'a,b\r\n1,2\n3,4\r\n'],
  ['a space before a quoted value', 'a,b\n "x",2\n'],
];

describe('the quick CSV count', () => {
  for (const [name, text, records] of REGULAR) {
    it(`counts like the parser: ${name}`, () => {
      expect(parserCount(text, text.includes(';') ? ';' : ',')).toBe(records);
      for (const step of [1, 2, 3, 7, text.length]) {
        expect(shapeOf(text, step, text.includes(';') ? ';' : ',')).toEqual({
          regular: true,
          records,
        });
      }
    });
  }
  for (const [name, text] of REGULAR) {
    it(`splits records as the parser does: ${name}`, async () => {
      const delimiter = text.includes(';') ? ';' : ',';
      const expected = parserRecords(text, delimiter).filter(
        (r) => !r.values.every((v) => v.trim() === ''),
      );
      for (const step of [1, 2, 5, text.length]) {
        const got = (await splitRecords(text, step, delimiter)).filter(
          (r) => !r.values.every((v) => v.trim() === ''),
        );
        expect(got).toEqual(expected);
      }
    });
  }
  for (const [name, text] of IRREGULAR) {
    it(`leaves the file to the parser: ${name}`, () => {
      for (const step of [1, 2, text.length]) expect(shapeOf(text, step).regular).toBe(false);
    });
  }
});
