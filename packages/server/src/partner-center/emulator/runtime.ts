/**
 * Live emulator context handed to every route: the persisted state plus what is derived from it and
 * never saved (catalog, rendered export blobs, caches).
 */
import { Catalog } from './catalog.ts';
import { errors } from './errors.ts';
import { guid, hex, rngFor } from './prng.ts';
import type { CustomerRec, EmulatorState, SubscriptionRec } from './state.ts';

export class Emulator {
  state: EmulatorState;
  catalog: Catalog;
  readonly blobs = new Map<string, Buffer>();
  /** Bumped on every mutation; keys derived-data caches. */
  revision = 0;
  private readonly onDirty: () => void;

  constructor(state: EmulatorState, onDirty: () => void) {
    this.state = state;
    this.catalog = new Catalog(state.seed, state.catalog);
    this.onDirty = onDirty;
  }

  replaceState(state: EmulatorState): void {
    this.state = state;
    this.blobs.clear();
    this.rebuildCatalog();
    this.markDirty();
  }

  now(): number {
    return this.state.now;
  }

  /** Deterministic GUID: the n-th id minted under this seed is always the same. */
  nextGuid(): string {
    this.state.seq += 1;
    return guid(rngFor(this.state.seed, 'id', this.state.seq));
  }

  /** Short lowercase hex id in the style of new-commerce order ids (`34b37d7340cc`). */
  nextHexId(length = 12): string {
    this.state.seq += 1;
    return hex(rngFor(this.state.seed, 'hex-id', this.state.seq), length);
  }

  rebuildCatalog(): void {
    this.catalog = new Catalog(this.state.seed, this.state.catalog);
  }

  markDirty(): void {
    this.revision += 1;
    this.onDirty();
  }

  /** Customer with a reseller relationship; an unlinked tenant answers like Partner Center does. */
  customer(id: string): CustomerRec {
    const c = this.state.customers[id.toLowerCase()];
    if (c) return c;
    if (this.state.tenants[id.toLowerCase()]) throw errors.noRelationship(this.state.partner.tenantId, id);
    throw errors.notFound(`Customer ${id} was not found.`);
  }

  subscription(customerId: string, subscriptionId: string): SubscriptionRec {
    const customer = this.customer(customerId);
    const sub = this.state.subscriptions[subscriptionId.toLowerCase()];
    if (!sub || sub.customerId !== customer.id) throw errors.subscriptionNotFound(subscriptionId);
    return sub;
  }

  subscriptionsOf(customerId: string): SubscriptionRec[] {
    return Object.values(this.state.subscriptions).filter((s) => s.customerId === customerId);
  }
}
