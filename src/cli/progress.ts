import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on a terminal; on a pipe or in CI, a plain line every tenth of the way, so logs
 * stay short and readable.
 */
export function progress(label: string, total: number): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `  ${label.padEnd(28)} [{bar}] {percentage}% {value}/{total}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(Math.min(done, total)), stop: () => bar.stop() };
  }
  let nextReport = total / 10;
  return {
    update(done) {
      if (done >= nextReport && done < total) {
        process.stderr.write(`  ${label}: ${done}/${total}\n`);
        nextReport += total / 10;
      }
    },
    stop: () => process.stderr.write(`  ${label}: done\n`),
  };
}

/** Prints one step of a long job with how long it took. */
export async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stderr.write(`- ${label}...\n`);
  const result = await run();
  process.stderr.write(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}
