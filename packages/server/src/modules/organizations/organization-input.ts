import { badRequest } from '../../http/errors.ts';

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
// ISO 4217 codes the runtime knows, so a well-formed but invented code ("YEN") is refused.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const COLOUR = /^#[0-9a-f]{6}$/i;

/** Field checks shared by create and update; each failure names the field. */
export function checkOrganizationFields(input: {
  country?: string | undefined;
  currency?: string | undefined;
  timeZone?: string | undefined;
  domains?: string[] | undefined;
  branding?:
    | { primaryColor?: string | undefined; accentColor?: string | undefined; logoUrl?: string | undefined }
    | undefined;
}): void {
  const problems: { field: string; message: string }[] = [];
  if (input.country !== undefined && !/^[A-Z]{2}$/.test(input.country)) {
    problems.push({ field: 'country', message: 'Use a two-letter ISO 3166 country code such as JP.' });
  }
  if (input.currency !== undefined && !CURRENCIES.has(input.currency)) {
    problems.push({ field: 'currency', message: 'Use a three-letter ISO 4217 currency code such as JPY.' });
  }
  if (input.timeZone !== undefined && !TIME_ZONES.has(input.timeZone)) {
    problems.push({ field: 'timeZone', message: 'Use an IANA time zone such as Asia/Tokyo.' });
  }
  for (const domain of input.domains ?? []) {
    if (!DOMAIN.test(domain.toLowerCase()))
      problems.push({ field: 'domains', message: `"${domain}" is not a valid domain name.` });
  }
  for (const field of ['primaryColor', 'accentColor'] as const) {
    const colour = input.branding?.[field];
    if (colour !== undefined && !COLOUR.test(colour)) {
      problems.push({ field: `branding.${field}`, message: 'Use a colour of the form #1a2b3c.' });
    }
  }
  const logo = input.branding?.logoUrl;
  if (logo !== undefined && !/^(https:\/\/|data:image\/(png|svg\+xml|jpeg);base64,)/.test(logo)) {
    problems.push({
      field: 'branding.logoUrl',
      message: 'The logo must be an https:// URL or a data:image URL.',
    });
  }
  if (problems.length > 0) {
    throw badRequest(
      'validation_failed',
      problems.map((p) => `${p.field}: ${p.message}`).join(' '),
      problems,
    );
  }
}
