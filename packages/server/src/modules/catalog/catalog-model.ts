import { createHash } from 'node:crypto';
import type { CatalogBillingCycle, CatalogTerm } from './catalog.tables.ts';

/** The vocabulary of the catalog, shared by the Microsoft catalog, own products and price rules. */
export const TERMS: readonly CatalogTerm[] = ['P1M', 'P1Y', 'P3Y', 'none'];
export const BILLING_CYCLES: readonly CatalogBillingCycle[] = [
  'monthly',
  'annual',
  'triennial',
  'one_time',
  'usage',
];

export const MICROSOFT = 'Microsoft';

/** How many billing periods a term has; null when the offer is not term-based (usage). */
export function billingPeriodsPerTerm(term: CatalogTerm, cycle: CatalogBillingCycle): number | null {
  if (cycle === 'usage') return null;
  if (cycle === 'one_time' || term === 'none') return 1;
  const termMonths = term === 'P1M' ? 1 : term === 'P1Y' ? 12 : 36;
  const cycleMonths = cycle === 'monthly' ? 1 : cycle === 'annual' ? 12 : 36;
  return Math.max(1, Math.floor(termMonths / cycleMonths));
}

/**
 * Microsoft publishes no "product family"; it is derived from the title so that a price rule can
 * target, say, every Dynamics 365 product. The longest matching prefix wins.
 */
const FAMILIES = [
  'Microsoft 365 Copilot',
  'Microsoft 365',
  'Office 365',
  'Dynamics 365',
  'Microsoft Teams',
  'Microsoft Defender',
  'Enterprise Mobility + Security',
  'Microsoft Intune',
  'Microsoft Entra',
  'Exchange Online',
  'SharePoint',
  'OneDrive',
  'Power BI',
  'Power Apps',
  'Power Automate',
  'Visio',
  'Project',
  'Windows Server',
  'Windows',
].sort((a, b) => b.length - a.length);

export function productFamilyOf(title: string, productType: string): string {
  if (productType.toLowerCase() === 'azure') return 'Azure';
  const family = FAMILIES.find((f) => title === f || title.startsWith(`${f} `));
  if (family) return family;
  return productType.toLowerCase() === 'software' ? 'Software' : 'Other online services';
}

/** A stable digest of a record: keys sorted, so the same content always hashes the same. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 32);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Plain decimal text as Microsoft and PostgreSQL write it. */
export const DECIMAL = /^\d+(?:\.\d+)?$/;

export function isTerm(value: string): value is CatalogTerm {
  return (TERMS as readonly string[]).includes(value);
}

export function isBillingCycle(value: string): value is CatalogBillingCycle {
  return (BILLING_CYCLES as readonly string[]).includes(value);
}
