import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Temporal } from '../time/calendar.ts';
import {
  allowedOrderEvents,
  draftOrder,
  finalStateFromLines,
  isFinalOrderState,
  ORDER_STATES,
  type Order,
  type OrderEvent,
  type OrderState,
  OrderTransitionError,
  type OrderTransitionResult,
  transition,
} from './order.ts';

const T0 = Temporal.Instant.from('2026-10-20T00:00:00Z');
const EFFECTIVE = Temporal.Instant.from('2026-10-31T15:00:00Z'); // 2026-11-01 00:00 in Tokyo

function ok(result: OrderTransitionResult): Order {
  if (!result.ok) expect.fail(`refused: ${result.error.code}: ${result.error.message}`);
  return result.order;
}

/** Runs events one minute apart, after the last transition (or T0); fails on the first refusal. */
function run(events: readonly OrderEvent[], order: Order = draftOrder('o-1', ['a', 'b'])): Order {
  let current = order;
  for (const event of events) {
    const at = (current.history.at(-1)?.at ?? T0).add({ minutes: 1 });
    current = ok(transition(current, event, at));
  }
  return current;
}

const states = (order: Order) => [order.history[0]?.from, ...order.history.map((h) => h.to)];

const submit: OrderEvent = { type: 'submit' };
const start: OrderEvent = { type: 'start_provisioning' };
const done: OrderEvent = { type: 'all_lines_done' };
const okLine = (lineId: string): OrderEvent => ({ type: 'line_succeeded', lineId });
const failLine = (lineId: string): OrderEvent => ({
  type: 'line_failed',
  lineId,
  reason: 'Partner Center 800066',
});

describe('order state machine: legal paths', () => {
  const paths: { label: string; events: OrderEvent[]; states: OrderState[] }[] = [
    {
      label: 'immediate, all lines succeed',
      events: [submit, start, okLine('a'), okLine('b'), done],
      states: ['draft', 'submitted', 'provisioning', 'provisioning', 'provisioning', 'completed'],
    },
    {
      label: 'immediate, one line fails',
      events: [submit, start, okLine('a'), failLine('b'), done],
      states: ['draft', 'submitted', 'provisioning', 'provisioning', 'provisioning', 'partially_failed'],
    },
    {
      label: 'immediate, every line fails',
      events: [submit, start, failLine('b'), failLine('a'), done],
      states: ['draft', 'submitted', 'provisioning', 'provisioning', 'provisioning', 'failed'],
    },
    {
      label: 'credit approval, then scheduled for the 1st',
      events: [
        submit,
        { type: 'credit_approval_required', reason: 'over credit limit' },
        { type: 'approve', reason: 'approved by finance' },
        { type: 'schedule', effectiveAt: EFFECTIVE },
      ],
      states: ['draft', 'submitted', 'awaiting_approval', 'submitted', 'scheduled'],
    },
    {
      label: 'existing tenant waits for the reseller relationship',
      events: [submit, { type: 'relationship_required' }, { type: 'relationship_accepted' }, start],
      states: ['draft', 'submitted', 'awaiting_relationship', 'submitted', 'provisioning'],
    },
    {
      label: 'both gates, then provisioning',
      events: [
        submit,
        { type: 'relationship_required' },
        { type: 'relationship_accepted' },
        { type: 'credit_approval_required' },
        { type: 'approve' },
        start,
        okLine('a'),
        okLine('b'),
        done,
      ],
      states: [
        'draft',
        'submitted',
        'awaiting_relationship',
        'submitted',
        'awaiting_approval',
        'submitted',
        'provisioning',
        'provisioning',
        'provisioning',
        'completed',
      ],
    },
    {
      label: 'credit rejected',
      events: [
        submit,
        { type: 'credit_approval_required' },
        { type: 'reject', reason: 'credit limit exceeded' },
      ],
      states: ['draft', 'submitted', 'awaiting_approval', 'cancelled'],
    },
    { label: 'cancel a draft', events: [{ type: 'cancel' }], states: ['draft', 'cancelled'] },
    {
      label: 'cancel when submitted',
      events: [submit, { type: 'cancel' }],
      states: ['draft', 'submitted', 'cancelled'],
    },
    {
      label: 'cancel while waiting for the relationship',
      events: [
        submit,
        { type: 'relationship_required' },
        { type: 'cancel', reason: 'customer never accepted' },
      ],
      states: ['draft', 'submitted', 'awaiting_relationship', 'cancelled'],
    },
    {
      label: 'cancel while awaiting approval',
      events: [submit, { type: 'credit_approval_required' }, { type: 'cancel' }],
      states: ['draft', 'submitted', 'awaiting_approval', 'cancelled'],
    },
    {
      label: 'cancel a scheduled order',
      events: [submit, { type: 'schedule', effectiveAt: EFFECTIVE }, { type: 'cancel' }],
      states: ['draft', 'submitted', 'scheduled', 'cancelled'],
    },
    {
      label: 'reschedule',
      events: [
        submit,
        { type: 'schedule', effectiveAt: EFFECTIVE },
        { type: 'schedule', effectiveAt: EFFECTIVE.add({ hours: 24 }) },
      ],
      states: ['draft', 'submitted', 'scheduled', 'scheduled'],
    },
  ];
  for (const p of paths) {
    it(p.label, () => {
      const order = run(p.events);
      expect(states(order)).toEqual(p.states);
      expect(order.state).toBe(p.states.at(-1));
      expect(order.history.map((h) => h.event)).toEqual(p.events.map((e) => e.type));
    });
  }

  it('a scheduled order falls due at its effective instant, not a nanosecond before', () => {
    const scheduled = run([submit, { type: 'schedule', effectiveAt: EFFECTIVE }]);
    expect(scheduled.effectiveAt?.toString()).toBe('2026-10-31T15:00:00Z');
    const early = transition(scheduled, { type: 'due' }, EFFECTIVE.subtract({ nanoseconds: 1 }));
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.code).toBe('order_not_due');
    const due = ok(transition(scheduled, { type: 'due' }, EFFECTIVE));
    expect(due.state).toBe('provisioning');
    const completed = run([okLine('a'), okLine('b'), done], due);
    expect(completed.state).toBe('completed');
  });

  it('records reasons, line ids, line outcomes and gate times', () => {
    const order = run([
      submit,
      { type: 'credit_approval_required' },
      { type: 'approve', reason: 'ok' },
      start,
      failLine('a'),
    ]);
    expect(order.history.at(-1)).toEqual({
      from: 'provisioning',
      to: 'provisioning',
      event: 'line_failed',
      at: order.history.at(-1)!.at,
      reason: 'Partner Center 800066',
      lineId: 'a',
    });
    expect(order.lines).toEqual([
      { id: 'a', status: 'failed', failureReason: 'Partner Center 800066' },
      { id: 'b', status: 'pending' },
    ]);
    expect(order.approvedAt?.toString()).toBe('2026-10-20T00:03:00Z');
    expect(order.history[2]?.reason).toBe('ok');
  });
});

describe('order state machine: refusals', () => {
  const submitted = run([submit]);
  const provisioning = run([submit, start]);
  const completed = run([okLine('a'), okLine('b'), done], provisioning);
  const cases: { label: string; order: Order; event: OrderEvent; code: string; allowed?: string[] }[] = [
    {
      label: 'approve a draft',
      order: draftOrder('o', ['a']),
      event: { type: 'approve' },
      code: 'illegal_order_transition',
      allowed: ['submit', 'cancel'],
    },
    {
      label: 'cancel while provisioning',
      order: provisioning,
      event: { type: 'cancel' },
      code: 'illegal_order_transition',
    },
    {
      label: 'cancel a completed order',
      order: completed,
      event: { type: 'cancel' },
      code: 'illegal_order_transition',
      allowed: [],
    },
    {
      label: 'due when not scheduled',
      order: submitted,
      event: { type: 'due' },
      code: 'illegal_order_transition',
    },
    { label: 'finish a draft', order: draftOrder('o', ['a']), event: done, code: 'illegal_order_transition' },
    { label: 'submit twice', order: submitted, event: submit, code: 'illegal_order_transition' },
    {
      label: 'provision a scheduled order early',
      order: run([submit, { type: 'schedule', effectiveAt: EFFECTIVE }]),
      event: start,
      code: 'illegal_order_transition',
      allowed: ['schedule', 'due', 'cancel'],
    },
    {
      label: 'line event before provisioning',
      order: submitted,
      event: okLine('a'),
      code: 'illegal_order_transition',
    },
    { label: 'submit without lines', order: draftOrder('o', []), event: submit, code: 'order_has_no_lines' },
    {
      label: 'a second credit hold after approval',
      order: run([submit, { type: 'credit_approval_required' }, { type: 'approve' }]),
      event: { type: 'credit_approval_required' },
      code: 'order_already_approved',
    },
    {
      label: 'a second relationship wait',
      order: run([submit, { type: 'relationship_required' }, { type: 'relationship_accepted' }]),
      event: { type: 'relationship_required' },
      code: 'relationship_already_accepted',
    },
    {
      label: 'schedule in the past',
      order: submitted,
      event: { type: 'schedule', effectiveAt: T0 },
      code: 'effective_at_not_in_future',
    },
    { label: 'unknown line', order: provisioning, event: okLine('zz'), code: 'unknown_order_line' },
    {
      label: 'a line settled twice',
      order: run([okLine('a')], provisioning),
      event: failLine('a'),
      code: 'order_line_already_settled',
    },
    {
      label: 'done with lines pending',
      order: run([okLine('a')], provisioning),
      event: done,
      code: 'order_lines_pending',
    },
  ];
  for (const c of cases) {
    it(`${c.label} → ${c.code}`, () => {
      const at = T0.add({ hours: 1 });
      const result = transition(c.order, c.event, at);
      if (result.ok) expect.fail(`expected ${c.code}, moved to ${result.order.state}`);
      expect(result.error).toBeInstanceOf(OrderTransitionError);
      expect(result.error.code).toBe(c.code);
      expect(result.error.from).toBe(c.order.state);
      expect(result.error.event).toBe(c.event.type);
      if (c.allowed !== undefined) expect(result.error.allowedEvents).toEqual(c.allowed);
    });
  }

  it('refuses an event older than the last transition', () => {
    const last = submitted.history.at(-1)!.at; // 2026-10-20T00:01:00Z
    const result = transition(submitted, start, last.subtract({ nanoseconds: 1 }));
    expect(result.ok ? null : result.error.code).toBe('event_before_last_transition');
    expect(transition(submitted, start, last).ok).toBe(true);
  });

  it('words the refusal with what is possible instead', () => {
    const result = transition(draftOrder('o', ['a']), { type: 'approve' }, T0);
    expect(result.ok ? null : result.error.message).toBe(
      'An order that is draft does not accept approve; it accepts submit, cancel',
    );
  });
});

describe('finalStateFromLines', () => {
  it('derives the final state from the line outcomes', () => {
    const line = (id: string, status: 'succeeded' | 'failed') => ({ id, status });
    expect(finalStateFromLines([line('a', 'succeeded'), line('b', 'succeeded')])).toBe('completed');
    expect(finalStateFromLines([line('a', 'succeeded'), line('b', 'failed')])).toBe('partially_failed');
    expect(finalStateFromLines([line('a', 'failed'), line('b', 'failed')])).toBe('failed');
    expect(() => finalStateFromLines([{ id: 'a', status: 'pending' }])).toThrow(RangeError);
  });

  it('final states accept nothing', () => {
    expect(ORDER_STATES.filter(isFinalOrderState)).toEqual([
      'completed',
      'partially_failed',
      'failed',
      'cancelled',
    ]);
    expect(allowedOrderEvents('provisioning')).toEqual(['line_succeeded', 'line_failed', 'all_lines_done']);
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('order state machine properties', () => {
  const lineIds = ['a', 'b', 'c'];
  // Weighted towards progress so that runs reach provisioning and the final states, not only
  // draft and cancelled; unknown line "x" and past schedules exercise the guards.
  const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
    { arbitrary: fc.constant<OrderEvent>({ type: 'submit' }), weight: 4 },
    { arbitrary: fc.constant<OrderEvent>({ type: 'credit_approval_required' }), weight: 1 },
    { arbitrary: fc.constant<OrderEvent>({ type: 'approve' }), weight: 2 },
    { arbitrary: fc.constant<OrderEvent>({ type: 'reject', reason: 'no' }), weight: 1 },
    { arbitrary: fc.constant<OrderEvent>({ type: 'relationship_required' }), weight: 1 },
    { arbitrary: fc.constant<OrderEvent>({ type: 'relationship_accepted' }), weight: 2 },
    {
      arbitrary: fc
        .integer({ min: -5, max: 200 })
        .map<OrderEvent>((h) => ({ type: 'schedule', effectiveAt: T0.add({ hours: h }) })),
      weight: 1,
    },
    { arbitrary: fc.constant<OrderEvent>({ type: 'due' }), weight: 3 },
    { arbitrary: fc.constant<OrderEvent>({ type: 'start_provisioning' }), weight: 4 },
    {
      arbitrary: fc
        .constantFrom(...lineIds, 'x')
        .map<OrderEvent>((lineId) => ({ type: 'line_succeeded', lineId })),
      weight: 6,
    },
    {
      arbitrary: fc
        .constantFrom(...lineIds, 'x')
        .map<OrderEvent>((lineId) => ({ type: 'line_failed', lineId, reason: 'err' })),
      weight: 3,
    },
    { arbitrary: fc.constant<OrderEvent>({ type: 'all_lines_done' }), weight: 4 },
    { arbitrary: fc.constant<OrderEvent>({ type: 'cancel' }), weight: 1 },
  );
  // Mostly forward in time, sometimes backwards, sometimes the same instant.
  const stepArb = fc.record({ event: eventArb, minutes: fc.integer({ min: -30, max: 6000 }) });

  it('every event is refused (order unchanged) or appends one entry; the history chains from → to', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }), (steps) => {
        let order = draftOrder('o-p', lineIds);
        let at = T0;
        for (const { event, minutes } of steps) {
          at = at.add({ minutes });
          const before = deepFreeze(order);
          const result = transition(order, event, at);
          if (!result.ok) {
            expect(result.error.from).toBe(before.state);
            expect(result.error.event).toBe(event.type);
            continue;
          }
          order = result.order;
          expect(order.history).toHaveLength(before.history.length + 1);
          expect(order.history.at(-1)).toBe(result.entry);
          expect(result.entry.from).toBe(before.state);
          expect(result.entry.to).toBe(order.state);
        }
        const { history } = order;
        if (history.length > 0) expect(history[0]!.from).toBe('draft');
        for (let i = 1; i < history.length; i++) {
          expect(history[i]!.from).toBe(history[i - 1]!.to);
          expect(Temporal.Instant.compare(history[i - 1]!.at, history[i]!.at)).toBeLessThanOrEqual(0);
        }
        expect(history.at(-1)?.to ?? 'draft').toBe(order.state);
        if (['completed', 'partially_failed', 'failed'].includes(order.state)) {
          expect(order.state).toBe(finalStateFromLines(order.lines));
        }
        if (isFinalOrderState(order.state)) {
          for (const event of [submit, start, done, { type: 'cancel' } as const]) {
            expect(transition(order, event, at.add({ hours: 1 })).ok).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
