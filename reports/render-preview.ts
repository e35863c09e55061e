/**
 * Renders the first page of each PDF in a folder to PNG, so a person can look at a report's layout
 * without a PDF viewer. Needs pdftoppm (Debian package poppler-utils).
 *
 *   npx tsx reports/render-preview.ts [folder=out/reports] [--all-pages]
 *
 * The pictures go to <folder>/preview/<report>.png (or <report>-<page>.png with --all-pages).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PreviewResult {
  /** False when pdftoppm is not installed; nothing was rendered then. */
  available: boolean;
  pngs: string[];
}

export function pdftoppmAvailable(): boolean {
  const probe = spawnSync('pdftoppm', ['-v'], { stdio: 'ignore' });
  return !probe.error;
}

/** Renders each PDF of dir (first page, or every page) at 100 dpi into dir/preview. */
export function renderPreviews(dir: string, opts: { allPages?: boolean } = {}): PreviewResult {
  if (!pdftoppmAvailable()) return { available: false, pngs: [] };
  const outDir = join(dir, 'preview');
  mkdirSync(outDir, { recursive: true });

  const pdfs = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.pdf'));
  for (const file of pdfs) {
    const prefix = join(outDir, basename(file, '.pdf'));
    const pageArgs = opts.allPages ? [] : ['-f', '1', '-l', '1', '-singlefile'];
    const run = spawnSync('pdftoppm', ['-png', '-r', '100', ...pageArgs, join(dir, file), prefix], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`pdftoppm failed on ${file}: ${run.stderr}`);
  }
  const pngs = readdirSync(outDir)
    .filter((f) => f.endsWith('.png'))
    .map((f) => join(outDir, f))
    .sort();
  return { available: true, pngs };
}

function main(argv: string[]): number {
  const allPages = argv.includes('--all-pages');
  const dir = resolve(argv.find((a) => !a.startsWith('--')) ?? 'out/reports');
  const result = renderPreviews(dir, { allPages });
  if (!result.available) {
    console.error(
      'pdftoppm is not installed, so no preview was made. ' +
        'Install it with: apt-get update && apt-get install -y poppler-utils',
    );
    return 69;
  }
  if (result.pngs.length === 0) console.log(`no PDF in ${dir}`);
  for (const png of result.pngs) console.log(png);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
