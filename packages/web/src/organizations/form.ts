import { isApiError } from '../api/client';
import type { Branding, Locale, Organization, Role } from '../api/types';
import { LOCALES } from '../api/types';
import type { CreateOrganizationBody, UpdateOrganizationBody } from './api';

// Pure helpers of the organisation forms: form values ⇄ API bodies, client-side checks that mirror
// the server's (packages/server/src/modules/organizations/organization-input.ts), and the mapping of
// the server's field-level 400 details back onto the form's fields.

export const ORG_FIELDS = [
  'name',
  'country',
  'currency',
  'timeZone',
  'locale',
  'tenantId',
  'domains',
] as const;
export type OrgField = (typeof ORG_FIELDS)[number];

export const BRANDING_FIELDS = ['displayName', 'logoUrl', 'primaryColor', 'accentColor'] as const;
export type BrandingField = (typeof BRANDING_FIELDS)[number];

export interface OrgFormValues {
  name: string;
  country: string;
  currency: string;
  timeZone: string;
  locale: Locale;
  tenantId: string;
  domains: string[];
}

type OrgDefaults = Pick<Organization, 'country' | 'currency' | 'timeZone' | 'locale'>;

const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** A new organisation starts with its parent's country, currency, time zone and language. */
export function newOrgForm(parent: OrgDefaults): OrgFormValues {
  return {
    name: '',
    country: parent.country,
    currency: parent.currency,
    timeZone: parent.timeZone,
    locale: isLocale(parent.locale) ? parent.locale : 'en',
    tenantId: '',
    domains: [],
  };
}

export function orgFormOf(org: Organization): OrgFormValues {
  return {
    ...newOrgForm(org),
    name: org.name,
    tenantId: org.tenantId ?? '',
    domains: [...org.domains],
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const normaliseDomains = (domains: string[]): string[] => [
  ...new Set(domains.map((d) => d.trim().toLowerCase()).filter(Boolean)),
];

/** Checks before sending, so obvious mistakes show at once; the server checks the same again. */
export function checkOrgForm(values: OrgFormValues, kind: Organization['kind']): OrgField[] {
  const problems: OrgField[] = [];
  if (!values.name.trim() || values.name.trim().length > 200) problems.push('name');
  if (!/^[A-Z]{2}$/.test(values.country)) problems.push('country');
  if (!/^[A-Z]{3}$/.test(values.currency)) problems.push('currency');
  if (!values.timeZone) problems.push('timeZone');
  if (kind === 'customer') {
    if (values.tenantId.trim() && !UUID.test(values.tenantId.trim())) problems.push('tenantId');
    if (normaliseDomains(values.domains).some((d) => !DOMAIN.test(d))) problems.push('domains');
  }
  return problems;
}

function tenantAndDomains(values: OrgFormValues) {
  return {
    tenantId: values.tenantId.trim().toLowerCase() || null,
    domains: normaliseDomains(values.domains),
  };
}

export function toCreateBody(
  parentId: string,
  kind: 'reseller' | 'customer',
  values: OrgFormValues,
): CreateOrganizationBody {
  const body: CreateOrganizationBody = {
    parentId,
    kind,
    name: values.name.trim(),
    country: values.country,
    currency: values.currency,
    timeZone: values.timeZone,
    locale: values.locale,
  };
  // Tenant and domains identify a customer's Microsoft tenant; partners have none.
  if (kind === 'customer') {
    const { tenantId, domains } = tenantAndDomains(values);
    if (tenantId) body.tenantId = tenantId;
    if (domains.length > 0) body.domains = domains;
  }
  return body;
}

/** Only what changed, so an edit does not rewrite fields someone else may be changing. */
export function toUpdateBody(org: Organization, values: OrgFormValues): UpdateOrganizationBody {
  const body: UpdateOrganizationBody = {};
  const name = values.name.trim();
  if (name !== org.name) body.name = name;
  if (values.country !== org.country) body.country = values.country;
  if (values.currency !== org.currency) body.currency = values.currency;
  if (values.timeZone !== org.timeZone) body.timeZone = values.timeZone;
  if (values.locale !== org.locale) body.locale = values.locale;
  if (org.kind === 'customer') {
    const { tenantId, domains } = tenantAndDomains(values);
    if (tenantId !== (org.tenantId ?? null)) body.tenantId = tenantId;
    if (domains.join('\n') !== org.domains.join('\n')) body.domains = domains;
  }
  return body;
}

/**
 * The fields a 400 answer names. Schema errors name them `body/branding.primaryColor` or
 * `body/domains.0`, the server's own checks `branding.primaryColor`; both map to the form's field.
 */
export function fieldsOfError<F extends string>(error: unknown, fields: readonly F[]): F[] {
  if (!isApiError(error) || !Array.isArray(error.details)) return [];
  const found = new Set<F>();
  for (const detail of error.details as unknown[]) {
    const raw = (detail as { field?: unknown })?.field;
    if (typeof raw !== 'string') continue;
    const path = raw.replace(/^body\//, '').split('.');
    const name = (path[0] === 'branding' ? path[1] : path[0]) ?? '';
    if ((fields as readonly string[]).includes(name)) found.add(name as F);
  }
  return [...found];
}

/* ---------------------------------------------------------------- branding */

export interface BrandingValues {
  displayName: string;
  logoUrl: string;
  primaryColor: string;
  accentColor: string;
}

/** The server stores at most 200,000 characters of logo; 140 KiB of image fits as base64. */
export const MAX_LOGO_BYTES = 140 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;

export const brandingFormOf = (branding: Branding): BrandingValues => ({
  displayName: branding.displayName ?? '',
  logoUrl: branding.logoUrl ?? '',
  primaryColor: branding.primaryColor ?? '',
  accentColor: branding.accentColor ?? '',
});

export const isHexColour = (value: string): boolean => /^#[0-9a-f]{6}$/i.test(value);

/** "1C5FD4", "#1c5fd4" and "#15d" all become "#1c5fd4"; anything else is returned as typed. */
export function normaliseColour(input: string): string {
  const value = input.trim().toLowerCase();
  const hex = value.startsWith('#') ? value.slice(1) : value;
  if (/^[0-9a-f]{6}$/.test(hex)) return `#${hex}`;
  if (/^[0-9a-f]{3}$/.test(hex)) return `#${[...hex].map((c) => c + c).join('')}`;
  return input.trim();
}

export const isLogoUrl = (value: string): boolean =>
  /^https:\/\/[^\s]+$/.test(value) || /^data:image\/(png|svg\+xml|jpeg);base64,[A-Za-z0-9+/=]+$/.test(value);

export type LogoFileProblem = 'logoType' | 'logoSize';

export function logoFileProblem(file: { type: string; size: number }): LogoFileProblem | null {
  if (!(LOGO_TYPES as readonly string[]).includes(file.type)) return 'logoType';
  if (file.size > MAX_LOGO_BYTES) return 'logoSize';
  return null;
}

export function checkBranding(values: BrandingValues): BrandingField[] {
  const problems: BrandingField[] = [];
  if (values.displayName.trim().length > 200) problems.push('displayName');
  if (values.logoUrl && !isLogoUrl(values.logoUrl)) problems.push('logoUrl');
  if (values.primaryColor && !isHexColour(values.primaryColor)) problems.push('primaryColor');
  if (values.accentColor && !isHexColour(values.accentColor)) problems.push('accentColor');
  return problems;
}

/** The whole branding object (the API replaces it): empty fields are left out, i.e. fall back. */
export function toBranding(values: BrandingValues): Branding {
  const branding: Branding = {};
  if (values.displayName.trim()) branding.displayName = values.displayName.trim();
  if (values.logoUrl) branding.logoUrl = values.logoUrl;
  if (values.primaryColor) branding.primaryColor = values.primaryColor.toLowerCase();
  if (values.accentColor) branding.accentColor = values.accentColor.toLowerCase();
  return branding;
}

/**
 * Black or white text on the colour, decided as the console's theme does (Mantine's autoContrast:
 * black above a relative luminance of 0.3), so the preview matches what users will see.
 */
export function readableTextOn(hex: string): '#000000' | '#ffffff' {
  if (!isHexColour(hex)) return '#ffffff';
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.3 ? '#000000' : '#ffffff';
}

/* ---------------------------------------------------------------- users */

export const PARTNER_ROLES = ['admin', 'sales', 'billing', 'readonly'] as const satisfies readonly Role[];
export const CUSTOMER_ROLES = ['customer_admin', 'customer_user'] as const satisfies readonly Role[];

/**
 * The roles the caller may hand out in an organisation of this kind (the server's
 * roleFitsOrganization × canGrantRole): customers take customer roles, partners partner roles;
 * partner administrators grant any, customer administrators customer roles only.
 */
export function grantableRoles(granter: Role, kind: Organization['kind']): Role[] {
  const fitting: readonly Role[] = kind === 'customer' ? CUSTOMER_ROLES : PARTNER_ROLES;
  if (granter === 'admin') return [...fitting];
  if (granter === 'customer_admin')
    return fitting.filter((r) => (CUSTOMER_ROLES as readonly Role[]).includes(r));
  return [];
}

export interface UserFormValues {
  email: string;
  name: string;
  role: Role | null;
  locale: Locale;
}

export type UserField = 'email' | 'name' | 'role';

export function checkUserForm(values: UserFormValues): UserField[] {
  const problems: UserField[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim()) || values.email.trim().length > 254)
    problems.push('email');
  if (!values.name.trim() || values.name.trim().length > 200) problems.push('name');
  if (!values.role) problems.push('role');
  return problems;
}
