/**
 * Customers, domains, the reseller relationship link, agreements (MCA attestation), customer users,
 * licences and directory roles (API.md §1, §5).
 */
import { currencyForCountry, DIRECTORY_ROLES } from '../catalog-data.ts';
import { errors, PcError } from '../errors.ts';
import {
  asRecord,
  collection,
  created,
  encodeSeekToken,
  link,
  ok,
  type RequestContext,
  seekPage,
  str,
} from '../http.ts';
import { hash32, rngFor } from '../prng.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import type { Address, CustomerRec, UserRec } from '../state.ts';

const REG_NUMBER_COUNTRIES = new Set([
  'AM',
  'AZ',
  'BY',
  'HU',
  'KZ',
  'KG',
  'MD',
  'RU',
  'TJ',
  'UZ',
  'UA',
  'BR',
  'IN',
  'ZA',
  'PL',
  'AE',
  'SA',
  'TR',
  'TH',
  'VN',
  'MM',
  'IQ',
  'SS',
  'VE',
]);

const US_STATES = new Set(
  'AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY'.split(
    ' ',
  ),
);

/** Signed 64-bit-looking decimal etag, as on billing profiles (`5920358838484612121`). */
function numericEtag(id: string, version: number): string {
  const hi = BigInt(hash32(`${id}|${version}`, 1));
  const lo = BigInt(hash32(`${id}|${version}`, 2));
  return BigInt.asIntN(64, (hi << 32n) | lo).toString();
}

function profileLinks(c: CustomerRec, kind: 'company' | 'billing') {
  return { self: link(`/customers/${c.id}/profiles/${kind}`) };
}

export function companyProfileJson(c: CustomerRec, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { tenantId: c.id, domain: c.domain };
  if (full) {
    out.companyName = c.companyName;
    out.address = {
      country: c.address.country,
      region: c.address.state ?? '',
      city: c.address.city,
      addressLine1: c.address.addressLine1,
      ...(c.address.addressLine2 ? { addressLine2: c.address.addressLine2 } : {}),
      postalCode: c.address.postalCode,
      phoneNumber: c.address.phoneNumber,
    };
    out.email = c.email;
    out.links = profileLinks(c, 'company');
  }
  out.attributes = { objectType: 'CustomerCompanyProfile' };
  return out;
}

export function billingProfileJson(c: CustomerRec, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: c.billingProfileId };
  if (full) {
    out.firstName = c.address.firstName ?? '';
    out.lastName = c.address.lastName ?? '';
  }
  Object.assign(out, {
    email: c.email,
    culture: c.culture,
    language: c.language,
    companyName: c.companyName,
    defaultAddress: {
      country: c.address.country,
      city: c.address.city,
      state: c.address.state ?? '',
      addressLine1: c.address.addressLine1,
      ...(c.address.addressLine2 ? { addressLine2: c.address.addressLine2 } : {}),
      postalCode: c.address.postalCode,
      firstName: c.address.firstName ?? '',
      lastName: c.address.lastName ?? '',
      phoneNumber: c.address.phoneNumber,
    },
  });
  if (full) out.links = profileLinks(c, 'billing');
  out.attributes = {
    etag: numericEtag(c.billingProfileId, c.billingProfileVersion),
    objectType: 'CustomerBillingProfile',
  };
  return out;
}

export function customerJson(c: CustomerRec): Record<string, unknown> {
  return {
    id: c.id,
    commerceId: c.commerceId,
    companyProfile: companyProfileJson(c, true),
    billingProfile: billingProfileJson(c, true),
    relationshipToPartner: c.relationshipToPartner,
    allowDelegatedAccess: c.allowDelegatedAccess,
    ...(c.associatedPartnerId ? { associatedPartnerId: c.associatedPartnerId } : {}),
    customDomains: [c.domain],
    links: { self: link(`/customers/${c.id}`) },
    attributes: { objectType: 'Customer' },
  };
}

function customerListItem(c: CustomerRec): Record<string, unknown> {
  return {
    id: c.id,
    companyProfile: {
      tenantId: c.id,
      domain: c.domain,
      companyName: c.companyName,
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    relationshipToPartner: c.relationshipToPartner,
    attributes: { objectType: 'Customer' },
  };
}

function domainInUse(emu: Emulator, domain: string): boolean {
  const d = domain.toLowerCase();
  return (
    Object.values(emu.state.customers).some((c) => c.domain.toLowerCase() === d) ||
    Object.values(emu.state.tenants).some((t) => t.domain.toLowerCase() === d)
  );
}

function normaliseDomain(raw: string): string {
  const d = raw.trim().toLowerCase();
  return d.includes('.') ? d : `${d}.onmicrosoft.com`;
}

function required(obj: Record<string, unknown>, key: string, path: string, problems: string[]): string {
  const v = str(obj[key]);
  if (v === undefined || v.trim() === '') {
    problems.push(`${path}.${key} is required.`);
    return '';
  }
  return v.trim();
}

function normaliseCulture(culture: string): string {
  const [lang, region] = culture.split('-');
  return region ? `${(lang ?? '').toLowerCase()}-${region.toUpperCase()}` : (lang ?? '').toLowerCase();
}

function adminPassword(emu: Emulator, id: string): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789=;.!';
  const rng = rngFor(emu.state.seed, 'admin-password', id);
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[rng() % alphabet.length];
  return out;
}

function createCustomer(emu: Emulator, body: unknown): CustomerRec {
  const b = asRecord(body);
  const company = asRecord(b.companyProfile);
  const billing = asRecord(b.billingProfile);
  const addr = asRecord(billing.defaultAddress);
  const problems: string[] = [];
  const rawDomain = required(company, 'domain', 'CompanyProfile', problems);
  const email = required(billing, 'email', 'BillingProfile', problems);
  const culture = required(billing, 'culture', 'BillingProfile', problems);
  const language = required(billing, 'language', 'BillingProfile', problems);
  const companyName = required(billing, 'companyName', 'BillingProfile', problems);
  const firstName = required(addr, 'firstName', 'BillingProfile.DefaultAddress', problems);
  const lastName = required(addr, 'lastName', 'BillingProfile.DefaultAddress', problems);
  const addressLine1 = required(addr, 'addressLine1', 'BillingProfile.DefaultAddress', problems);
  const city = required(addr, 'city', 'BillingProfile.DefaultAddress', problems);
  const postalCode = required(addr, 'postalCode', 'BillingProfile.DefaultAddress', problems);
  const country = required(addr, 'country', 'BillingProfile.DefaultAddress', problems).toUpperCase();
  if (problems.length > 0) throw errors.invalidInput(problems.join(' '));
  if (!/^[A-Z]{2}$/.test(country))
    throw errors.invalidInput('BillingProfile.DefaultAddress.Country must be an ISO 3166 alpha-2 code.');
  const state = str(addr.state)?.trim() ?? '';
  if (country === 'US') {
    if (!US_STATES.has(state.toUpperCase()))
      throw errors.invalidInput(`State ${state} is not valid for country US.`);
    if (!/^\d{5}(-\d{4})?$/.test(postalCode))
      throw errors.invalidInput(`PostalCode ${postalCode} is not valid for country US.`);
  }
  const phone = str(addr.phoneNumber)?.trim() ?? '';
  const regNumber = str(b.organizationRegistrationNumber ?? company.organizationRegistrationNumber)?.trim();
  if (REG_NUMBER_COUNTRIES.has(country)) {
    if (!regNumber) throw new PcError(400, 600049, 'Organization registration id information is missing.');
    if (!phone) throw new PcError(400, 600051, 'Customer phone number is missing.');
  } else if (regNumber) {
    throw new PcError(400, 600002, 'Organization registration id value is not supported.');
  }
  const domain = normaliseDomain(rawDomain);
  if (!/^[a-z0-9]+(\.[a-z0-9-]+)+$/.test(domain))
    throw errors.invalidInput(`Domain ${rawDomain} is not valid.`);
  if (domainInUse(emu, domain)) throw errors.domainInUse(domain);
  const id = emu.nextGuid();
  const address: Address = {
    country,
    city,
    state,
    addressLine1,
    ...(str(addr.addressLine2) ? { addressLine2: str(addr.addressLine2) as string } : {}),
    postalCode,
    firstName,
    lastName,
    phoneNumber: phone,
  };
  const customer: CustomerRec = {
    id,
    commerceId: emu.nextGuid(),
    domain,
    companyName,
    email,
    culture: normaliseCulture(culture),
    language: language.toLowerCase(),
    billingProfileId: emu.nextGuid(),
    billingProfileVersion: 1,
    address,
    relationshipToPartner: 'reseller',
    allowDelegatedAccess: true,
    createdAt: emu.now(),
    country,
    currency: currencyForCountry(country),
    adminPassword: adminPassword(emu, id),
    agreements: [],
    ...(str(b.associatedPartnerId) ? { associatedPartnerId: str(b.associatedPartnerId) as string } : {}),
    ...(regNumber ? { organizationRegistrationNumber: regNumber } : {}),
  };
  emu.state.customers[id] = customer;
  emu.markDirty();
  return customer;
}

/** Body of the create response: Microsoft returns the slim profiles and the initial admin credentials. */
function createdCustomerJson(c: CustomerRec): Record<string, unknown> {
  return {
    id: c.id,
    commerceId: c.commerceId,
    companyProfile: companyProfileJson(c, false),
    billingProfile: billingProfileJson(c, false),
    relationshipToPartner: 'none',
    ...(c.associatedPartnerId ? { associatedPartnerId: c.associatedPartnerId } : {}),
    userCredentials: { userName: 'admin', password: c.adminPassword },
    attributes: { objectType: 'Customer' },
  };
}

interface CustomerFilter {
  field: string;
  value: string;
  operator: string;
}

function parseFilter(raw: string): CustomerFilter {
  let parsed: Record<string, unknown>;
  try {
    parsed = asRecord(JSON.parse(raw));
  } catch {
    throw errors.invalidInput('filter must be a JSON object {"Field","Value","Operator"}.');
  }
  const lower: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) lower[k.toLowerCase()] = v;
  const field = str(lower.field) ?? '';
  const value = str(lower.value) ?? '';
  const operator = (str(lower.operator) ?? '').toLowerCase();
  if (
    !['companyname', 'domain', 'indirectreseller', 'indirectcloudsolutionprovider'].includes(
      field.toLowerCase(),
    )
  ) {
    throw errors.invalidInput(`Unsupported filter field ${field}.`);
  }
  if (operator !== 'starts_with')
    throw errors.invalidInput(`Unsupported filter operator ${operator}; only starts_with is supported.`);
  return { field: field.toLowerCase(), value: value.toLowerCase(), operator };
}

function matchesFilter(c: CustomerRec, f: CustomerFilter): boolean {
  switch (f.field) {
    case 'companyname':
      return c.companyName.toLowerCase().startsWith(f.value);
    case 'domain':
      return c.domain.toLowerCase().startsWith(f.value);
    default:
      return (c.associatedPartnerId ?? '').toLowerCase().startsWith(f.value);
  }
}

function listCustomers(emu: Emulator, ctx: RequestContext) {
  let all = Object.values(emu.state.customers).filter((c) => c.relationshipToPartner === 'reseller');
  const filter = ctx.query.get('filter');
  if (filter) {
    const f = parseFilter(filter);
    all = all.filter((c) => matchesFilter(c, f));
  }
  const requested = ctx.query.int('size', 500, 0);
  const page = seekPage(
    all,
    ctx,
    requested === 0 ? Math.max(all.length, 1) : requested,
    Number.MAX_SAFE_INTEGER,
  );
  const sizePart = ctx.query.get('size') !== undefined ? `size=${ctx.query.get('size')}` : '';
  const filterPart = filter ? `filter=${encodeURIComponent(filter)}` : '';
  const qs = [sizePart, filterPart].filter(Boolean).join('&');
  const self = `/v1/customers${qs ? `?${qs}` : ''}`;
  const links: Record<string, ReturnType<typeof link>> = { self: link(self) };
  const extra: Record<string, unknown> = {};
  if (page.nextOffset !== undefined) {
    const token = encodeSeekToken(page.nextOffset);
    links.next = link(`${self}${qs ? '&' : '?'}seekOperation=next`, 'GET', [
      { key: 'MS-ContinuationToken', value: token },
    ]);
    extra.continuationToken = token;
  }
  return ok(collection(page.items.map(customerListItem), links, extra));
}

export function userJson(u: UserRec, withPassword: boolean): Record<string, unknown> {
  return {
    usageLocation: u.usageLocation,
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    firstName: u.firstName,
    lastName: u.lastName,
    displayName: u.displayName,
    ...(u.immutableId ? { immutableId: u.immutableId } : {}),
    ...(withPassword
      ? { passwordProfile: { forceChangePassword: u.forceChangePassword, password: u.password } }
      : {}),
    lastDirectorySyncTime: null,
    userDomainType: 'none',
    state: 'active',
    softDeletionTime: null,
    attributes: { objectType: 'CustomerUser' },
  };
}

function customerUser(emu: Emulator, customerId: string, userId: string): UserRec {
  const c = emu.customer(customerId);
  const u = emu.state.users[userId.toLowerCase()];
  if (!u || u.customerId !== c.id) throw errors.userNotFound(userId);
  return u;
}

function createUser(emu: Emulator, customerId: string, body: unknown): UserRec {
  const c = emu.customer(customerId);
  const b = asRecord(body);
  const upn = str(b.userPrincipalName)?.trim().toLowerCase() ?? '';
  const problems: string[] = [];
  if (!upn.includes('@')) problems.push('userPrincipalName is required.');
  const displayName = str(b.displayName) ?? '';
  if (!displayName) problems.push('displayName is required.');
  const usageLocation = str(b.usageLocation) ?? '';
  if (!usageLocation) problems.push('usageLocation is required.');
  if (problems.length > 0) throw errors.invalidInput(problems.join(' '));
  const domain = upn.slice(upn.indexOf('@') + 1);
  if (domain !== c.domain.toLowerCase()) {
    throw errors.invalidInput(
      `The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization (${c.domain}).`,
    );
  }
  if (Object.values(emu.state.users).some((u) => u.userPrincipalName === upn)) {
    throw errors.invalidInput(
      'Another object with the same value for property userPrincipalName already exists.',
    );
  }
  const pw = asRecord(b.passwordProfile);
  const user: UserRec = {
    id: emu.nextGuid(),
    customerId: c.id,
    userPrincipalName: upn,
    firstName: str(b.firstName) ?? '',
    lastName: str(b.lastName) ?? '',
    displayName,
    usageLocation,
    ...(str(b.immutableId) ? { immutableId: str(b.immutableId) as string } : {}),
    password: str(pw.password) ?? adminPassword(emu, upn),
    forceChangePassword: pw.forceChangePassword !== false,
    createdAt: emu.now(),
    licenses: [],
  };
  emu.state.users[user.id] = user;
  emu.markDirty();
  return user;
}

interface SkuUnits {
  licenseSkuId: string;
  name: string;
  partNumber: string;
  plans: { displayName: string; serviceName: string; id: string }[];
  active: number;
  suspended: number;
}

function subscribedSkus(emu: Emulator, customerId: string): Map<string, SkuUnits> {
  const out = new Map<string, SkuUnits>();
  for (const s of emu.subscriptionsOf(customerId)) {
    if (s.kind === 'azurePlan' || (s.status !== 'active' && s.status !== 'suspended')) continue;
    const sku = emu.catalog.sku(s.productId, s.skuId);
    let entry = out.get(s.licenseSkuId);
    if (!entry) {
      entry = {
        licenseSkuId: s.licenseSkuId,
        name: sku?.skuTitle ?? s.offerName,
        partNumber: sku?.skuPartNumber ?? '',
        plans: sku?.servicePlans ?? [],
        active: 0,
        suspended: 0,
      };
      out.set(s.licenseSkuId, entry);
    }
    if (s.status === 'active') entry.active += s.quantity;
    else entry.suspended += s.quantity;
  }
  return out;
}

function consumed(emu: Emulator, customerId: string, licenseSkuId: string): number {
  return Object.values(emu.state.users).filter(
    (u) => u.customerId === customerId && u.licenses.includes(licenseSkuId),
  ).length;
}

function productSkuJson(e: SkuUnits) {
  return {
    id: e.licenseSkuId,
    name: e.name,
    skuPartNumber: e.partNumber,
    targetType: 'User',
    licenseGroupId: 'group1',
  };
}

function servicePlansJson(e: SkuUnits) {
  return e.plans.map((p) => ({
    displayName: p.displayName,
    serviceName: p.serviceName,
    id: p.id,
    capabilityStatus: 'Enabled',
    targetType: 'User',
  }));
}

export function registerCustomerRoutes(router: Router, emu: Emulator): void {
  router.head('/v1/domains/:domain', (ctx) => ({ status: domainInUse(emu, ctx.params.domain!) ? 200 : 404 }));
  router.get('/v1/domains/:domain', (ctx) => ({ status: domainInUse(emu, ctx.params.domain!) ? 200 : 404 }));

  router.post('/v1/customers', (ctx) => {
    const c = createCustomer(emu, ctx.body);
    return created(createdCustomerJson(c));
  });
  router.get('/v1/customers', (ctx) => listCustomers(emu, ctx));
  router.get('/v1/customers/relationshiprequests', () =>
    ok({
      url: `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${emu.state.partner.tenantId}&msppId=0&DAP=false#/BillingAccounts/partner-invitation`,
      attributes: { objectType: 'RelationshipRequest' },
    }),
  );
  router.get('/v1/customers/:customerId', (ctx) => ok(customerJson(emu.customer(ctx.params.customerId!))));
  router.patch('/v1/customers/:customerId', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const rel = str(asRecord(ctx.body).relationshipToPartner);
    if (rel !== undefined) {
      if (rel.toLowerCase() !== 'none')
        throw errors.invalidInput('Only relationshipToPartner "none" can be set.');
      if (emu.subscriptionsOf(c.id).some((s) => s.status === 'active')) {
        throw new PcError(400, 800002, 'Invalid request input', [
          'Cancel or suspend all active subscriptions before removing the relationship.',
        ]);
      }
      c.relationshipToPartner = 'none';
      c.allowDelegatedAccess = false;
      emu.markDirty();
    }
    return ok(customerJson(c));
  });
  router.delete('/v1/customers/:customerId', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    for (const s of emu.subscriptionsOf(c.id)) delete emu.state.subscriptions[s.id];
    for (const u of Object.values(emu.state.users)) if (u.customerId === c.id) delete emu.state.users[u.id];
    delete emu.state.customers[c.id];
    emu.markDirty();
    return { status: 204 };
  });
  router.get('/v1/customers/:customerId/profiles/company', (ctx) =>
    ok(companyProfileJson(emu.customer(ctx.params.customerId!), true)),
  );
  router.get('/v1/customers/:customerId/profiles/billing', (ctx) =>
    ok(billingProfileJson(emu.customer(ctx.params.customerId!), true)),
  );
  router.put('/v1/customers/:customerId/profiles/billing', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const b = asRecord(ctx.body);
    const etag = str(asRecord(b.attributes).etag);
    if (etag !== undefined && etag !== numericEtag(c.billingProfileId, c.billingProfileVersion))
      throw errors.etagMismatch();
    if (str(b.email)) c.email = str(b.email) as string;
    if (str(b.companyName)) c.companyName = str(b.companyName) as string;
    const addr = asRecord(b.defaultAddress);
    for (const k of [
      'city',
      'state',
      'addressLine1',
      'addressLine2',
      'postalCode',
      'firstName',
      'lastName',
      'phoneNumber',
    ] as const) {
      const v = str(addr[k]);
      if (v !== undefined) c.address[k] = v;
    }
    c.billingProfileVersion += 1;
    emu.markDirty();
    return ok(billingProfileJson(c, true));
  });

  router.post('/v1/customers/:customerId/agreements', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const b = asRecord(ctx.body);
    const type = str(b.type) ?? 'MicrosoftCustomerAgreement';
    if (c.agreements.some((a) => a.type.toLowerCase() === type.toLowerCase())) throw errors.agreementExists();
    const agreement = {
      userId: emu.nextGuid(),
      primaryContact: asRecord(b.primaryContact),
      templateId: str(b.templateId) ?? '117a77b0-9360-443b-8795-c6dedc750cf9',
      dateAgreed: str(b.dateAgreed) ?? new Date(emu.now()).toISOString(),
      type,
    };
    c.agreements.push(agreement);
    emu.markDirty();
    return created(agreement);
  });
  router.get('/v1/customers/:customerId/agreements', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    return ok(collection(c.agreements.map((a) => ({ ...a, attributes: { objectType: 'Agreement' } }))));
  });
  router.get('/v1/agreements', () =>
    ok(
      collection([
        {
          templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
          agreementType: 'MicrosoftCustomerAgreement',
          agreementLink: 'https://aka.ms/customeragreement',
          versionRank: 0,
          attributes: { objectType: 'AgreementMetaData' },
        },
      ]),
    ),
  );

  router.post('/v1/customers/:customerId/users', (ctx) =>
    ok(userJson(createUser(emu, ctx.params.customerId!, ctx.body), true)),
  );
  router.get('/v1/customers/:customerId/users', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const all = Object.values(emu.state.users).filter((u) => u.customerId === c.id);
    const page = seekPage(all, ctx, 500, 500);
    const links: Record<string, ReturnType<typeof link>> = { self: link(`/customers/${c.id}/users`) };
    if (page.nextOffset !== undefined) {
      links.next = link(`/customers/${c.id}/users?seekOperation=Next`, 'GET', [
        { key: 'MS-ContinuationToken', value: encodeSeekToken(page.nextOffset) },
      ]);
    }
    return ok(
      collection(
        page.items.map((u) => userJson(u, false)),
        links,
      ),
    );
  });
  router.get('/v1/customers/:customerId/users/:userId', (ctx) =>
    ok(userJson(customerUser(emu, ctx.params.customerId!, ctx.params.userId!), false)),
  );
  router.patch('/v1/customers/:customerId/users/:userId', (ctx) => {
    const u = customerUser(emu, ctx.params.customerId!, ctx.params.userId!);
    const b = asRecord(ctx.body);
    for (const k of ['firstName', 'lastName', 'displayName', 'usageLocation'] as const) {
      const v = str(b[k]);
      if (v !== undefined) u[k] = v;
    }
    emu.markDirty();
    return ok(userJson(u, false));
  });
  router.delete('/v1/customers/:customerId/users/:userId', (ctx) => {
    const u = customerUser(emu, ctx.params.customerId!, ctx.params.userId!);
    delete emu.state.users[u.id];
    emu.state.roleMembers = emu.state.roleMembers.filter((m) => m.userId !== u.id);
    emu.markDirty();
    return { status: 204 };
  });

  router.get('/v1/customers/:customerId/subscribedskus', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const items = [...subscribedSkus(emu, c.id).values()].map((e) => {
      const used = consumed(emu, c.id, e.licenseSkuId);
      return {
        availableUnits: Math.max(0, e.active - used),
        activeUnits: e.active,
        consumedUnits: used,
        suspendedUnits: e.suspended,
        totalUnits: e.active + e.suspended,
        warningUnits: 0,
        productSku: productSkuJson(e),
        servicePlans: servicePlansJson(e),
        capabilityStatus: 'Enabled',
        attributes: { objectType: 'SubscribedSku' },
      };
    });
    return ok(collection(items));
  });
  router.post('/v1/customers/:customerId/users/:userId/licenseupdates', (ctx) => {
    const u = customerUser(emu, ctx.params.customerId!, ctx.params.userId!);
    const b = asRecord(ctx.body);
    const assign = Array.isArray(b.licensesToAssign) ? b.licensesToAssign.map(asRecord) : [];
    const remove = Array.isArray(b.licensesToRemove) ? b.licensesToRemove : [];
    const skus = subscribedSkus(emu, u.customerId);
    for (const r of remove) {
      const id = (str(r) ?? str(asRecord(r).skuId) ?? '').toLowerCase();
      u.licenses = u.licenses.filter((l) => l !== id);
    }
    const assigned: { skuId: string }[] = [];
    for (const a of assign) {
      const skuId = (str(a.skuId) ?? '').toLowerCase();
      if (u.licenses.includes(skuId)) {
        assigned.push({ skuId });
        continue;
      }
      const entry = skus.get(skuId);
      if (!entry || entry.active - consumed(emu, u.customerId, skuId) <= 0)
        throw errors.licensesExhausted(u.customerId, skuId);
      u.licenses.push(skuId);
      assigned.push({ skuId });
    }
    emu.markDirty();
    return created({
      licensesToAssign: assigned,
      licenseWarnings: [],
      attributes: { objectType: 'LicenseUpdate' },
    });
  });
  router.get('/v1/customers/:customerId/users/:userId/licenses', (ctx) => {
    const u = customerUser(emu, ctx.params.customerId!, ctx.params.userId!);
    const skus = subscribedSkus(emu, u.customerId);
    const items = u.licenses.map((id) => {
      const e = skus.get(id) ?? {
        licenseSkuId: id,
        name: '',
        partNumber: '',
        plans: [],
        active: 0,
        suspended: 0,
      };
      return {
        productSku: productSkuJson(e),
        servicePlans: servicePlansJson(e),
        attributes: { objectType: 'License' },
      };
    });
    return ok(collection(items));
  });

  router.get('/v1/customers/:customerId/directoryroles', (ctx) => {
    emu.customer(ctx.params.customerId!);
    return ok(
      collection(DIRECTORY_ROLES.map((r) => ({ ...r, attributes: { objectType: 'DirectoryRole' } }))),
    );
  });
  router.get('/v1/customers/:customerId/directoryroles/:roleId/usermembers', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const roleId = directoryRole(ctx.params.roleId!).id;
    const items = emu.state.roleMembers
      .filter((m) => m.customerId === c.id && m.roleId === roleId)
      .map((m) => memberJson(emu.state.users[m.userId], roleId));
    return ok(collection(items));
  });
  router.post('/v1/customers/:customerId/directoryroles/:roleId/usermembers', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const roleId = directoryRole(ctx.params.roleId!).id;
    const userId = str(asRecord(ctx.body).id) ?? '';
    const u = customerUser(emu, c.id, userId);
    if (!emu.state.roleMembers.some((m) => m.userId === u.id && m.roleId === roleId)) {
      emu.state.roleMembers.push({ customerId: c.id, roleId, userId: u.id });
      emu.markDirty();
    }
    return created(memberJson(u, roleId));
  });
  router.delete('/v1/customers/:customerId/directoryroles/:roleId/usermembers/:userId', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    const roleId = directoryRole(ctx.params.roleId!).id;
    const before = emu.state.roleMembers.length;
    emu.state.roleMembers = emu.state.roleMembers.filter(
      (m) => !(m.customerId === c.id && m.roleId === roleId && m.userId === ctx.params.userId!.toLowerCase()),
    );
    if (emu.state.roleMembers.length === before) throw errors.userNotFound(ctx.params.userId!);
    emu.markDirty();
    return { status: 204 };
  });
}

function directoryRole(id: string) {
  const role = DIRECTORY_ROLES.find((r) => r.id === id.toLowerCase());
  if (!role) throw errors.notFound(`Directory role ${id} was not found.`);
  return role;
}

function memberJson(u: UserRec | undefined, roleId: string): Record<string, unknown> {
  return {
    id: u?.id ?? '',
    displayName: u?.displayName ?? '',
    userPrincipalName: u?.userPrincipalName ?? '',
    roleId,
    attributes: { objectType: 'UserMember' },
  };
}

/** Admin side of the relationship link: the customer's global admin accepted it. */
export function acceptRelationship(emu: Emulator, idOrDomain: string): CustomerRec {
  const key = idOrDomain.toLowerCase();
  const existing =
    emu.state.customers[key] ?? Object.values(emu.state.customers).find((c) => c.domain === key);
  if (existing) {
    existing.relationshipToPartner = 'reseller';
    emu.markDirty();
    return existing;
  }
  const tenant = emu.state.tenants[key] ?? Object.values(emu.state.tenants).find((t) => t.domain === key);
  if (!tenant) throw errors.tenantNotFound(idOrDomain);
  delete emu.state.tenants[tenant.id];
  const customer: CustomerRec = {
    id: tenant.id,
    commerceId: emu.nextGuid(),
    domain: tenant.domain,
    companyName: tenant.companyName,
    email: tenant.email,
    culture: tenant.country === 'JP' ? 'ja-JP' : tenant.country === 'DE' ? 'de-DE' : 'en-US',
    language: tenant.country === 'JP' ? 'ja' : tenant.country === 'DE' ? 'de' : 'en',
    billingProfileId: emu.nextGuid(),
    billingProfileVersion: 1,
    address: {
      country: tenant.country,
      city: tenant.city,
      state: tenant.state,
      addressLine1: tenant.addressLine1,
      postalCode: tenant.postalCode,
      firstName: 'Global',
      lastName: 'Administrator',
      phoneNumber: '',
    },
    relationshipToPartner: 'reseller',
    allowDelegatedAccess: false,
    createdAt: emu.now(),
    country: tenant.country,
    currency: currencyForCountry(tenant.country),
    adminPassword: '',
    agreements: [],
    linkedFromTenant: true,
  };
  emu.state.customers[customer.id] = customer;
  emu.markDirty();
  return customer;
}
