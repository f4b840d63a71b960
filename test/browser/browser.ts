import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

export type Locale = 'ja' | 'en' | 'de';

const WEB_DIST = fileURLToPath(new URL('../../packages/web/dist/index.html', import.meta.url));
const LOCALES_DIR = new URL('../../packages/web/src/i18n/', import.meta.url);

/** The server serves whatever packages/web/dist holds; without a build the tests would see 404s. */
export function assertWebBuilt(): void {
  if (!existsSync(WEB_DIST)) {
    throw new Error(
      'packages/web/dist is missing: run `npm run build` (npm test does) before the browser tests.',
    );
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A fresh context per test: no cookies or localStorage leak from one scenario into the next. */
export function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, locale: 'en-US', viewport: { width: 1280, height: 800 } });
}

type Messages = { [key: string]: string | Messages };

function flatten(tree: Messages, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else flatten(value, path, out);
  }
  return out;
}

const cache = new Map<Locale, Map<string, string>>();

/** The app's own translation, so tests assert on what users read without copying strings. */
export function text(locale: Locale, key: string): string {
  let messages = cache.get(locale);
  if (!messages) {
    messages = flatten(JSON.parse(readFileSync(new URL(`${locale}.json`, LOCALES_DIR), 'utf8')) as Messages);
    cache.set(locale, messages);
  }
  const value = messages.get(key);
  if (value === undefined) throw new Error(`No ${locale} text for ${key}`);
  return value;
}

export function translationKeys(): string[] {
  text('en', 'app.productName');
  return [...cache.get('en')!.keys()];
}

const LOCALES: Locale[] = ['ja', 'en', 'de'];

/** The language switch, whatever language the page is in right now. */
export function languageSelect(page: Page): Locator {
  const names = LOCALES.map((locale) => text(locale, 'common.language'));
  return page.getByRole('combobox', { name: new RegExp(`^(${names.join('|')})$`) }).first();
}

/** What a person sees in the element (innerText: rendered text only, no hidden nodes or styles). */
export async function readText(locator: Locator): Promise<string> {
  return (await locator.allInnerTexts()).join('\n');
}

export async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

export async function waitForLocale(page: Page, locale: Locale): Promise<void> {
  await page.locator(`html[lang="${locale}"]`).waitFor({ state: 'attached', timeout: 15_000 });
}

/**
 * Signs in through the login form. Picking the language there is an explicit choice that the app
 * saves to the profile, so the session that follows is in that language whatever the seed says.
 */
export async function signIn(page: Page, email: string, locale: Locale, password = 'demo'): Promise<void> {
  await page.goto('/login');
  await languageSelect(page).selectOption(locale);
  await waitForLocale(page, locale);
  await page.getByRole('textbox', { name: text(locale, 'auth.email'), exact: true }).fill(email);
  const passwordField = page.getByRole('textbox', { name: text(locale, 'auth.password'), exact: true });
  await passwordField.fill(password);
  await passwordField.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
  // The URL changes a moment before the console replaces the login form; wait for the console itself.
  await page.getByTestId('brand-name').waitFor({ state: 'visible', timeout: 20_000 });
  await waitForLocale(page, locale);
}
