/**
 * One-line text drawn straight into the page content, with widths from a cached table of glyph
 * advances. pdfkit shapes every string it measures or prints (OpenType substitution and
 * positioning), which is most of the time of a register of 350,000 lines; table cells need none
 * of it: names, references and amounts are single code points laid side by side. Measuring and
 * drawing share the same advances, so right-aligned numbers end exactly at the column edge.
 *
 * Text with code points that may need shaping (combining marks, other scripts) is left to pdfkit
 * (plainWidth returns null for it). pdfkit has no public call for drawing glyphs by id; this uses
 * its embedded-font internals (subset, widths, unicode), as its own text() does.
 */

interface EmbeddedFont {
  id: string;
  scale: number;
  ascender: number;
  font: { glyphForCodePoint(cp: number): { id: number; advanceWidth: number } };
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
}

interface Glyph {
  /** Font id in the document's glyph space, or -1 until the glyph is first drawn. */
  gid: number;
  glyphId: number;
  hex: string;
  /** Advance in thousandths of the font size. */
  advance: number;
}

interface FontGlyphs {
  font: EmbeddedFont;
  glyphs: Map<number, Glyph>;
}

/** Code points drawn without shaping: Latin, IPA (ɛ ɔ ŋ ɖ), general punctuation, currency (₵). */
function plain(cp: number): boolean {
  return cp < 0x0300 || (cp >= 0x2000 && cp < 0x20d0);
}

export class PlainText {
  private readonly fonts = new Map<string, FontGlyphs>();

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  /** The width of text in the named font at size, or null if it needs pdfkit's shaping. */
  width(text: string, fontName: string, size: number): number | null {
    const f = this.fontGlyphs(fontName);
    let advance = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) return null;
      if (!plain(cp)) return null;
      advance += this.glyph(f, cp).advance;
    }
    return (advance * size) / 1000;
  }

  /**
   * Draws cells of one line in fontName at size: each at x, with its top at yTop (as pdfkit's
   * text() places it). Every text must have passed width() first.
   */
  drawLine(cells: { text: string; x: number }[], yTop: number, fontName: string, size: number) {
    const f = this.fontGlyphs(fontName);
    const page = this.doc.page as unknown as { fonts: Record<string, unknown> };
    page.fonts[f.font.id] ??= f.font.ref();
    const baseline = yTop + (f.font.ascender / 1000) * size;
    let ops = `BT /${f.font.id} ${num(size)} Tf`;
    for (const c of cells) {
      let hex = '';
      for (let i = 0; i < c.text.length; i++) {
        hex += this.drawnGlyph(f, c.text.charCodeAt(i)).hex;
      }
      // The page is flipped (pdfkit's top-down coordinates); the text matrix flips glyphs back.
      ops += ` 1 0 0 -1 ${num(c.x)} ${num(baseline)} Tm <${hex}> Tj`;
    }
    this.doc.addContent(`${ops} ET`);
  }

  private fontGlyphs(name: string): FontGlyphs {
    let f = this.fonts.get(name);
    if (!f) {
      // Leaves name as the current font; callers set the font before any text() of their own.
      const doc = this.doc as unknown as { _font: EmbeddedFont; font(n: string): unknown };
      doc.font(name);
      f = { font: doc._font, glyphs: new Map() };
      this.fonts.set(name, f);
    }
    return f;
  }

  private glyph(f: FontGlyphs, cp: number): Glyph {
    let g = f.glyphs.get(cp);
    if (!g) {
      const fk = f.font.font.glyphForCodePoint(cp);
      g = { gid: -1, glyphId: fk.id, hex: '', advance: fk.advanceWidth * f.font.scale };
      f.glyphs.set(cp, g);
    }
    return g;
  }

  /** The glyph, put into the embedded subset (with its width and text) the first time. */
  private drawnGlyph(f: FontGlyphs, cp: number): Glyph {
    const g = this.glyph(f, cp);
    if (g.gid < 0) {
      const gid = f.font.subset.includeGlyph(g.glyphId);
      f.font.widths[gid] ??= g.advance;
      f.font.unicode[gid] ??= [cp];
      g.gid = gid;
      g.hex = `0000${gid.toString(16)}`.slice(-4);
    }
    return g;
  }
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}
