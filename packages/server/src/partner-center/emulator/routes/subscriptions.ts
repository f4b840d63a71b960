/**
 * Subscriptions: reads, the PATCH that carries every change (quantity, status, auto-renew,
 * nickname, scheduled next-term instructions) with If-Match, add-ons, provisioning status, NCE
 * transitions and legacy upgrades (API.md §4, RULES.md §3–§7).
 */

import { periodContaining } from '../billing.ts';
import { dateOf, midnightZ } from '../dates.ts';
import { errors, PcError } from '../errors.ts';
import { asRecord, bool, collection, header, intValue, link, ok, str } from '../http.ts';
import {
  cancel,
  cancellationAllowedUntil,
  changeQuantity,
  isTermBased,
  normaliseCycle,
  reactivate,
  refundableQuantity,
  setAutoRenew,
  setSchedule,
  suspend,
  transition,
} from '../nce-rules.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import type { ScheduledInstructions, SubscriptionRec, TransitionRec } from '../state.ts';

export function subscriptionEtag(s: SubscriptionRec): string {
  return Buffer.from(JSON.stringify({ id: s.id, version: s.version })).toString('base64');
}

function productTypeOf(s: SubscriptionRec) {
  switch (s.kind) {
    case 'nce':
      return { id: 'OnlineServicesNCE', displayName: 'OnlineServicesNCE' };
    case 'software':
      return { id: 'Software', displayName: 'Software' };
    case 'azurePlan':
      return { id: 'Azure', displayName: 'Azure' };
    default:
      return undefined;
  }
}

function isoNoMs(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function subscriptionJson(emu: Emulator, s: SubscriptionRec): Record<string, unknown> {
  const now = emu.now();
  const self = link(`/customers/${s.customerId}/subscriptions/${s.id}`);
  if (s.kind === 'legacy') {
    return {
      id: s.id,
      entitlementId: s.id,
      offerId: s.offerId,
      offerName: s.offerName,
      friendlyName: s.friendlyName,
      quantity: s.quantity,
      unitType: 'Licenses',
      ...(s.parentSubscriptionId ? { parentSubscriptionId: s.parentSubscriptionId } : {}),
      creationDate: new Date(s.createdAt).toISOString(),
      effectiveStartDate: midnightZ(s.termStartDate),
      commitmentEndDate: midnightZ(s.commitmentEndDate),
      status: s.status,
      autoRenewEnabled: s.autoRenewEnabled,
      billingType: 'license',
      billingCycle: s.billingCycle,
      partnerId: s.partnerIdOnRecord ?? '',
      contractType: 'subscription',
      links: { offer: link(`/offers/${s.offerId}?country=US`), self },
      orderId: s.orderId,
      attributes: { etag: subscriptionEtag(s), objectType: 'Subscription' },
    };
  }
  const links: Record<string, unknown> = {
    product: link(`/products/${s.productId}?country=US`),
    sku: link(`/products/${s.productId}/skus/${s.skuId}?country=US`),
    availability: link(
      `/products/${s.productId}/skus/${s.skuId}/availabilities/${s.availabilityId}?country=US`,
    ),
  };
  if (s.parentSubscriptionId)
    links.parentSubscription = link(`/customers/${s.customerId}/subscriptions/${s.parentSubscriptionId}`);
  links.self = self;
  const out: Record<string, unknown> = {
    id: s.id,
    offerId: s.offerId,
    offerName: s.offerName,
    friendlyName: s.friendlyName,
    productType: productTypeOf(s),
    quantity: s.quantity,
    unitType: s.kind === 'azurePlan' ? 'Usage-based' : 'Licenses',
    ...(s.parentSubscriptionId ? { parentSubscriptionId: s.parentSubscriptionId } : {}),
    hasPurchasableAddons: emu.catalog.skus.some((k) => k.addOnOf.includes(s.productId)),
    creationDate: new Date(s.createdAt).toISOString(),
    effectiveStartDate: new Date(s.termStartAt).toISOString(),
    commitmentEndDate: midnightZ(s.commitmentEndDate),
  };
  const until = cancellationAllowedUntil(s);
  if (until !== null) out.cancellationAllowedUntilDate = isoNoMs(until);
  if (isTermBased(s) && (s.status === 'active' || s.status === 'suspended')) {
    out.billingCycleEndDate = midnightZ(periodContaining(s, dateOf(now)).end);
  }
  out.status = s.status;
  out.autoRenewEnabled = s.autoRenewEnabled;
  if (s.scheduled) out.scheduledNextTermInstructions = s.scheduled;
  Object.assign(out, {
    isTrial: false,
    billingType: s.kind === 'azurePlan' ? 'usage' : 'license',
    billingCycle: s.billingCycle,
    termDuration: s.termDuration,
    renewalTermDuration: '',
    refundOptions: isTermBased(s)
      ? (
          emu.catalog.term(
            emu.catalog.sku(s.productId, s.skuId) ?? emu.catalog.skus[0]!,
            s.termDuration,
            s.billingCycle,
          )?.refundOptions ?? []
        ).map((o) => ({
          type: o.type,
          expiresAt: isoNoMs(s.termStartAt + Number(/^P(\d+)D$/.exec(o.expiresAfter)?.[1] ?? 0) * 86_400_000),
        }))
      : [],
    refundableQuantity: refundableQuantity(s, now),
    isMicrosoftProduct: true,
    partnerId: s.partnerIdOnRecord ?? '',
    attentionNeeded: false,
    actionTaken: false,
    contractType: 'subscription',
    links,
    publisherName: 'Microsoft Corporation',
    orderId: s.orderId,
    ...(s.promotionId ? { promotionId: s.promotionId } : {}),
    ...(s.migratedFromSubscriptionId ? { migratedFromSubscriptionId: s.migratedFromSubscriptionId } : {}),
    attributes: { etag: subscriptionEtag(s), objectType: 'Subscription' },
  });
  return out;
}

function parseSchedule(value: unknown): ScheduledInstructions {
  const v = asRecord(value);
  const p = asRecord(v.product);
  const productId = str(p.productId);
  const skuId = str(p.skuId);
  const quantity = intValue(v.quantity);
  if (!productId || !skuId || quantity === undefined) {
    throw errors.invalidInput(
      'scheduledNextTermInstructions needs product.productId, product.skuId and quantity.',
    );
  }
  return {
    product: {
      productId,
      skuId,
      availabilityId: str(p.availabilityId) ?? '',
      billingCycle: str(p.billingCycle) ?? '',
      termDuration: (str(p.termDuration) ?? '').toUpperCase(),
      ...(str(p.promotionId) ? { promotionId: str(p.promotionId) as string } : {}),
    },
    quantity,
    ...(str(v.customTermEndDate)
      ? { customTermEndDate: (str(v.customTermEndDate) as string).slice(0, 10) }
      : {}),
  };
}

function sameSchedule(a: ScheduledInstructions | null, b: ScheduledInstructions): boolean {
  if (!a) return false;
  return (
    a.product.productId.toUpperCase() === b.product.productId.toUpperCase() &&
    a.product.skuId.toUpperCase() === b.product.skuId.toUpperCase() &&
    normaliseCycle(a.product.billingCycle) === normaliseCycle(b.product.billingCycle) &&
    a.product.termDuration === b.product.termDuration &&
    a.quantity === b.quantity &&
    (a.customTermEndDate ?? '') === (b.customTermEndDate ?? '')
  );
}

/**
 * Applies a PATCH body. Clients send the full resource back, so only fields that differ from the
 * state before the request count as requested changes; an echoed schedule after an immediate change is
 * ignored because that change has just deleted it (RULES.md §5.1).
 */
function patchSubscription(emu: Emulator, s: SubscriptionRec, body: Record<string, unknown>): void {
  const before = {
    scheduled: s.scheduled,
    quantity: s.quantity,
    autoRenewEnabled: s.autoRenewEnabled,
    billingCycle: s.billingCycle,
    friendlyName: s.friendlyName,
  };
  const status = str(body.status)?.toLowerCase();
  if (status !== undefined && status !== s.status) {
    if (status === 'deleted') {
      cancel(emu, s);
      return;
    }
    if (status === 'suspended') suspend(emu, s);
    else if (status === 'active') reactivate(emu, s);
    else throw errors.cannotUpdateStatus(`Status ${status} cannot be set.`);
  }
  const quantity = intValue(body.quantity);
  if (body.quantity !== undefined && quantity === undefined)
    throw errors.invalidInput('quantity must be an integer.');
  if (quantity !== undefined && quantity !== before.quantity) changeQuantity(emu, s, quantity);
  const autoRenew = bool(body.autoRenewEnabled);
  if (autoRenew !== undefined && autoRenew !== before.autoRenewEnabled) setAutoRenew(emu, s, autoRenew);
  const cycle = normaliseCycle(str(body.billingCycle));
  if (cycle !== undefined && cycle !== before.billingCycle) {
    if (s.kind === 'legacy') {
      throw new PcError(
        400,
        2054,
        'The billing cycle for an existing subscription cannot be updated using update-subscription operation. Please use update-Order operation',
      );
    }
    throw errors.cannotUpdateBillingCycle(
      'Schedule a billing frequency change for the next term with scheduledNextTermInstructions.',
    );
  }
  const friendlyName = str(body.friendlyName);
  if (friendlyName !== undefined && friendlyName !== before.friendlyName) {
    s.friendlyName = friendlyName;
    s.version += 1;
    emu.markDirty();
  }
  if ('scheduledNextTermInstructions' in body) {
    const raw = body.scheduledNextTermInstructions;
    if (raw === null) {
      if (s.scheduled !== null) setSchedule(emu, s, null);
    } else {
      const requested = parseSchedule(raw);
      const echoOfBefore = sameSchedule(before.scheduled, requested);
      if (!echoOfBefore && !sameSchedule(s.scheduled, requested)) setSchedule(emu, s, requested);
    }
  }
}

function transitionJson(t: TransitionRec, completed: boolean): Record<string, unknown> {
  const events: Record<string, unknown>[] = [
    {
      name: 'Conversion',
      status: 'Started',
      timestamp: new Date(t.createdAt).toISOString(),
      attributes: { objectType: 'TransitionEvent' },
    },
  ];
  if (completed) {
    events.push({
      name: 'Conversion',
      status: 'Completed',
      timestamp: new Date(t.createdAt + 60_000).toISOString(),
      attributes: { objectType: 'TransitionEvent' },
    });
  }
  return {
    id: t.id,
    fromCatalogItemId: t.fromCatalogItemId,
    toCatalogItemId: t.toCatalogItemId,
    fromSubscriptionId: t.subscriptionId,
    toSubscriptionId: t.targetSubscriptionId,
    quantity: t.quantity,
    transitionType: t.transitionType,
    events,
    attributes: { objectType: 'Transition' },
  };
}

function eligibilities(emu: Emulator, s: SubscriptionRec) {
  const sku = emu.catalog.sku(s.productId, s.skuId);
  const targets = (sku?.upgrades ?? [])
    .map((key) => {
      const [p, k] = key.split(':');
      return emu.catalog.sku(p ?? '', k ?? '');
    })
    .filter(
      (t) =>
        t && emu.catalog.isAvailable(t, emu.now()) && emu.catalog.term(t, s.termDuration, s.billingCycle),
    );
  const active = s.status === 'active';
  const errorsFor = active
    ? []
    : [
        {
          code: 2,
          description:
            'Subscription cannot be transitioned because the source subscription state is not active.',
        },
      ];
  return targets.map((t) => ({
    catalogItemId: t!.catalogItemId,
    title: t!.skuTitle,
    description: t!.description,
    quantity: s.quantity,
    eligibilities: [
      { isEligible: active, transitionType: 'transition_only', errors: errorsFor },
      { isEligible: active, transitionType: 'transition_with_license_transfer', errors: errorsFor },
    ],
    attributes: { objectType: 'TransitionEligibility' },
  }));
}

function respondPatched(emu: Emulator, s: SubscriptionRec) {
  if (emu.state.settings.subscriptionPatchAccepted) {
    return { status: 202, headers: { Location: `/customers/${s.customerId}/subscriptions/${s.id}` } };
  }
  return ok(subscriptionJson(emu, s));
}

export function registerSubscriptionRoutes(router: Router, emu: Emulator): void {
  router.get('/v1/customers/:customerId/subscriptions', (ctx) => {
    const customer = emu.customer(ctx.params.customerId!);
    const orderId = ctx.query.get('order_id');
    const mpnId = ctx.query.get('mpn_id');
    const items = emu
      .subscriptionsOf(customer.id)
      .filter((s) => (!orderId || s.orderId === orderId) && (!mpnId || s.partnerIdOnRecord === mpnId))
      .map((s) => subscriptionJson(emu, s));
    return ok(collection(items, { self: link(`/customers/${customer.id}/subscriptions`) }));
  });
  router.get('/v1/customers/:customerId/subscriptions/:subscriptionId', (ctx) =>
    ok(subscriptionJson(emu, emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!))),
  );
  router.patch('/v1/customers/:customerId/subscriptions/:subscriptionId', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    const ifMatch = header(ctx.headers, 'if-match');
    if (
      ifMatch !== undefined &&
      ifMatch !== '*' &&
      ifMatch.replace(/^W\//, '').replace(/"/g, '') !== subscriptionEtag(s)
    ) {
      throw errors.etagMismatch();
    }
    patchSubscription(emu, s, asRecord(ctx.body));
    return respondPatched(emu, s);
  });
  router.get('/v1/customers/:customerId/subscriptions/:subscriptionId/addons', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    const items = emu
      .subscriptionsOf(s.customerId)
      .filter((c) => c.parentSubscriptionId === s.id)
      .map((c) => subscriptionJson(emu, c));
    return ok(collection(items));
  });
  router.get('/v1/customers/:customerId/subscriptions/:subscriptionId/provisioningstatus', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    return ok({
      skuId: s.licenseSkuId.toUpperCase(),
      status: s.status === 'pending' ? 'pending' : 'success',
      quantity: s.quantity,
      endDate: midnightZ(s.commitmentEndDate),
      attributes: { objectType: 'SubscriptionProvisioningStatus' },
    });
  });

  router.get('/v1/customers/:customerId/subscriptions/:subscriptionId/transitionEligibilities', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    const type = (ctx.query.get('eligibilityType') ?? 'immediate').toLowerCase();
    if (type !== 'immediate' && type !== 'scheduled')
      throw errors.invalidInput('eligibilityType must be immediate or scheduled.');
    return ok(collection(eligibilities(emu, s)));
  });
  router.post('/v1/customers/:customerId/subscriptions/:subscriptionId/transitions', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    const b = asRecord(ctx.body);
    const to = str(b.toCatalogItemId) ?? '';
    const type = (str(b.transitionType) ?? 'transition_only').toLowerCase();
    if (type !== 'transition_only' && type !== 'transition_with_license_transfer') {
      throw errors.invalidInput(
        'transitionType must be transition_only or transition_with_license_transfer.',
      );
    }
    const target = emu.catalog.byCatalogItemId(to);
    const eligible = eligibilities(emu, s).find((e) => e.catalogItemId.toUpperCase() === to.toUpperCase());
    if (!target || !eligible)
      throw errors.invalidInput(`${to} is not a transition target of subscription ${s.id}.`);
    const fromCatalogItemId = s.offerId;
    const result = transition(emu, s, target, intValue(b.quantity) ?? s.quantity);
    const t: TransitionRec = {
      id: emu.nextGuid(),
      customerId: s.customerId,
      subscriptionId: s.id,
      targetSubscriptionId: result.target.id,
      fromCatalogItemId,
      toCatalogItemId: target.catalogItemId,
      quantity: intValue(b.quantity) ?? result.target.quantity,
      transitionType: type,
      createdAt: emu.now(),
    };
    emu.state.transitions[t.id] = t;
    emu.markDirty();
    return ok(transitionJson(t, false));
  });
  router.get('/v1/customers/:customerId/subscriptions/:subscriptionId/transitions', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    const op = ctx.query.get('operationId');
    const items = Object.values(emu.state.transitions)
      .filter((t) => (t.subscriptionId === s.id || t.targetSubscriptionId === s.id) && (!op || t.id === op))
      .map((t) => transitionJson(t, true));
    // Microsoft's sample names the array `transition`; the standard collection keys are kept too.
    return ok(collection(items, undefined, { transition: items }));
  });

  router.get('/v1/customers/:customerId/subscriptions/:subscriptionId/upgrades', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    const sku = emu.catalog.sku(s.productId, s.skuId);
    const items =
      s.kind !== 'legacy'
        ? []
        : (sku?.upgrades ?? []).flatMap((key) => {
            const [p, k] = key.split(':');
            const t = emu.catalog.sku(p ?? '', k ?? '');
            if (!t) return [];
            const active = s.status === 'active';
            return [
              {
                targetOffer: {
                  id: t.legacyOfferId,
                  name: t.skuTitle,
                  description: t.description,
                  attributes: { objectType: 'Offer' },
                },
                upgradeType: 'upgrade_with_license_transfer',
                isEligible: active,
                quantity: s.quantity,
                upgradeErrors: active
                  ? []
                  : [
                      {
                        code: 2,
                        description:
                          'Subscription cannot be upgraded because the source subscription state is not active.  Additional Details contains the current source subscription state.',
                        attributes: { objectType: 'UpgradeError' },
                      },
                    ],
                attributes: { objectType: 'Upgrade' },
              },
            ];
          });
    return ok(collection(items));
  });
  router.post('/v1/customers/:customerId/subscriptions/:subscriptionId/upgrades', (ctx) => {
    const s = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    if (s.kind !== 'legacy') throw errors.invalidInput('Use transitions for new-commerce subscriptions.');
    const target = emu.catalog.byLegacyOfferId(str(asRecord(asRecord(ctx.body).targetOffer).id) ?? '');
    const sku = emu.catalog.sku(s.productId, s.skuId);
    if (!target || !sku?.upgrades.includes(`${target.productId}:${target.skuId}`)) {
      throw errors.invalidInput('targetOffer is not an upgrade target of this subscription.');
    }
    if (s.status !== 'active') throw errors.cannotUpdateStatus('The source subscription is not active.');
    const result = transition(emu, s, target, s.quantity);
    result.target.offerId = target.legacyOfferId;
    return ok({
      sourceSubscriptionId: s.id,
      targetSubscriptionId: result.target.id,
      upgradeType: 'upgrade_with_license_transfer',
      upgradeErrors: [],
      licenseErrors: [],
      attributes: { objectType: 'UpgradeResult' },
    });
  });
}
