import type { ReportHeader } from '../header.js';
import {
  drawPageFurniture,
  FONTS,
  openReportPdf,
  signatureBlock,
  type ReportPdf,
} from './document.js';
import type { PdfColumn } from './table.js';

const ROW = 10;
const HEAD = 12;
const TITLE = 16;
const NOTE = 11;
const GAP = 8;
/** Room kept for the signature block; more than signatureBlock() draws, so it never breaks. */
const SIGNATURES = 150;
const PAD = 3;
const FONT_SIZE = 7;
const FILLS = { head: '#dfe4ea', heading: '#e9edf2', total: '#f1f3f5' } as const;

export type FixedRowStyle = 'data' | 'heading' | 'total';

export interface FixedRowOptions {
  style?: FixedRowStyle;
  /** Further rows that must fit under this one on the same page (a heading and its first line). */
  keep?: number;
  /** The first cell spans this many columns (a subtotal's label). */
  span?: number;
}

/**
 * A page layout where every row has the same height and every cell one line (cut with an
 * ellipsis), so the number of pages follows from the rows alone. A report is written twice
 * through the same code: first with no document, which only counts pages (cheap, from group
 * counts), then for real, with "Page x of y" drawn on each page as it is left. No page is kept
 * in memory after it is finished, so a register of 350,000 lines needs no more than one page.
 */
export class FixedPdf {
  pages = 1;
  private y: number;
  private table: { columns: PdfColumn[]; widths: number[]; context: string } | null = null;
  private readonly left: number;
  private readonly width: number;
  private readonly top: number;
  private readonly bottom: number;

  /** pdf null: a dry run that only counts pages. totalPages: the count of the dry run. */
  constructor(
    private readonly pdf: ReportPdf | null,
    geometry: { left: number; width: number; top: number; bottom: number; startY: number },
    private readonly totalPages = 0,
  ) {
    this.left = geometry.left;
    this.width = geometry.width;
    this.top = geometry.top;
    this.bottom = geometry.bottom;
    this.y = geometry.startY;
  }

  /** The page geometry of an open report, from where its title block ended. */
  static geometryOf(pdf: ReportPdf) {
    const { doc } = pdf;
    const m = doc.page.margins;
    return {
      left: m.left,
      width: doc.page.width - m.left - m.right,
      top: m.top,
      bottom: doc.page.height - m.bottom,
      startY: doc.y,
    };
  }

  /** A section heading and a one-line note, kept on the page with the start of its table. */
  section(title: string, note?: string): void {
    this.table = null;
    this.ensure(TITLE + (note ? NOTE : 0) + HEAD + 2 * ROW);
    const doc = this.pdf?.doc;
    if (doc) {
      doc.font(FONTS.bold).fontSize(11).fillColor('black');
      doc.text(this.fit(title, this.width), this.left, this.y, { lineBreak: false });
      if (note) {
        doc.font(FONTS.regular).fontSize(7.5);
        doc.text(this.fit(note, this.width), this.left, this.y + TITLE, { lineBreak: false });
      }
    }
    this.y += TITLE + (note ? NOTE : 0);
  }

  /** Starts a table; its header row is drawn again at the top of every page it runs over. */
  beginTable(columns: PdfColumn[]): void {
    const totalWeight = columns.reduce((n, c) => n + c.weight, 0);
    const widths = columns.map((c) => (this.width * c.weight) / totalWeight);
    this.table = { columns, widths, context: '' };
    this.ensure(HEAD + ROW);
    this.drawHead();
  }

  /** What a page that starts inside the table says it continues ("Northern › Karaga"). */
  context(label: string): void {
    if (this.table) this.table.context = label;
  }

  row(cells: string[], o: FixedRowOptions = {}): void {
    this.ensure(ROW * (1 + (o.keep ?? 0)));
    if (this.pdf) this.drawRow(cells, o.style ?? 'data', ROW, o.span ?? 1);
    this.y += ROW;
  }

  /** A group heading across the whole table, kept with the rows under it. */
  heading(label: string, keep = 1): void {
    this.row([label], { style: 'heading', keep, span: this.table?.columns.length ?? 1 });
  }

  endTable(): void {
    this.table = null;
    this.y += GAP;
  }

  signatures(header: ReportHeader): void {
    this.table = null;
    this.ensure(SIGNATURES);
    const doc = this.pdf?.doc;
    if (doc) {
      doc.x = this.left;
      doc.y = this.y;
      signatureBlock(doc, header);
    }
    this.y += SIGNATURES;
  }

  /** Draws the last footer and closes the file; refuses a layout that strayed from the count. */
  async finish(): Promise<number> {
    if (!this.pdf) return this.pages;
    if (this.pages !== this.totalPages) {
      throw new Error(`report laid out ${this.pages} pages, ${this.totalPages} were counted`);
    }
    drawPageFurniture(this.pdf.doc, this.pdf.header, this.pages - 1, this.totalPages);
    this.pdf.doc.end();
    await this.pdf.finished;
    return this.pages;
  }

  private ensure(height: number): void {
    if (this.y + height <= this.bottom) return;
    if (this.pdf) {
      drawPageFurniture(this.pdf.doc, this.pdf.header, this.pages - 1, this.totalPages);
      this.pdf.doc.addPage();
      forgetWordShapes(this.pdf.doc);
    }
    this.pages++;
    this.y = this.top;
    if (this.table) {
      this.drawHead();
      // Reserved on every continued page, printed or not, so both passes break alike.
      if (this.pdf && this.table.context) {
        const span = this.table.columns.length;
        this.drawRow([`${this.table.context} (continued)`], 'heading', ROW, span);
      }
      this.y += ROW;
    }
  }

  private drawHead(): void {
    if (this.pdf && this.table) {
      this.drawRow(
        this.table.columns.map((c) => c.header),
        'head',
        HEAD,
        1,
      );
    }
    this.y += HEAD;
  }

  private drawRow(
    cells: string[],
    style: FixedRowStyle | 'head',
    height: number,
    span: number,
  ): void {
    const doc = this.pdf!.doc;
    const { columns, widths } = this.table ?? {
      columns: [{ header: '', weight: 1 }],
      widths: [this.width],
    };
    if (style !== 'data') {
      doc.save().rect(this.left, this.y, this.width, height).fill(FILLS[style]).restore();
    }
    doc
      .font(style === 'data' ? FONTS.regular : FONTS.bold)
      .fontSize(FONT_SIZE)
      .fillColor('black');
    const textY = this.y + (height - FONT_SIZE) / 2 - 1;
    // The first cell takes the width of the columns it spans; their own cells are skipped.
    const first = Math.min(Math.max(span, 1), columns.length);
    let x = this.left;
    let w = 0;
    for (let k = 0; k < first; k++) w += widths[k]!;
    for (let i = first - 1; i < columns.length; i++) {
      if (i >= first) w = widths[i]!;
      const spanned = first > 1 && i === first - 1;
      const text = spanned ? cells[0] : cells[i];
      if (text) {
        const shown = this.fit(text, w - 2 * PAD);
        const left =
          columns[i]!.align === 'right' && !spanned
            ? x + w - PAD - doc.widthOfString(shown)
            : x + PAD;
        doc.text(shown, left, textY, { lineBreak: false });
      }
      x += w;
    }
  }

  /**
   * The text, cut with an ellipsis to the width in the current font.
   * Limitation: a name longer than its column is cut in the PDF (the XLSX has it whole), since
   * rows of one fixed height are what make the page count known before writing.
   */
  private fit(text: string, width: number): string {
    const doc = this.pdf!.doc;
    if (doc.widthOfString(text) <= width) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) lo = mid;
      else hi = mid - 1;
    }
    return `${text.slice(0, lo)}…`;
  }
}

/**
 * pdfkit keeps the shaped glyphs of every word it has printed, for the life of the document; a
 * register prints millions of distinct words (references, PINs, accounts), so that cache would
 * grow to gigabytes. It is emptied at each page: a page's repeated words still share it.
 * (pdfkit has no public call for this; if its internals change, this does nothing.)
 */
function forgetWordShapes(doc: PDFKit.PDFDocument): void {
  const fonts = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })
    ._fontFamilies;
  for (const font of Object.values(fonts ?? {})) {
    if (font.layoutCache) font.layoutCache = Object.create(null) as object;
  }
}

/**
 * Writes a streamed report: the title block, then body twice (a dry run that counts pages, then
 * the real one), so every footer can say "Page x of y" without holding pages in memory. body
 * must lay out the same rows both times; it gets dry = true on the counting run.
 */
export async function writeFixedPdf(
  path: string,
  header: ReportHeader,
  body: (out: FixedPdf, dry: boolean) => Promise<void>,
): Promise<number> {
  const pdf = openReportPdf(path, header, { streamed: true });
  try {
    const geometry = FixedPdf.geometryOf(pdf);
    const counter = new FixedPdf(null, geometry);
    await body(counter, true);
    const out = new FixedPdf(pdf, geometry, counter.pages);
    await body(out, false);
    return await out.finish();
  } catch (err) {
    pdf.doc.end();
    await pdf.finished.catch(() => undefined);
    throw err;
  }
}
