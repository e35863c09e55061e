import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportHeader } from '../../reports/header.js';
import {
  FONTS,
  finishReportPdf,
  openReportPdf,
  signatureBlock,
} from '../../reports/pdf/document.js';
import { PdfTable } from '../../reports/pdf/table.js';
import { pdftoppmAvailable, renderPreviews } from '../../reports/render-preview.js';
import { formatCedi, money } from '../../src/money.js';
import { readPdfText, type PdfText } from './read-back.js';

const SEAL = 'ab'.repeat(32);
const header: ReportHeader = {
  kind: 'exceptions',
  title: 'Exception report',
  cycleId: 1,
  programme: 'LEAP',
  programmeName: 'LEAP — Livelihood Empowerment Against Poverty',
  cycleLabel: 'cycle 106, Nov-Dec 2026',
  fileStem: 'LEAP-106',
  status: 'reconciled',
  seal: SEAL,
  preparedBy: { username: 'akosua.mensah', fullName: 'Ɛfua Ɔwusu' },
  preparedAt: new Date('2026-12-01T09:00:00Z'),
  approvedBy: { username: 'kwame.boateng', fullName: 'Kwame Boateng' },
  approvedAt: new Date('2026-12-02T14:30:00Z'),
  generatedBy: { username: 'yaw.darko', fullName: 'Yaw Darko' },
  generatedAt: new Date('2026-12-20T12:00:00Z'),
};

const NAMES = ['Ŋmɛbu Ɖzifa', 'Ɛfua Ɔwusu', 'Kofi Mensah'];
const ROWS = 150;
let dir: string;
let path: string;
let text: PdfText;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sika-pdf-'));
  path = join(dir, 'layout.pdf');
  const pdf = openReportPdf(path, header);
  const table = new PdfTable(
    pdf.doc,
    [
      { header: 'Name', weight: 4 },
      { header: 'Amount', weight: 2, align: 'right' },
    ],
    FONTS,
  );
  table.begin();
  for (let i = 1; i <= ROWS; i++) {
    table.row([`${NAMES[i % 3]} ${i}`, formatCedi(money(i).times(1234567).dividedBy(100))]);
  }
  table.end();
  signatureBlock(pdf.doc, header);
  await finishReportPdf(pdf);
  text = await readPdfText(path);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PDF report layout', () => {
  it('embeds DejaVu Sans so Ghanaian letters and the cedi sign come out as written', async () => {
    const raw = (await readFile(path)).toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(raw).not.toMatch(/\/BaseFont \/Helvetica/);
    const all = text.pages.join(' ');
    expect(all).toContain('Ŋmɛbu Ɖzifa 1');
    expect(all).toContain('Ɛfua Ɔwusu 2');
    expect(all).toContain('GH¢ 12,345.67');
  });

  it('breaks a long table across pages and repeats its header row on each', () => {
    expect(text.pages.length).toBeGreaterThan(2);
    for (const page of text.pages.slice(0, -1)) expect(page).toMatch(/^(.*\s)?Name Amount /);
    const all = text.pages.join(' ');
    for (const i of [1, 75, ROWS]) expect(all).toContain(` ${i} GH¢`);
  });

  it('writes "Page x of y" and the seal in every footer', () => {
    text.pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${text.pages.length}`);
      expect(page).toContain(`Seal (SHA-256) ${SEAL}`);
    });
  });

  it('right-aligns amounts: every amount ends at the same x', () => {
    const ends = text.items
      .flat()
      .filter((item) => item.str.startsWith('GH¢'))
      .map((item) => Math.round(item.x + item.width));
    expect(ends.length).toBe(ROWS);
    expect(new Set(ends).size).toBe(1);
  });

  it('ends with signature lines naming the preparer and approver', () => {
    const last = text.pages[text.pages.length - 1]!;
    expect(last).toMatch(/Prepared by Name Ɛfua Ɔwusu Signature Date/);
    expect(last).toMatch(/Checked by Name Signature Date/);
    expect(last).toMatch(/Approved by Name Kwame Boateng Signature Date/);
  });

  it.skipIf(!pdftoppmAvailable())(
    'renders the first page of each PDF to PNG for a person to look at',
    async () => {
      const previewDir = join(dir, 'previews');
      await rm(previewDir, { recursive: true, force: true });
      await mkdir(previewDir);
      await copyFile(path, join(previewDir, 'layout.pdf'));
      const result = renderPreviews(previewDir);
      expect(result.available).toBe(true);
      expect(result.pngs).toEqual([join(previewDir, 'preview', 'layout.png')]);
      const png = await readFile(result.pngs[0]!);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    },
  );
});
