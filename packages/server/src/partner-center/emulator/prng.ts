/**
 * Deterministic pseudo-randomness. Everything the emulator invents (ids, usage, faults) comes from
 * sfc32 streams keyed by the seed plus a purpose string, so the same seed and the same request
 * sequence always produce the same data.
 */

/** 32-bit string hash (FNV-1a followed by a murmur finaliser). */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export type Rng = () => number;

/** sfc32 returning unsigned 32-bit integers. */
export function sfc32(a: number, b: number, c: number, d: number): Rng {
  let x = a | 0;
  let y = b | 0;
  let z = c | 0;
  let w = d | 0;
  const next = (): number => {
    const t = (((x + y) | 0) + w) | 0;
    w = (w + 1) | 0;
    x = y ^ (y >>> 9);
    y = (z + (z << 3)) | 0;
    z = (z << 21) | (z >>> 11);
    z = (z + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export function rngFor(seed: number, ...keys: (string | number)[]): Rng {
  let a = mix32(seed ^ 0x9e3779b9);
  let b = mix32(seed + 0x7f4a7c15);
  let c = 0x6a09e667;
  let d = 0xbb67ae85;
  for (const k of keys) {
    const h = typeof k === 'number' ? mix32(k) : hash32(k, seed);
    a = mix32(a ^ h);
    b = mix32(b + h);
    c = mix32(c ^ (h >>> 3));
    d = mix32(d + a);
  }
  return sfc32(a, b, c, d);
}

/** Uniform float in [0, 1) for probabilities only (never for money). */
export function unit(rng: Rng): number {
  return rng() / 4294967296;
}

const HEX = '0123456789abcdef';

export function hex(rng: Rng, length: number): string {
  let out = '';
  while (out.length < length) {
    let word = rng();
    for (let i = 0; i < 8 && out.length < length; i++) {
      out += HEX[word & 15];
      word >>>= 4;
    }
  }
  return out;
}

/** RFC 4122 version-4 shaped GUID from the stream. */
export function guid(rng: Rng): string {
  const h = hex(rng, 32);
  const variant = HEX[8 + (rng() & 3)];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const CATALOG_ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXZ';

/** Suffix in the style of catalog ids (`CFQ7TTC0K971`). */
export function catalogSuffix(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CATALOG_ALPHABET[rng() % CATALOG_ALPHABET.length];
  return out;
}

export function lowerAlnum(rng: Rng, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng() % alphabet.length];
  return out;
}
