import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { stringify, type Stringifier } from 'csv-stringify';

/**
 * A CSV file written as a stream: rows go through csv-stringify into the file, and write() waits
 * whenever the stream asks it to (backpressure), so memory stays flat however many rows there are.
 */
export class CsvFileWriter {
  rows = 0;
  private readonly stringifier: Stringifier;
  private readonly finished: Promise<void>;

  constructor(path: string, columns: readonly string[]) {
    this.stringifier = stringify({ header: true, columns: [...columns], record_delimiter: 'unix' });
    this.finished = pipeline(this.stringifier, createWriteStream(path, { encoding: 'utf8' }));
    // Seen at close(); until then, keep a failure from counting as unhandled.
    this.finished.catch(() => undefined);
  }

  async write(row: readonly string[]): Promise<void> {
    this.rows++;
    if (!this.stringifier.write(row)) await once(this.stringifier, 'drain');
  }

  async close(): Promise<void> {
    this.stringifier.end();
    await this.finished;
  }
}
