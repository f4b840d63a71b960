import { Temporal } from '../time/calendar.ts';

/**
 * Where an order is. The legal transitions:
 *
 *   draft                  ─submit───────────────────▶ submitted
 *   submitted              ─credit_approval_required─▶ awaiting_approval
 *   awaiting_approval      ─approve──────────────────▶ submitted         (reject ▶ cancelled)
 *   submitted              ─relationship_required────▶ awaiting_relationship
 *   awaiting_relationship  ─relationship_accepted────▶ submitted
 *   submitted | scheduled  ─schedule(effectiveAt)────▶ scheduled
 *   scheduled              ─due (at ≥ effectiveAt)───▶ provisioning
 *   submitted              ─start_provisioning───────▶ provisioning
 *   provisioning           ─line_succeeded/failed────▶ provisioning
 *   provisioning           ─all_lines_done───────────▶ completed | partially_failed | failed
 *   draft … scheduled      ─cancel───────────────────▶ cancelled
 *
 * - `awaiting_approval`: the partner's own credit control holds the order; `approve` returns it to
 *   `submitted` (recording the approval) and `reject` cancels it.
 * - `awaiting_relationship`: the "existing tenant" pattern. Partner Center accepts no order for a
 *   customer tenant until the customer has accepted the reseller relationship, so an order for an
 *   existing tenant waits here after submission, before anything is scheduled or sent to Microsoft;
 *   `relationship_accepted` returns it to `submitted`. It sits beside `awaiting_approval`, not
 *   after `scheduled`: a scheduled order must be one we can actually place when it falls due.
 * - Both gates return to `submitted` rather than jumping ahead, so every order leaves `submitted`
 *   by one of the same three doors (schedule, start_provisioning, cancel) and the history shows
 *   each gate explicitly. Each gate is passed at most once (a second request is refused).
 * - `provisioning` cannot be cancelled: the lines are at Microsoft. Retrying failed lines is a new
 *   order; `completed`, `partially_failed`, `failed` and `cancelled` are final.
 */
export type OrderState =
  | 'draft'
  | 'submitted'
  | 'awaiting_approval'
  | 'awaiting_relationship'
  | 'scheduled'
  | 'provisioning'
  | 'completed'
  | 'partially_failed'
  | 'failed'
  | 'cancelled';

export type OrderLineStatus = 'pending' | 'succeeded' | 'failed';

export interface OrderLine {
  readonly id: string;
  readonly status: OrderLineStatus;
  readonly failureReason?: string;
}

export type OrderEvent =
  | { readonly type: 'submit'; readonly reason?: string }
  | { readonly type: 'credit_approval_required'; readonly reason?: string }
  | { readonly type: 'approve'; readonly reason?: string }
  | { readonly type: 'reject'; readonly reason: string }
  | { readonly type: 'relationship_required'; readonly reason?: string }
  | { readonly type: 'relationship_accepted'; readonly reason?: string }
  | { readonly type: 'schedule'; readonly effectiveAt: Temporal.Instant; readonly reason?: string }
  | { readonly type: 'due'; readonly reason?: string }
  | { readonly type: 'start_provisioning'; readonly reason?: string }
  | { readonly type: 'line_succeeded'; readonly lineId: string; readonly reason?: string }
  | { readonly type: 'line_failed'; readonly lineId: string; readonly reason: string }
  | { readonly type: 'all_lines_done'; readonly reason?: string }
  | { readonly type: 'cancel'; readonly reason?: string };

export type OrderEventType = OrderEvent['type'];

export interface OrderHistoryEntry {
  readonly from: OrderState;
  readonly to: OrderState;
  readonly event: OrderEventType;
  readonly at: Temporal.Instant;
  readonly reason?: string;
  readonly lineId?: string;
}

export interface Order {
  readonly id: string;
  readonly state: OrderState;
  readonly lines: readonly OrderLine[];
  /** When a scheduled order falls due (see effectiveInstant); null until scheduled. */
  readonly effectiveAt: Temporal.Instant | null;
  readonly approvedAt: Temporal.Instant | null;
  readonly relationshipAcceptedAt: Temporal.Instant | null;
  /** Every accepted transition, oldest first; entry i's `to` is entry i+1's `from`. */
  readonly history: readonly OrderHistoryEntry[];
}

export type OrderErrorCode =
  | 'illegal_order_transition'
  | 'order_has_no_lines'
  | 'order_already_approved'
  | 'relationship_already_accepted'
  | 'effective_at_not_in_future'
  | 'order_not_due'
  | 'unknown_order_line'
  | 'order_line_already_settled'
  | 'order_lines_pending'
  | 'event_before_last_transition';

/**
 * Why an event was refused. Returned (not thrown) by `transition`, since a refused event is an
 * expected outcome; it is an Error so that a caller can throw it as is. `allowedEvents` is what
 * the order accepts in its state: what is possible instead.
 */
export class OrderTransitionError extends Error {
  readonly code: OrderErrorCode;
  readonly from: OrderState;
  readonly event: OrderEventType;
  readonly allowedEvents: readonly OrderEventType[];

  constructor(code: OrderErrorCode, from: OrderState, event: OrderEventType, message: string) {
    super(message);
    this.name = 'OrderTransitionError';
    this.code = code;
    this.from = from;
    this.event = event;
    this.allowedEvents = allowedOrderEvents(from);
  }
}

export type OrderTransitionResult =
  | { readonly ok: true; readonly order: Order; readonly entry: OrderHistoryEntry }
  | { readonly ok: false; readonly error: OrderTransitionError };

type Target = OrderState | 'from_lines';

const TRANSITIONS: Readonly<Record<OrderState, Readonly<Partial<Record<OrderEventType, Target>>>>> = {
  draft: { submit: 'submitted', cancel: 'cancelled' },
  submitted: {
    credit_approval_required: 'awaiting_approval',
    relationship_required: 'awaiting_relationship',
    schedule: 'scheduled',
    start_provisioning: 'provisioning',
    cancel: 'cancelled',
  },
  awaiting_approval: { approve: 'submitted', reject: 'cancelled', cancel: 'cancelled' },
  awaiting_relationship: { relationship_accepted: 'submitted', cancel: 'cancelled' },
  // Rescheduling keeps the order scheduled with the new effective instant.
  scheduled: { schedule: 'scheduled', due: 'provisioning', cancel: 'cancelled' },
  provisioning: { line_succeeded: 'provisioning', line_failed: 'provisioning', all_lines_done: 'from_lines' },
  completed: {},
  partially_failed: {},
  failed: {},
  cancelled: {},
};

export const ORDER_STATES: readonly OrderState[] = Object.keys(TRANSITIONS) as OrderState[];

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'submit',
  'credit_approval_required',
  'approve',
  'reject',
  'relationship_required',
  'relationship_accepted',
  'schedule',
  'due',
  'start_provisioning',
  'line_succeeded',
  'line_failed',
  'all_lines_done',
  'cancel',
];

/** The events an order in `state` accepts (subject to the guards `transition` documents). */
export function allowedOrderEvents(state: OrderState): OrderEventType[] {
  const table = Object.hasOwn(TRANSITIONS, state) ? TRANSITIONS[state] : {};
  return ORDER_EVENT_TYPES.filter((type) => Object.hasOwn(table, type));
}

export function isFinalOrderState(state: OrderState): boolean {
  return allowedOrderEvents(state).length === 0;
}

/**
 * The end of provisioning, from what happened to each line: all succeeded → completed, some →
 * partially_failed, none → failed. Throws while a line is still pending.
 */
export function finalStateFromLines(
  lines: readonly OrderLine[],
): 'completed' | 'partially_failed' | 'failed' {
  if (lines.some((line) => line.status === 'pending')) {
    throw new RangeError('A line is still pending: the order has not finished provisioning');
  }
  const succeeded = lines.filter((line) => line.status === 'succeeded').length;
  if (lines.length > 0 && succeeded === lines.length) return 'completed';
  return succeeded > 0 ? 'partially_failed' : 'failed';
}

/** A new order, in draft, with one pending line per id. */
export function draftOrder(id: string, lineIds: readonly string[]): Order {
  if (typeof id !== 'string' || id === '') throw new TypeError('id must be a non-empty string');
  if (new Set(lineIds).size !== lineIds.length) throw new RangeError('line ids must be unique');
  return {
    id,
    state: 'draft',
    lines: lineIds.map((lineId) => ({ id: lineId, status: 'pending' })),
    effectiveAt: null,
    approvedAt: null,
    relationshipAcceptedAt: null,
    history: [],
  };
}

function refuse(
  code: OrderErrorCode,
  order: Order,
  event: OrderEventType,
  message: string,
): OrderTransitionResult {
  return { ok: false, error: new OrderTransitionError(code, order.state, event, message) };
}

function settleLine(
  order: Order,
  lineId: string,
  status: 'succeeded' | 'failed',
  reason?: string,
): OrderLine[] {
  return order.lines.map((line) =>
    line.id === lineId
      ? {
          id: line.id,
          status,
          ...(status === 'failed' && reason !== undefined ? { failureReason: reason } : {}),
        }
      : line,
  );
}

/**
 * Applies `event` at `at`: the order in its new state with one more history entry, or a typed
 * refusal that leaves the order as it was. Besides the table of legal transitions (see
 * OrderState), the guards are: an order needs lines to be submitted; each gate is passed once;
 * a schedule must lie after `at`; `due` not before `effectiveAt` (inclusive: due at that instant);
 * line events name a pending line; `all_lines_done` only when no line is pending; and events
 * must not be older than the last transition, so that the history stays in time order.
 */
export function transition(order: Order, event: OrderEvent, at: Temporal.Instant): OrderTransitionResult {
  if (!(at instanceof Temporal.Instant)) throw new TypeError('at must be a Temporal.Instant');
  const type = event?.type;
  const from = order.state;
  const table = Object.hasOwn(TRANSITIONS, from) ? TRANSITIONS[from] : {};
  const target = Object.hasOwn(table, type) ? table[type] : undefined;
  if (target === undefined) {
    const allowed = allowedOrderEvents(from);
    return refuse(
      'illegal_order_transition',
      order,
      type,
      `An order that is ${from} does not accept ${String(type)}` +
        (allowed.length === 0 ? ' (it is final)' : `; it accepts ${allowed.join(', ')}`),
    );
  }
  const last = order.history.at(-1);
  if (last !== undefined && Temporal.Instant.compare(at, last.at) < 0) {
    return refuse(
      'event_before_last_transition',
      order,
      type,
      `${type} at ${at} is before the last transition at ${last.at}`,
    );
  }

  let next: Order = order;
  let lineId: string | undefined;
  switch (event.type) {
    case 'submit':
      if (order.lines.length === 0)
        return refuse('order_has_no_lines', order, type, 'An order without lines cannot be submitted');
      break;
    case 'credit_approval_required':
      if (order.approvedAt !== null) {
        return refuse(
          'order_already_approved',
          order,
          type,
          `The order was already approved at ${order.approvedAt}`,
        );
      }
      break;
    case 'approve':
      next = { ...order, approvedAt: at };
      break;
    case 'relationship_required':
      if (order.relationshipAcceptedAt !== null) {
        return refuse(
          'relationship_already_accepted',
          order,
          type,
          `The customer accepted the reseller relationship at ${order.relationshipAcceptedAt}`,
        );
      }
      break;
    case 'relationship_accepted':
      next = { ...order, relationshipAcceptedAt: at };
      break;
    case 'schedule':
      if (!(event.effectiveAt instanceof Temporal.Instant))
        throw new TypeError('effectiveAt must be a Temporal.Instant');
      if (Temporal.Instant.compare(event.effectiveAt, at) <= 0) {
        return refuse(
          'effective_at_not_in_future',
          order,
          type,
          `${event.effectiveAt} is not after ${at}: provision the order now instead of scheduling it`,
        );
      }
      next = { ...order, effectiveAt: event.effectiveAt };
      break;
    case 'due':
      if (order.effectiveAt === null || Temporal.Instant.compare(at, order.effectiveAt) < 0) {
        return refuse('order_not_due', order, type, `The order is due at ${order.effectiveAt}, not at ${at}`);
      }
      break;
    case 'line_succeeded':
    case 'line_failed': {
      const line = order.lines.find((l) => l.id === event.lineId);
      if (line === undefined) {
        return refuse(
          'unknown_order_line',
          order,
          type,
          `The order has no line ${JSON.stringify(event.lineId)}`,
        );
      }
      if (line.status !== 'pending') {
        return refuse('order_line_already_settled', order, type, `Line ${line.id} already ${line.status}`);
      }
      lineId = line.id;
      const status = event.type === 'line_succeeded' ? 'succeeded' : 'failed';
      next = { ...order, lines: settleLine(order, line.id, status, event.reason) };
      break;
    }
    case 'all_lines_done': {
      const pending = order.lines.filter((line) => line.status === 'pending');
      if (pending.length > 0) {
        return refuse(
          'order_lines_pending',
          order,
          type,
          `Lines still pending: ${pending.map((line) => line.id).join(', ')}`,
        );
      }
      break;
    }
    default:
      break;
  }
  const to: OrderState = target === 'from_lines' ? finalStateFromLines(next.lines) : target;
  const entry: OrderHistoryEntry = {
    from,
    to,
    event: type,
    at,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    ...(lineId === undefined ? {} : { lineId }),
  };
  return { ok: true, order: { ...next, state: to, history: [...order.history, entry] }, entry };
}
