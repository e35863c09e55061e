/**
 * A quick first read of CSV text: counts the records that are not blank, without building
 * them, for files of the plain form almost every extract has (fields unquoted and free of quotes,
 * or quoted with "" inside, and one kind of line end). Anything else (a quote inside an
 * unquoted field, text after a closing quote, a bare carriage return, mixed line ends, an
 * unclosed quote) makes the shape irregular, and the caller reads the file with the full CSV
 * parser instead, which decides whether it is well-formed. So the count given for a regular
 * file is the one that parser gives.
 */
export class CsvShape {
  /** Records with at least one value that is not only white space. */
  records = 0;
  regular = true;

  private started = false;
  /** 0: at a field's start; 1: in an unquoted field; 2: in a quoted one; 3: after a quote in one. */
  private state = 0;
  private nonBlank = false;
  /** A carriage return outside quotes, waiting for its line feed. */
  private cr = false;
  /** The file's line end once seen: '\n' or '\r\n'. */
  private lineEnd: '\n' | '\r\n' | null = null;

  constructor(private readonly delimiter: number) {}

  feed(text: string): void {
    if (!this.regular) return;
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (this.cr) {
        this.cr = false;
        if (ch !== 10) return this.irregular();
        this.endRecord('\r\n');
        continue;
      }
      switch (this.state) {
        case 2:
          if (ch === 34) this.state = 3;
          else this.content(ch);
          continue;
        case 3:
          if (ch === 34) {
            this.state = 2;
            this.nonBlank = true;
            continue;
          }
          if (ch !== this.delimiter && ch !== 10 && ch !== 13) return this.irregular();
          break;
        case 0:
          if (ch === 34) {
            this.state = 2;
            continue;
          }
          break;
        default:
          if (ch === 34) return this.irregular();
      }
      // Outside quotes.
      if (ch === this.delimiter) this.state = 0;
      else if (ch === 10) this.endRecord('\n');
      else if (ch === 13) this.cr = true;
      else {
        this.state = 1;
        this.content(ch);
      }
    }
  }

  /** Call once after the last text; returns whether the count can be trusted. */
  end(): boolean {
    if (this.cr || this.state === 2) this.irregular();
    if (this.regular && this.nonBlank) this.records++;
    return this.regular;
  }

  private content(ch: number): void {
    if (this.nonBlank) return;
    // What String.prototype.trim removes; the full test only for the rare characters it may be.
    if (ch > 32 && ch !== 160 && ch < 0x1680) this.nonBlank = true;
    else if (!/\s/.test(String.fromCharCode(ch))) this.nonBlank = true;
  }

  private endRecord(lineEnd: '\n' | '\r\n'): void {
    // The parser keeps to the first line end it meets; another one later would read otherwise.
    if (this.lineEnd === null) this.lineEnd = lineEnd;
    else if (this.lineEnd !== lineEnd) return this.irregular();
    if (this.nonBlank) this.records++;
    this.nonBlank = false;
    this.state = 0;
  }

  private irregular(): void {
    this.regular = false;
  }
}

/** The values of one record of a regular file, its line end already removed. */
function splitRecord(text: string, delimiter: string): string[] {
  if (text.indexOf('"') === -1) return text.split(delimiter);
  const values: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) {
          // Not in a regular file; kept whole rather than lost.
          value += text.slice(from);
          i = text.length;
          break;
        }
        if (text.charCodeAt(q + 1) === 34) {
          value += text.slice(from, q + 1);
          from = q + 2;
        } else {
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
      }
      values.push(value);
    } else {
      const end = text.indexOf(delimiter, i);
      values.push(text.slice(i, end === -1 ? text.length : end));
      i = end === -1 ? text.length : end;
    }
    if (i >= text.length) return values;
    i += delimiter.length;
    if (i === text.length) {
      values.push('');
      return values;
    }
  }
}

function newlinesIn(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The records of a file CsvShape found regular, each with the line it starts on, read without
 * the general parser: in such a file a line feed ends a record exactly when the quotes before it
 * in the record are even in number, and a record without quotes is split at its delimiters.
 * They come in one array per chunk of text read, so that a file of millions of records is not
 * passed on one awaited step per record.
 */
export async function* regularRecordBatches(
  chunks: AsyncIterable<string>,
  delimiter: string,
): AsyncGenerator<{ line: number; values: string[] }[]> {
  let carry = '';
  let line = 1;
  let first = true;
  const record = (text: string) => {
    const end = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
    return splitRecord(text.slice(0, end), delimiter);
  };
  for await (const chunk of chunks) {
    let text = carry + chunk;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const batch: { line: number; values: string[] }[] = [];
    let start = 0;
    let quotes = 0;
    // The next quote at or after the last place counted; -1: none in the rest of the text.
    let quote = text.indexOf('"');
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) {
      while (quote !== -1 && quote < nl) {
        quotes++;
        quote = text.indexOf('"', quote + 1);
      }
      if (quotes % 2 === 1) continue;
      const raw = text.slice(start, nl);
      batch.push({ line, values: record(raw) });
      line += 1 + (quotes === 0 ? 0 : newlinesIn(raw));
      start = nl + 1;
      quotes = 0;
    }
    carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (carry.length > 0) yield [{ line, values: record(carry) }];
}

/** The records of a regular file one by one (see regularRecordBatches). */
export async function* regularRecords(
  chunks: AsyncIterable<string>,
  delimiter: string,
): AsyncGenerator<{ line: number; values: string[] }> {
  for await (const batch of regularRecordBatches(chunks, delimiter)) yield* batch;
}
