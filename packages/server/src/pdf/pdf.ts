import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';

/**
 * A small PDF helper over pdfkit for business documents (quotes now, invoices later): A4 pages, a
 * Japanese-capable font (so ja/en/de all render with one font), a title block, key/value rows and a
 * table that breaks across pages. Everything is drawn from data the caller already formatted:
 * amounts arrive as strings, never as numbers.
 */

export const SYSTEM_JAPANESE_FONT = '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf';

let fontPath: string | undefined;

/**
 * The font file: IPAexGothic when the system has it (small, subset-embedded), otherwise Noto Sans JP
 * from the npm package `@embedpdf/fonts-jp`, which installs with the application.
 */
export function documentFontPath(): string {
  if (fontPath) return fontPath;
  if (existsSync(SYSTEM_JAPANESE_FONT)) {
    fontPath = SYSTEM_JAPANESE_FONT;
    return fontPath;
  }
  // The package exports only its JS entry; the fonts sit next to it in ../fonts.
  const entry = fileURLToPath(import.meta.resolve('@embedpdf/fonts-jp'));
  const candidate = join(dirname(entry), '..', 'fonts', 'NotoSansJP-Regular.otf');
  if (!existsSync(candidate)) {
    throw new Error(`No Japanese-capable font found (${SYSTEM_JAPANESE_FONT} or ${candidate}).`);
  }
  fontPath = candidate;
  return fontPath;
}

export type PdfDoc = PDFKit.PDFDocument;

export interface PdfMeta {
  title: string;
  author: string;
  subject?: string;
  /** BCP 47, e.g. `ja-JP`. */
  language: string;
}

const MARGIN = 50;
const PAGE_WIDTH = 595.28;
export const CONTENT_WIDTH = PAGE_WIDTH - MARGIN * 2;

/** Renders a document and resolves with its bytes. */
export async function renderPdf(meta: PdfMeta, draw: (doc: PdfDoc) => void): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: meta.title, Author: meta.author, Subject: meta.subject ?? meta.title },
    lang: meta.language,
    bufferPages: false,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', documentFontPath());
  doc.font('body');
  draw(doc);
  doc.end();
  return done;
}

/** A large heading with an optional subtitle on the right (e.g. the document number). */
export function heading(doc: PdfDoc, title: string, right?: string): void {
  const top = doc.y;
  doc
    .fontSize(20)
    .fillColor('#111111')
    .text(title, MARGIN, top, { width: CONTENT_WIDTH * 0.6 });
  if (right) {
    doc
      .fontSize(10)
      .fillColor('#444444')
      .text(right, MARGIN + CONTENT_WIDTH * 0.6, top + 6, {
        width: CONTENT_WIDTH * 0.4,
        align: 'right',
      });
  }
  doc.moveDown(0.5);
  rule(doc);
}

export function rule(doc: PdfDoc): void {
  doc
    .moveTo(MARGIN, doc.y)
    .lineTo(MARGIN + CONTENT_WIDTH, doc.y)
    .lineWidth(0.5)
    .strokeColor('#999999')
    .stroke();
  doc.moveDown(0.5);
}

/** Two columns of `label: value` rows, e.g. the parties and dates of a document. */
export function keyValues(doc: PdfDoc, rows: readonly [string, string][], width = CONTENT_WIDTH): void {
  const x = doc.x;
  const labelWidth = Math.min(140, width * 0.35);
  doc.fontSize(9);
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.fillColor('#555555').text(label, x, y, { width: labelWidth });
    const afterLabel = doc.y;
    doc.fillColor('#111111').text(value, x + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(afterLabel, doc.y) + 2;
  }
  doc.x = x;
}

export function paragraph(doc: PdfDoc, text: string, options: { size?: number; color?: string } = {}): void {
  doc
    .fontSize(options.size ?? 9)
    .fillColor(options.color ?? '#111111')
    .text(text, MARGIN, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.4);
}

export interface TableColumn {
  header: string;
  /** Share of the content width; the shares of a table should add up to 1. */
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** A table with a header row (repeated on every new page) and zebra rows. */
export function table(doc: PdfDoc, columns: readonly TableColumn[], rows: readonly string[][]): void {
  const widths = columns.map((c) => c.width * CONTENT_WIDTH);
  const pad = 4;
  const drawRow = (cells: readonly string[], options: { header?: boolean; shade?: boolean }) => {
    doc.fontSize(options.header ? 8.5 : 8.5);
    const heights = cells.map((cell, i) =>
      doc.heightOfString(cell, { width: widths[i]! - pad * 2, align: columns[i]!.align ?? 'left' }),
    );
    const height = Math.max(...heights, 10) + pad * 2;
    if (doc.y + height > doc.page.height - MARGIN) {
      doc.addPage();
      if (!options.header)
        drawRow(
          columns.map((c) => c.header),
          { header: true },
        );
    }
    const top = doc.y;
    if (options.header || options.shade) {
      doc
        .rect(MARGIN, top, CONTENT_WIDTH, height)
        .fill(options.header ? '#e8edf3' : '#f7f7f7')
        .fillColor('#111111');
    }
    let x = MARGIN;
    cells.forEach((cell, i) => {
      doc
        .fillColor(options.header ? '#333333' : '#111111')
        .text(cell, x + pad, top + pad, { width: widths[i]! - pad * 2, align: columns[i]!.align ?? 'left' });
      x += widths[i]!;
    });
    doc.y = top + height;
    doc.x = MARGIN;
  };
  drawRow(
    columns.map((c) => c.header),
    { header: true },
  );
  rows.forEach((row, index) => {
    drawRow(row, { shade: index % 2 === 1 });
  });
  doc.moveDown(0.5);
}

/** Right-aligned totals: label on the left half of the block, amount on the right. */
export function totals(doc: PdfDoc, rows: readonly [string, string, boolean?][]): void {
  const blockWidth = CONTENT_WIDTH * 0.55;
  const x = MARGIN + CONTENT_WIDTH - blockWidth;
  for (const [label, value, strong] of rows) {
    const y = doc.y;
    doc
      .fontSize(strong ? 10.5 : 9)
      .fillColor('#333333')
      .text(label, x, y, { width: blockWidth * 0.6 });
    doc
      .fillColor('#111111')
      .text(value, x + blockWidth * 0.6, y, { width: blockWidth * 0.4, align: 'right' });
    doc.moveDown(0.2);
  }
  doc.x = MARGIN;
}
