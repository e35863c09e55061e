import type { ReportHeader } from '../header.js';
import {
  drawPageFurniture,
  FONTS,
  openReportPdf,
  signatureBlock,
  type ReportPdf,
} from './document.js';
import { PlainText } from './plain-text.js';
import type { PdfColumn } from './table.js';

const ROW = 10;
/** Height each further line of a wrapped cell adds to its row. */
const LINE = 8.5;
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
 * A page layout where the height of every row follows from its own cells: one line (cut with an
 * ellipsis), or a few for columns that wrap, measured with the same width table both times. So
 * the number of pages is known before writing. A report is written twice through the same code:
 * first without drawing, which only counts pages (cheap: the register passes blank rows, from
 * group counts), then for real, with "Page x of y" drawn on each page as it is left. No page is
 * kept in memory after it is finished, so a register of 350,000 lines needs no more than one page.
 */
export class FixedPdf {
  pages = 1;
  private y: number;
  private table: {
    columns: PdfColumn[];
    widths: number[];
    context: string;
    rules: boolean;
    head: string[][];
    headHeight: number;
  } | null = null;
  /** Where the rules under this page's data rows go; stroked as one path when the page ends. */
  private ruleYs: number[] = [];
  private readonly left: number;
  private readonly width: number;
  private readonly top: number;
  private readonly bottom: number;
  private readonly drawing: boolean;
  private readonly plain: PlainText;

  /**
   * totalPages: the count of the dry run, or null for the dry run itself (which measures text in
   * the document's fonts but draws nothing).
   */
  constructor(
    private readonly pdf: ReportPdf,
    geometry: { left: number; width: number; top: number; bottom: number; startY: number },
    private readonly totalPages: number | null,
    plain?: PlainText,
  ) {
    this.left = geometry.left;
    this.width = geometry.width;
    this.top = geometry.top;
    this.bottom = geometry.bottom;
    this.y = geometry.startY;
    this.drawing = totalPages !== null;
    this.plain = plain ?? new PlainText(pdf.doc);
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
    if (this.drawing) {
      const doc = this.pdf.doc;
      doc.fillColor('black');
      doc.font(FONTS.bold).fontSize(11);
      doc.text(this.fit(title, this.width, FONTS.bold, 11), this.left, this.y, {
        lineBreak: false,
      });
      if (note) {
        doc.font(FONTS.regular).fontSize(7.5);
        doc.text(this.fit(note, this.width, FONTS.regular, 7.5), this.left, this.y + TITLE, {
          lineBreak: false,
        });
      }
    }
    this.y += TITLE + (note ? NOTE : 0);
  }

  /**
   * Starts a table; its header row is drawn again at the top of every page it runs over. rules:
   * a thin line under each data row (for tables whose rows wrap).
   */
  beginTable(columns: PdfColumn[], o: { rules?: boolean } = {}): void {
    const totalWeight = columns.reduce((n, c) => n + c.weight, 0);
    const widths = columns.map((c) => (this.width * c.weight) / totalWeight);
    this.table = { columns, widths, context: '', rules: o.rules === true, head: [], headHeight: 0 };
    this.table.head = this.cellLines(
      columns.map((c) => c.header),
      'head',
      1,
    );
    this.table.headHeight =
      HEAD + LINE * (Math.max(1, ...this.table.head.map((l) => l.length)) - 1);
    this.ensure(this.table.headHeight + ROW);
    this.drawHead();
  }

  /** What a page that starts inside the table says it continues ("Northern › Karaga"). */
  context(label: string): void {
    if (this.table) this.table.context = label;
  }

  row(cells: string[], o: FixedRowOptions = {}): void {
    const style = o.style ?? 'data';
    const span = o.span ?? 1;
    const lines = this.cellLines(cells, style, span);
    const height = ROW + LINE * (Math.max(1, ...lines.map((l) => l.length)) - 1);
    this.ensure(height + ROW * (o.keep ?? 0));
    if (this.drawing) {
      this.drawRow(lines, style, height, span);
      if (this.table?.rules && style === 'data') this.ruleYs.push(this.y + height - 0.5);
    }
    this.y += height;
  }

  /** A group heading across the whole table, kept with the rows under it. */
  heading(label: string, keep = 1): void {
    this.row([label], { style: 'heading', keep, span: this.table?.columns.length ?? 1 });
  }

  endTable(): void {
    this.strokeRules();
    this.table = null;
    this.y += GAP;
  }

  signatures(header: ReportHeader): void {
    this.table = null;
    this.ensure(SIGNATURES);
    if (this.drawing) {
      const doc = this.pdf.doc;
      doc.x = this.left;
      doc.y = this.y;
      signatureBlock(doc, header);
    }
    this.y += SIGNATURES;
  }

  /** Draws the last footer and closes the file; refuses a layout that strayed from the count. */
  async finish(): Promise<number> {
    if (!this.drawing) return this.pages;
    if (this.pages !== this.totalPages) {
      throw new Error(`report laid out ${this.pages} pages, ${this.totalPages} were counted`);
    }
    drawPageFurniture(this.pdf.doc, this.pdf.header, this.pages - 1, this.totalPages, this.plain);
    this.pdf.doc.end();
    await this.pdf.finished;
    return this.pages;
  }

  private ensure(height: number): void {
    if (this.y + height <= this.bottom) return;
    if (this.drawing) {
      this.strokeRules();
      drawPageFurniture(
        this.pdf.doc,
        this.pdf.header,
        this.pages - 1,
        this.totalPages!,
        this.plain,
      );
      this.pdf.doc.addPage();
      forgetWordShapes(this.pdf.doc);
    }
    this.pages++;
    this.y = this.top;
    if (this.table) {
      this.drawHead();
      // Both passes set the same context at the same rows, so both break alike.
      if (this.table.context) {
        const span = this.table.columns.length;
        const label = [`${this.table.context} (continued)`];
        if (this.drawing) {
          this.drawRow(this.cellLines(label, 'heading', span), 'heading', ROW, span);
        }
        this.y += ROW;
      }
    }
  }

  private strokeRules(): void {
    if (this.ruleYs.length === 0) return;
    const doc = this.pdf.doc.save();
    for (const y of this.ruleYs) doc.moveTo(this.left, y).lineTo(this.left + this.width, y);
    doc.lineWidth(0.5).strokeColor('#c8ced6').stroke().restore();
    this.ruleYs = [];
  }

  private drawHead(): void {
    if (!this.table) return;
    if (this.drawing) this.drawRow(this.table.head, 'head', this.table.headHeight, 1);
    this.y += this.table.headHeight;
  }

  private layout(span: number) {
    const { columns, widths }: { columns: PdfColumn[]; widths: number[] } = this.table ?? {
      columns: [{ header: '', weight: 1 }],
      widths: [this.width],
    };
    // The first cell takes the width of the columns it spans; their own cells are skipped.
    const first = Math.min(Math.max(span, 1), columns.length);
    return { columns, widths, first };
  }

  /** Each cell's text as the lines it is drawn on (one, unless its column wraps). */
  private cellLines(cells: string[], style: FixedRowStyle | 'head', span: number): string[][] {
    const font = style === 'data' ? FONTS.regular : FONTS.bold;
    const { columns, widths, first } = this.layout(span);
    const out: string[][] = [];
    let w = 0;
    for (let k = 0; k < first; k++) w += widths[k]!;
    for (let i = first - 1; i < columns.length; i++) {
      if (i >= first) w = widths[i]!;
      const spanned = first > 1 && i === first - 1;
      const text = (spanned ? cells[0] : cells[i]) ?? '';
      const wrap = spanned ? 1 : style === 'head' ? 2 : (columns[i]!.wrap ?? 1);
      if (!text) out.push([]);
      else if (wrap > 1) out.push(this.wrapText(text, w - 2 * PAD, font, wrap));
      else out.push([this.fit(text, w - 2 * PAD, font, FONT_SIZE)]);
    }
    return out;
  }

  private drawRow(
    lines: string[][],
    style: FixedRowStyle | 'head',
    height: number,
    span: number,
  ): void {
    const doc = this.pdf.doc;
    const { columns, widths, first } = this.layout(span);
    if (style !== 'data') {
      doc.save().rect(this.left, this.y, this.width, height).fill(FILLS[style]).restore();
    }
    const font = style === 'data' ? FONTS.regular : FONTS.bold;
    doc.font(font).fontSize(FONT_SIZE).fillColor('black');
    const textY = this.y + (ROW - FONT_SIZE) / 2 - 1 + (style === 'head' ? (HEAD - ROW) / 2 : 0);
    const rows: { text: string; x: number }[][] = [];
    let x = this.left;
    let w = 0;
    for (let k = 0; k < first; k++) w += widths[k]!;
    for (let i = first - 1; i < columns.length; i++) {
      if (i >= first) w = widths[i]!;
      const spanned = first > 1 && i === first - 1;
      const right = columns[i]!.align === 'right' && !spanned;
      lines[i - first + 1]!.forEach((shown, n) => {
        const measured = this.plain.width(shown, font, FONT_SIZE);
        const left = right ? x + w - PAD - (measured ?? doc.widthOfString(shown)) : x + PAD;
        if (measured === null) {
          doc.text(shown, left, textY + n * LINE, { lineBreak: false });
        } else {
          (rows[n] ??= []).push({ text: shown, x: left });
        }
      });
      x += w;
    }
    rows.forEach((cells, n) => this.plain.drawLine(cells, textY + n * LINE, font, FONT_SIZE));
  }

  /** Width of text in font at size: from the glyph table, else measured by pdfkit. */
  private measure(text: string, font: string, size: number): number {
    const plain = this.plain.width(text, font, size);
    if (plain !== null) return plain;
    return this.pdf.doc.font(font).fontSize(size).widthOfString(text);
  }

  /**
   * The text, cut with an ellipsis to the width.
   * Limitation: a name longer than its column is cut in the PDF (the XLSX has it whole), since
   * rows of one fixed height are what make the page count known before writing.
   */
  private fit(text: string, width: number, font: string, size: number): string {
    if (this.measure(text, font, size) <= width) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.measure(`${text.slice(0, mid)}…`, font, size) <= width) lo = mid;
      else hi = mid - 1;
    }
    return `${text.slice(0, lo)}…`;
  }

  /**
   * Words laid into lines of the width (a word longer than a line is broken where it must be);
   * past maxLines the rest is cut with an ellipsis.
   */
  private wrapText(text: string, width: number, font: string, maxLines: number): string[] {
    const fits = (t: string) => this.measure(t, font, FONT_SIZE) <= width;
    const lines: string[] = [];
    let current = '';
    for (let word of text.split(/\s+/).filter(Boolean)) {
      const candidate = current ? `${current} ${word}` : word;
      if (fits(candidate)) {
        current = candidate;
        continue;
      }
      if (current) lines.push(current);
      while (word.length > 1 && !fits(word)) {
        let n = 1;
        while (n < word.length - 1 && fits(word.slice(0, n + 1))) n++;
        lines.push(word.slice(0, n));
        word = word.slice(n);
      }
      current = word;
    }
    if (current) lines.push(current);
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines - 1);
    return [...kept, this.fit(lines.slice(maxLines - 1).join(' '), width, font, FONT_SIZE)];
  }
}

/**
 * pdfkit keeps the shaped glyphs of every word it has printed, for the life of the document; a
 * register prints millions of distinct words (references, PINs, accounts), so that cache would
 * grow to gigabytes. It is emptied at each page: a page's repeated words still share it. Most
 * cells now bypass it (PlainText); the rest still go through it.
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
    const plain = new PlainText(pdf.doc);
    const counter = new FixedPdf(pdf, geometry, null, plain);
    await body(counter, true);
    const out = new FixedPdf(pdf, geometry, counter.pages, plain);
    await body(out, false);
    return await out.finish();
  } catch (err) {
    pdf.doc.end();
    await pdf.finished.catch(() => undefined);
    throw err;
  }
}
