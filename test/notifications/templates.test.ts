import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../packages/server/src/modules/notifications/event-types.ts';
import { renderNotification } from '../../packages/server/src/modules/notifications/templates/render-notification.ts';
import { SAMPLE_DATA } from '../../packages/server/src/modules/notifications/templates/samples.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const LOCALES = ['ja', 'en', 'de'] as const;

const context = (locale: (typeof LOCALES)[number]) => ({
  locale,
  branding: { displayName: 'Reseller A Cloud', primaryColor: '#2b8a3e' },
  recipientName: 'Sora Watanabe',
  linkUrl: 'https://cspc.example/orders/1',
  settingsUrl: 'https://cspc.example/profile',
});

describe('message templates', () => {
  it.each(EVENT_TYPES.flatMap((type) => LOCALES.map((locale) => [type, locale] as const)))(
    '%s in %s renders completely',
    (type, locale) => {
      const message = renderNotification(type, SAMPLE_DATA[type], context(locale));
      for (const part of [message.subject, message.text, message.html, message.inAppText]) {
        expect(part).not.toMatch(/undefined|NaN|\[object Object\]|null/);
      }
      expect(message.subject.length).toBeGreaterThan(5);
      expect(message.html).toContain(`<html lang="${locale}">`);
      expect(message.html).toContain('background:#2b8a3e');
      expect(message.text).toContain('https://cspc.example/orders/1');
      // Japanese text in Japanese, and none in the others.
      expect(/[\u3040-\u30ff\u4e00-\u9fff]/.test(message.subject)).toBe(locale === 'ja');
    },
  );

  it('escapes whatever the data carries in HTML, and keeps it verbatim in text', () => {
    const message = renderNotification(
      'order_failed',
      { orderId: 'o-1', customerName: '<script>alert(1)</script> & Co', reason: '"quoted"' },
      { ...context('en'), branding: { displayName: 'A&B <Cloud>', primaryColor: 'red;x:y' } },
    );
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(message.html).toContain('A&amp;B &lt;Cloud&gt;');
    // A colour that is not #rrggbb never reaches the style attribute.
    expect(message.html).not.toContain('red;x:y');
    expect(message.text).toContain('<script>alert(1)</script> & Co');
  });

  it('puts dark text on light brand colours', () => {
    const light = renderNotification('invoice_issued', SAMPLE_DATA.invoice_issued, {
      ...context('en'),
      branding: { displayName: 'Pale', primaryColor: '#f8f9fa' },
    });
    expect(light.html).toContain('background:#f8f9fa;color:#111827');
    const dark = renderNotification('invoice_issued', SAMPLE_DATA.invoice_issued, context('en'));
    expect(dark.html).toContain('background:#2b8a3e;color:#ffffff');
  });

  it('formats money and dates for the reader', () => {
    const data = SAMPLE_DATA.invoice_issued;
    expect(renderNotification('invoice_issued', data, context('ja')).text).toContain('請求金額: ￥206,250');
    expect(renderNotification('invoice_issued', data, context('en')).text).toContain('Amount: ¥206,250');
    const de = renderNotification(
      'invoice_issued',
      { ...data, total: { amount: '1234.5', currency: 'EUR' } },
      context('de'),
    );
    // Intl puts a no-break space before the euro sign.
    expect(de.text).toContain('Betrag: 1.234,50\u00a0€');
    expect(de.text).toContain('Rechnungsdatum: 1. April 2026');
  });
});

describe('template preview', () => {
  let server: TestServer;
  let reseller: Caller;

  beforeAll(async () => {
    server = await startTestServer({ seed: 'demo' });
    reseller = await loginAs(server.url, 'admin@reseller-b.test');
  });
  afterAll(async () => server?.close());

  it('renders an event in the caller’s brand and the asked-for language', async () => {
    const response = await reseller.get('/api/v1/notifications/templates/renewal_notice/preview?locale=en');
    expect(response.status).toBe(200);
    const preview = await json<{
      subject: string;
      html: string;
      text: string;
      essential: boolean;
      locale: string;
    }>(response);
    expect(preview.locale).toBe('en');
    expect(preview.essential).toBe(true);
    expect(preview.subject).toBe('Renewal on June 1, 2026: Microsoft 365 Business Standard');
    expect(preview.html).toContain('Reseller B GmbH');
    expect(preview.html).toContain('#c92a2a');
    expect(preview.text).toContain('Hello Jonas Weber,');

    // Without a locale: the caller's own (German).
    const german = await json<{ subject: string }>(
      await reseller.get('/api/v1/notifications/templates/usage_spike/preview'),
    );
    expect(german.subject).toContain('Nutzungsspitze');

    const html = await reseller.get(
      '/api/v1/notifications/templates/invoice_issued/preview?locale=ja&format=html',
    );
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('【請求書発行】');
  });

  it('refuses unknown events and locales', async () => {
    expect((await reseller.get('/api/v1/notifications/templates/nope/preview')).status).toBe(400);
    expect(
      (await reseller.get('/api/v1/notifications/templates/order_failed/preview?locale=fr')).status,
    ).toBe(400);
  });
});
