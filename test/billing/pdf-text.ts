import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF made by pdfkit (packages/server/src/pdf), for tests: the content streams are
 * inflated and their hex glyph strings (`<…> Tj`, `[<…> 12 <…>] TJ`) mapped back to Unicode
 * through the embedded font's ToUnicode CMap. Text objects are joined by a newline, the pieces of
 * one by nothing — good enough to assert that a label or an amount is printed.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /(?<!end)stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const bytes = Buffer.from(raw.slice(start, end), 'latin1');
    try {
      streams.push(inflateSync(bytes).toString('latin1'));
    } catch {
      streams.push(bytes.toString('latin1'));
    }
    re.lastIndex = end + 'endstream'.length;
  }
  const glyphs = new Map<number, string>();
  const hexText = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  for (const cmap of streams.filter((s) => s.includes('begincmap'))) {
    for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const [, from, to] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
        glyphs.set(Number.parseInt(from!, 16), hexText(to!));
      }
    }
    for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, lo, hi, dst] of block[1]!.matchAll(
        /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g,
      )) {
        const first = Number.parseInt(lo!, 16);
        const last = Number.parseInt(hi!, 16);
        if (dst!.startsWith('[')) {
          const list = [...dst!.matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => hexText(x[1]!));
          for (const [i, text] of list.entries()) glyphs.set(first + i, text);
        } else {
          const base = Number.parseInt(dst!.slice(1, -1), 16);
          for (let g = first; g <= last; g++) glyphs.set(g, String.fromCodePoint(base + g - first));
        }
      }
    }
  }
  const out: string[] = [];
  for (const content of streams.filter((s) => /\bBT\b/.test(s))) {
    for (const text of content.matchAll(/BT([\s\S]*?)ET/g)) {
      let line = '';
      for (const [, hex] of text[1]!.matchAll(/<([0-9a-fA-F]*)>/g)) {
        for (let i = 0; i + 4 <= hex!.length; i += 4) {
          line += glyphs.get(Number.parseInt(hex!.slice(i, i + 4), 16)) ?? '';
        }
      }
      out.push(line);
    }
  }
  return out.join('\n');
}
