/**
 * JSON decoding that never loses a digit.
 *
 * Partner Center sends money and usage quantities as JSON numbers with more significant digits than a double
 * holds (`"effectiveUnitPrice": 0.1999968000511991808131`), and the same fields as strings elsewhere. Node 20
 * has no access to a number's source text in `JSON.parse`, so numbers whose literal would not survive the
 * round trip are turned into strings before parsing. Invariant of the result: every `number` prints back to
 * its exact literal (`String(n)`), and every other numeric literal is kept as its text. Schemas can therefore
 * recover the exact decimal of any amount.
 */

const TOKEN = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function parseJsonLossless(text: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const safe = source.replace(TOKEN, (token) => {
    if (token.charCodeAt(0) === 34 /* " */) return token;
    return String(Number(token)) === token ? token : `"${token}"`;
  });
  return JSON.parse(safe);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isDecimalText(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/**
 * Exact decimal text of a JSON amount. Keeps the digits as sent (`"0.0"` stays `"0.0"`), only expanding
 * exponent notation so downstream decimal libraries and SQL `numeric` accept it.
 */
export function toDecimalString(value: number | string): string {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  if (!DECIMAL.test(text)) throw new TypeError(`Not a decimal number: ${JSON.stringify(value)}`);
  const unsigned = text.startsWith('+') ? text.slice(1) : text;
  return expandExponent(unsigned)
    .replace(/^(-?)\./, '$10.')
    .replace(/\.$/, '');
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`Not a finite number: ${value}`);
  return String(value);
}

function expandExponent(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', intPart = '', fracPart = '', exponent = '0'] = match;
  let digits = intPart + fracPart;
  let point = intPart.length + Number(exponent);
  const leadingZeros = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(leadingZeros);
  point -= leadingZeros;
  if (digits === '') return '0';
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return sign + out;
}
