/** The smallest and largest id a batch insert returned (strings from a raw query). */
export interface IdRange {
  lo: number | string | null;
  hi: number | string | null;
}

/**
 * Batch inserts of one response file: one runs in the database while the parser reads the next
 * batch, never more than one, so a single-connection driver (PGlite) never sees two queries at
 * once. It keeps the range of record ids written, which later steps use to find the file's rows.
 */
export class InsertPipeline {
  firstId = Number.MAX_SAFE_INTEGER;
  lastId = 0;
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown;

  track(ids: IdRange | undefined): void {
    if (ids?.lo != null) this.firstId = Math.min(this.firstId, Number(ids.lo));
    if (ids?.hi != null) this.lastId = Math.max(this.lastId, Number(ids.hi));
  }

  /** Waits for the insert in flight, and throws its error if it failed. */
  async settle(): Promise<void> {
    await this.inflight;
    if (this.failure) throw this.failure;
  }

  /** Waits for the previous insert, then starts this one without waiting for it. */
  async start(insert: () => Promise<IdRange[]>): Promise<void> {
    await this.settle();
    this.inflight = insert().then(
      ([ids]) => this.track(ids),
      (err: unknown) => {
        this.failure = err;
      },
    );
  }
}
