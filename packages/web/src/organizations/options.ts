// Choices for the organisation form, from the browser's own ISO and IANA tables, so the lists are
// complete without shipping them and match what the server accepts (it checks with the same tables).

const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
const A = 'A'.charCodeAt(0);

let countries: string[] | null = null;

/** ISO 3166 alpha-2 codes the runtime has a name for. */
export function countryCodes(): string[] {
  if (countries) return countries;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes: string[] = [];
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      if (NOT_COUNTRIES.has(code)) continue;
      try {
        if (names.of(code)) codes.push(code);
      } catch {
        // Not a region code this runtime knows.
      }
    }
  }
  countries = codes;
  return codes;
}

export function currencyCodes(): string[] {
  return Intl.supportedValuesOf('currency');
}

export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : [...zones, 'UTC'];
}

/** Options for a select, sorted by the translated label, keeping the current value even if unknown. */
export function optionsOf(
  codes: string[],
  label: (code: string) => string,
  current?: string,
): { value: string; label: string }[] {
  const all = current && !codes.includes(current) ? [current, ...codes] : codes;
  return all
    .map((code) => ({ value: code, label: label(code) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
