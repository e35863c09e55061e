import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import { headerFields, signatureRows, type ReportHeader } from '../header.js';
import type { PlainText } from './plain-text.js';

const require = createRequire(import.meta.url);
// DejaVu Sans has the letters of Ghanaian names (ɛ ɔ ŋ ɖ) and the cedi sign, which the built-in
// PDF fonts lack.
const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};
export const FONTS = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' };

const MARGIN = { top: 46, bottom: 46, left: 36, right: 36 };

export interface ReportPdf {
  doc: PDFKit.PDFDocument;
  header: ReportHeader;
  /** Resolves once the file is fully written. */
  finished: Promise<unknown>;
}

/**
 * Opens an A4 landscape report at path and draws its title block on the first page. With
 * streamed: true, each page goes to the file as soon as the next one starts; the writer must then
 * know the page count beforehand and draw each page's footer itself (see FixedPdf).
 */
export function openReportPdf(
  path: string,
  header: ReportHeader,
  opts: { streamed?: boolean } = {},
): ReportPdf {
  // bufferPages keeps every page in memory (about half a megabyte each) until the end, so that
  // "Page x of y" can be written; long listings are bounded by their writers for that reason.
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: MARGIN,
    bufferPages: opts.streamed !== true,
    info: {
      Title: `${header.title}, ${header.programme} ${header.cycleLabel}`,
      Author: header.generatedBy.fullName,
      Subject: `Cycle ${header.cycleId}, seal ${header.seal ?? 'none'}`,
    },
  });
  doc.registerFont(FONTS.regular, FONT_FILES.regular);
  doc.registerFont(FONTS.bold, FONT_FILES.bold);
  const out = createWriteStream(path);
  doc.pipe(out);
  const finished = once(out, 'finish');

  drawTitleBlock(doc, header);
  return { doc, header, finished };
}

function drawTitleBlock(doc: PDFKit.PDFDocument, h: ReportHeader): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font(FONTS.bold).fontSize(16).text(h.title, left, doc.page.margins.top);
  doc.font(FONTS.regular).fontSize(10).text(`${h.programmeName} · ${h.programme} ${h.cycleLabel}`);
  doc.moveDown(0.6);

  const labelWidth = 90;
  doc.fontSize(8);
  for (const [label, value] of headerFields(h).slice(1)) {
    const y = doc.y;
    doc.font(FONTS.bold).text(label, left, y, { width: labelWidth });
    doc.font(FONTS.regular).text(value, left + labelWidth, y, { width: width - labelWidth });
  }
  doc.moveDown(0.4);
  rule(doc);
  doc.moveDown(0.6);
}

function rule(doc: PDFKit.PDFDocument): void {
  const left = doc.page.margins.left;
  doc
    .save()
    .moveTo(left, doc.y)
    .lineTo(doc.page.width - doc.page.margins.right, doc.y)
    .lineWidth(0.75)
    .strokeColor('#8a94a3')
    .stroke()
    .restore();
}

/** A section heading, on a new page when fewer than a few rows would fit under it. */
export function sectionTitle(doc: PDFKit.PDFDocument, title: string, note?: string): void {
  const bottom = doc.page.height - doc.page.margins.bottom;
  if (doc.y + 70 > bottom) doc.addPage();
  doc.x = doc.page.margins.left;
  doc.font(FONTS.bold).fontSize(11).fillColor('black').text(title);
  if (note) doc.font(FONTS.regular).fontSize(8).text(note);
  doc.moveDown(0.3);
}

/** Prepared by / Checked by / Approved by: printed names, lines to sign and date by hand. */
export function signatureBlock(doc: PDFKit.PDFDocument, h: ReportHeader): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const blockHeight = 96;
  if (doc.y + blockHeight + 20 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.moveDown(1);
  sectionTitle(doc, 'Signatures');

  const top = doc.y + 4;
  const gap = 24;
  const colWidth = (width - 2 * gap) / 3;
  signatureRows(h).forEach((s, i) => {
    const x = left + i * (colWidth + gap);
    doc.font(FONTS.bold).fontSize(9).text(s.role, x, top, { width: colWidth });
    const lines: [string, string][] = [
      ['Name', s.name],
      ['Signature', ''],
      ['Date', ''],
    ];
    lines.forEach(([label, value], j) => {
      const y = top + 22 + j * 24;
      doc.font(FONTS.regular).fontSize(8).text(label, x, y, { width: 50 });
      if (value) doc.text(value, x + 52, y, { width: colWidth - 52 });
      doc
        .save()
        .moveTo(x + 52, y + 11)
        .lineTo(x + colWidth, y + 11)
        .lineWidth(0.5)
        .strokeColor('#555555')
        .stroke()
        .restore();
    });
  });
  doc.x = left;
  doc.y = top + blockHeight;
}

/** Writes the running header and "Page x of y" footer on every page, then closes the file. */
export async function finishReportPdf(pdf: ReportPdf): Promise<number> {
  const { doc, header: h } = pdf;
  const range = doc.bufferedPageRange();
  const pages = range.count;
  for (let i = 0; i < pages; i++) {
    doc.switchToPage(range.start + i);
    drawPageFurniture(doc, h, i, pages);
  }
  doc.end();
  await pdf.finished;
  return pages;
}

/**
 * The running header (after the first page) and the seal and "Page x of y" footer of one page.
 * With plain, text it can draw skips pdfkit's line layout (a register has thousands of pages).
 */
export function drawPageFurniture(
  doc: PDFKit.PDFDocument,
  h: ReportHeader,
  pageIndex: number,
  pages: number,
  plain?: PlainText,
): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  // Text in the margins would otherwise make pdfkit start a new page.
  const margins = { ...doc.page.margins };
  doc.page.margins.top = 0;
  doc.page.margins.bottom = 0;

  doc.font(FONTS.regular).fontSize(7).fillColor('#444444');
  const place = (text: string, x: number, y: number, w: number, right = false) => {
    const measured = plain?.width(text, FONTS.regular, 7) ?? null;
    if (measured === null || measured > w) {
      doc
        .font(FONTS.regular)
        .text(text, x, y, { width: w, align: right ? 'right' : 'left', lineBreak: false });
    } else {
      plain!.drawLine([{ text, x: right ? x + w - measured : x }], y, FONTS.regular, 7);
    }
  };
  if (pageIndex > 0) place(`${h.title} · ${h.programme} ${h.cycleLabel}`, left, 24, width);
  const footerY = doc.page.height - 30;
  place(`Seal (SHA-256) ${h.seal ?? 'not sealed'}`, left, footerY, width - 90);
  place(`Page ${pageIndex + 1} of ${pages}`, left + width - 90, footerY, 90, true);
  doc.fillColor('black');

  doc.page.margins.top = margins.top;
  doc.page.margins.bottom = margins.bottom;
}
