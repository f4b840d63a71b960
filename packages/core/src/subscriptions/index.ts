// Explicit exports: the rule helpers shared between these files stay private.
export { type CancellationOutcome, decideCancel } from './cancel.ts';
export { type SubscriptionPurchase, subscriptionFromPurchase } from './purchase.ts';
export {
  applyImmediateChange,
  decideQuantityChange,
  type ImmediateChange,
  type ImmediateChangeResult,
  type QuantityChangeOutcome,
  type QuantityDecrease,
  type QuantityIncrease,
} from './quantity.ts';
export { type RenewalOutcome, renew } from './renewal.ts';
export { isWithin as isWithinNceWindow, NCE_WINDOW_HOURS } from './rules.ts';
export {
  decideClearScheduledChange,
  decideScheduleChange,
  type ScheduleCleared,
  type ScheduledChangeOutcome,
  type ScheduleOptions,
  type ScheduleRequest,
} from './schedule.ts';
export {
  type NceAction,
  type NceCountdown,
  type NcePossibleAction,
  type NceRefundableLotView,
  type NceRenewalOnlyAction,
  type NceRenewalOnlyChange,
  type NceStatusView,
  type NceUnavailableAction,
  nceStatusView,
} from './status-view.ts';
export {
  type AutoRenewOutcome,
  decideAutoRenew,
  decideReactivate,
  decideSuspend,
  type ReactivationOutcome,
  type SuspensionOutcome,
} from './suspension.ts';
export type {
  ChargeBasis,
  RefundableLot,
  RefundBasis,
  ScheduledChange,
  SeatLot,
  SkuQuantityLimits,
  Subscription,
  SubscriptionAllowed,
  SubscriptionAlternative,
  SubscriptionDecision,
  SubscriptionExplanation,
  SubscriptionExplanationStep,
  SubscriptionRefusalCode,
  SubscriptionRefused,
  SubscriptionStatus,
} from './types.ts';
export {
  decideUpgrade,
  type NewSubscription,
  type UpgradeOptions,
  type UpgradeOutcome,
  type UpgradeTarget,
} from './upgrade.ts';
