export interface PdfColumn {
  header: string;
  /** Share of the page width; widths are the weights scaled to the space between the margins. */
  weight: number;
  align?: 'left' | 'right';
  /**
   * Fixed layout only: the cell wraps on words over at most this many lines (the last one cut
   * with an ellipsis), and its row grows to fit. Unset: one line.
   */
  wrap?: number;
}

export interface PdfRowStyle {
  /** Totals: bold on a light band. */
  total?: boolean;
}

const PAD = 3;
const HEADER_FILL = '#dfe4ea';
const TOTAL_FILL = '#f1f3f5';
const RULE = '#c8ced6';

/**
 * A table that flows across pages: a row that does not fit starts a new page, and the header row
 * is drawn again at the top of it. Cells wrap; a row is as tall as its tallest cell.
 */
export class PdfTable {
  private readonly widths: number[];
  private readonly left: number;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly columns: PdfColumn[],
    private readonly fonts: { regular: string; bold: string },
    private readonly fontSize = 7.5,
  ) {
    this.left = doc.page.margins.left;
    const available = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    const totalWeight = columns.reduce((n, c) => n + c.weight, 0);
    this.widths = columns.map((c) => (available * c.weight) / totalWeight);
  }

  /** Draws the header row, first moving to a new page if not even one row would fit under it. */
  begin(): void {
    const needed =
      this.height(
        this.columns.map((c) => c.header),
        true,
      ) +
      this.fontSize * 3;
    if (this.doc.y + needed > this.bottom()) this.doc.addPage();
    this.drawHeader();
  }

  row(cells: string[], style: PdfRowStyle = {}): void {
    const bold = style.total === true;
    const h = this.height(cells, bold);
    if (this.doc.y + h > this.bottom()) {
      this.doc.addPage();
      this.drawHeader();
    }
    this.drawRow(cells, h, { bold, fill: bold ? TOTAL_FILL : undefined });
  }

  /** Leaves a little space under the table for what follows. */
  end(): void {
    this.doc.x = this.left;
    this.doc.y += this.fontSize;
  }

  private drawHeader(): void {
    const headers = this.columns.map((c) => c.header);
    this.drawRow(headers, this.height(headers, true), { bold: true, fill: HEADER_FILL });
  }

  private drawRow(cells: string[], h: number, o: { bold: boolean; fill?: string }): void {
    const doc = this.doc;
    const y = doc.y;
    const width = this.widths.reduce((a, b) => a + b, 0);
    if (o.fill) doc.save().rect(this.left, y, width, h).fill(o.fill).restore();

    doc
      .font(o.bold ? this.fonts.bold : this.fonts.regular)
      .fontSize(this.fontSize)
      .fillColor('black');
    let x = this.left;
    this.columns.forEach((col, i) => {
      const w = this.widths[i]!;
      this.drawCell(cells[i] ?? '', x + PAD, y + PAD, w - 2 * PAD, col.align ?? 'left');
      x += w;
    });
    doc
      .save()
      .moveTo(this.left, y + h)
      .lineTo(this.left + width, y + h)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke()
      .restore();

    doc.x = this.left;
    doc.y = y + h;
  }

  private drawCell(text: string, x: number, y: number, width: number, align: 'left' | 'right') {
    const textWidth = this.doc.widthOfString(text);
    if (text.includes('\n') || textWidth > width) {
      this.doc.text(text, x, y, { width, align });
      return;
    }
    // A line that fits is placed directly: pdfkit's line wrapper is the slow part of a big table.
    const left = align === 'right' ? x + width - textWidth : x;
    this.doc.text(text, left, y, { lineBreak: false });
  }

  private height(cells: string[], bold: boolean): number {
    this.doc.font(bold ? this.fonts.bold : this.fonts.regular).fontSize(this.fontSize);
    const oneLine = this.doc.currentLineHeight(true);
    let tallest = oneLine;
    this.columns.forEach((_, i) => {
      const text = cells[i] ?? '';
      const width = this.widths[i]! - 2 * PAD;
      // Measuring a width is much cheaper than wrapping, and most cells fit on one line.
      if (!text.includes('\n') && this.doc.widthOfString(text) <= width) return;
      tallest = Math.max(tallest, this.doc.heightOfString(text, { width }));
    });
    return tallest + 2 * PAD;
  }

  private bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }
}
