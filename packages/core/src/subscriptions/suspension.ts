import { Temporal } from '../time/calendar.ts';
import {
  allowed,
  checkInstant,
  describeSchedule,
  lastDayOf,
  refused,
  statusRefusal,
  step,
  termRefusal,
  utcStartOf,
} from './rules.ts';
import type {
  ScheduledChange,
  Subscription,
  SubscriptionAlternative,
  SubscriptionDecision,
  SubscriptionExplanationStep,
} from './types.ts';

export interface SuspensionOutcome {
  readonly subscription: Subscription;
  readonly autoRenewWasOn: boolean;
  readonly wipedSchedule: ScheduledChange | null;
  readonly notes: readonly string[];
}

/**
 * Decides suspending now, NCE "dunning" semantics (RULES.md §6.3): the service is paused but
 * billing continues and the commitment end date stays; auto-renew is switched off and the changes
 * scheduled for the renewal are removed. So a suspended subscription expires at its term end
 * unless it is reactivated and auto-renew is turned on again.
 */
export function decideSuspend(
  sub: Subscription,
  now: Temporal.Instant,
): SubscriptionDecision<SuspensionOutcome> {
  checkInstant(now, 'now');
  if (sub.status === 'suspended') {
    return refused('already_suspended', 'The subscription is already suspended', [
      step('Status', `subscription ${sub.id}`, sub.status),
    ]);
  }
  const notAllowed = statusRefusal(sub, 'suspend') ?? termRefusal(sub, now, 'suspend');
  if (notAllowed !== null) return notAllowed;

  const steps: SubscriptionExplanationStep[] = [
    step('Status', 'active → suspended', 'suspended'),
    step('Billing', 'continues during a suspension', `term still ends on ${sub.termEnd}`),
    step('Auto-renew', sub.autoRenew ? 'on → off' : 'already off', 'off'),
  ];
  const notes = [
    'Billing continues while suspended; the commitment end date does not change',
    `Auto-renew is off: without reactivation and auto-renew the subscription ends on ${sub.termEnd}`,
  ];
  if (sub.scheduledChange !== null) {
    steps.push(step('Scheduled change', describeSchedule(sub.scheduledChange), 'removed'));
    notes.push(`The change scheduled for the renewal (${describeSchedule(sub.scheduledChange)}) was removed`);
  }
  return allowed(
    {
      subscription: { ...sub, status: 'suspended', autoRenew: false, scheduledChange: null },
      autoRenewWasOn: sub.autoRenew,
      wipedSchedule: sub.scheduledChange,
      notes,
    },
    'Suspended: service paused, billing continues, auto-renew off and scheduled changes removed',
    steps,
  );
}

export interface ReactivationOutcome {
  readonly subscription: Subscription;
  /** What the user probably wants next: auto-renew stays off after a suspension. */
  readonly suggested: readonly SubscriptionAlternative[];
  readonly notes: readonly string[];
}

/**
 * Decides reactivating a suspended subscription now. Service resumes; auto-renew stays off
 * (RULES.md §6.3), which the outcome suggests turning back on. After the term end there is
 * nothing left to reactivate: the subscription expires, so a new purchase is the alternative.
 */
export function decideReactivate(
  sub: Subscription,
  now: Temporal.Instant,
): SubscriptionDecision<ReactivationOutcome> {
  checkInstant(now, 'now');
  const statusStep = [step('Status', `subscription ${sub.id}`, sub.status)];
  if (sub.status === 'active') {
    return refused('not_suspended', 'The subscription is not suspended', statusStep);
  }
  const status = statusRefusal(sub, 'reactivate', { allowSuspended: true });
  if (status !== null) return status;
  if (Temporal.Instant.compare(now, utcStartOf(sub.termEnd)) >= 0) {
    return refused(
      'outside_term',
      `The term ended on ${lastDayOf(sub.termEnd)} while suspended; the subscription expires and cannot be reactivated`,
      statusStep,
      { kind: 'purchase_new_subscription' },
    );
  }
  const term = termRefusal(sub, now, 'reactivate');
  if (term !== null) return term;
  const suggested: SubscriptionAlternative[] = sub.autoRenew ? [] : [{ kind: 'turn_on_auto_renew' }];
  return allowed(
    {
      subscription: { ...sub, status: 'active' },
      suggested,
      notes: sub.autoRenew
        ? []
        : [`Auto-renew stays off: turn it on for the subscription to renew on ${sub.termEnd}`],
    },
    'Reactivated: service resumes; auto-renew stays as it is',
    [
      step('Status', 'suspended → active', 'active'),
      step('Auto-renew', 'unchanged by reactivation', sub.autoRenew ? 'on' : 'off'),
    ],
  );
}

export interface AutoRenewOutcome {
  readonly subscription: Subscription;
  /** The renewal date when on; null when the subscription will end at `endsOn`. */
  readonly renewsOn: Temporal.PlainDate | null;
  readonly endsOn: Temporal.PlainDate | null;
  readonly wipedSchedule: ScheduledChange | null;
  readonly notes: readonly string[];
}

/**
 * Decides turning auto-renew on or off (RULES.md §5.4). Turning it off also removes the scheduled
 * change, which only exists for a renewal. It cannot be turned on while suspended (the suspension
 * switched it off; reactivate first).
 */
export function decideAutoRenew(sub: Subscription, on: boolean): SubscriptionDecision<AutoRenewOutcome> {
  if (typeof on !== 'boolean') throw new TypeError('on must be a boolean');
  const action = on ? 'turn on auto-renew' : 'turn off auto-renew';
  const status = statusRefusal(sub, action, { allowSuspended: !on });
  if (status !== null) return status;
  const steps: SubscriptionExplanationStep[] = [
    step('Auto-renew', on ? 'off → on' : 'on → off', on ? 'on' : 'off'),
  ];
  if (sub.autoRenew === on) {
    return refused('auto_renew_unchanged', `Auto-renew is already ${on ? 'on' : 'off'}`, steps);
  }
  if (on) {
    return allowed(
      {
        subscription: { ...sub, autoRenew: true },
        renewsOn: sub.termEnd,
        endsOn: null,
        wipedSchedule: null,
        notes: [],
      },
      `Auto-renew on: the subscription renews on ${sub.termEnd}`,
      steps,
    );
  }
  const wiped = sub.scheduledChange;
  const notes: string[] = [];
  if (wiped !== null) {
    steps.push(step('Scheduled change', describeSchedule(wiped), 'removed'));
    notes.push(
      `The change scheduled for the renewal (${describeSchedule(wiped)}) was removed: there is no renewal`,
    );
  }
  return allowed(
    {
      subscription: { ...sub, autoRenew: false, scheduledChange: null },
      renewsOn: null,
      endsOn: sub.termEnd,
      wipedSchedule: wiped,
      notes,
    },
    `Auto-renew off: the subscription ends on ${sub.termEnd} (last day ${lastDayOf(sub.termEnd)})`,
    steps,
  );
}
