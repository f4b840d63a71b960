import type { Branding, Locale } from '../../../db/schema.ts';
import { COMMON, type MessageCopy } from './messages.ts';

/** What a message is wrapped in: the sender's brand, the recipient, where the buttons lead. */
export interface LayoutContext {
  locale: Locale;
  branding: Branding;
  recipientName: string;
  /** The console page of the event's subject. */
  linkUrl: string;
  settingsUrl: string;
  essential: boolean;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  /** The short form shown in the in-app notification centre. */
  inAppText: string;
  /** The HTML shows the brand's logo from an inline attachment (a `data:` logo). */
  inlineLogo: boolean;
}

export const LOGO_CID = 'brand-logo@cspc';

const DEFAULT_COLOR = '#1c5fb8';
const FALLBACK_BRAND = 'csp-commerce';

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const color = (value: string | undefined) =>
  value && /^#[0-9a-fA-F]{6}$/.test(value) ? value : DEFAULT_COLOR;

/** White text on dark brand colours, near-black on light ones (WCAG relative luminance). */
function textOn(hex: string): string {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.45 ? '#111827' : '#ffffff';
}

/** `data:` logos go inline as attachments (mail clients block data URLs); https logos are linked. */
export function logoSource(logoUrl: string | undefined): { src: string; inline: boolean } | null {
  if (!logoUrl) return null;
  if (/^data:image\/(png|jpeg|gif);base64,/.test(logoUrl)) return { src: `cid:${LOGO_CID}`, inline: true };
  if (/^https:\/\//.test(logoUrl)) return { src: logoUrl, inline: false };
  return null;
}

export function brandName(branding: Branding): string {
  return branding.displayName?.trim() || FALLBACK_BRAND;
}

export function renderMessage(copy: MessageCopy, context: LayoutContext): RenderedMessage {
  const common = COMMON[context.locale];
  const brand = brandName(context.branding);
  const primary = color(context.branding.primaryColor);
  const onPrimary = textOn(primary);
  const logo = logoSource(context.branding.logoUrl);
  const policy = context.essential ? common.essential : common.optional;

  const text = [
    common.greeting(context.recipientName),
    '',
    copy.summary,
    '',
    ...copy.facts.map(([label, value]) => `${label}: ${value}`),
    ...(copy.notes.length > 0 ? ['', ...copy.notes] : []),
    '',
    `${common.action}: ${context.linkUrl}`,
    '',
    '-- ',
    brand,
    common.sentBy(brand),
    policy,
    `${common.settings}: ${context.settingsUrl}`,
    '',
  ].join('\n');

  const e = escapeHtml;
  const facts = copy.facts
    .map(
      ([label, value]) =>
        `<tr><td style="padding:6px 12px 6px 0;color:#6b7280;white-space:nowrap;vertical-align:top">${e(label)}</td>` +
        `<td style="padding:6px 0;color:#111827">${e(value)}</td></tr>`,
    )
    .join('');
  const notes = copy.notes.map((n) => `<p style="margin:16px 0 0">${e(n)}</p>`).join('');
  const logoHtml = logo
    ? `<img src="${e(logo.src)}" alt="${e(brand)}" height="32" style="height:32px;vertical-align:middle;margin-right:12px;border:0">`
    : '';
  const html = `<!doctype html>
<html lang="${context.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(copy.subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,'Segoe UI','Hiragino Sans','Yu Gothic',Meiryo,Roboto,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.6">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="background:${primary};color:${onPrimary};padding:16px 24px;font-size:18px;font-weight:bold">${logoHtml}${e(brand)}</td></tr>
<tr><td style="padding:24px;color:#111827">
<p style="margin:0 0 16px">${e(common.greeting(context.recipientName))}</p>
<p style="margin:0 0 16px;font-size:16px">${e(copy.summary)}</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-top:1px solid #e5e7eb;width:100%">${facts}</table>
${notes}
<p style="margin:24px 0 0"><a href="${e(context.linkUrl)}" style="display:inline-block;background:${primary};color:${onPrimary};padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold">${e(common.action)}</a></p>
</td></tr>
<tr><td style="padding:16px 24px;background:#f9fafb;color:#6b7280;font-size:12px">
<p style="margin:0">${e(common.sentBy(brand))}</p>
<p style="margin:4px 0 0">${e(policy)} <a href="${e(context.settingsUrl)}" style="color:${primary}">${e(common.settings)}</a></p>
</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;
  const inAppText = [
    copy.summary,
    ...copy.facts.map(([label, value]) => `${label}: ${value}`),
    ...copy.notes,
  ].join('\n');
  return { subject: copy.subject, text, html, inAppText, inlineLogo: logo?.inline ?? false };
}
