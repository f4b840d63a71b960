// Explicit exports: the helpers shared between these files (formatting, validation) stay private.
export {
  type BillingCycle,
  chargePeriodContaining,
  chargePeriods,
  isBillingCycle,
  isTermDuration,
  type TermDuration,
  termPeriod,
} from './charge-periods.ts';
export { ProrationError, type ProrationErrorCode } from './errors.ts';
export type { ProrationExplanation, ProrationStep } from './explanation.ts';
export {
  type AllocatedPart,
  type AllocationResult,
  allocateAcrossPeriods,
  type ProratedCharge,
  type ProratedChargeInput,
  proratedCharge,
  type RoundedLine,
  roundLine,
} from './prorate.ts';
export {
  type ChargePeriodQuantities,
  type PeriodCharge,
  periodCharge,
  type QuantityEvent,
  type QuantitySchedule,
  type QuantitySegment,
  quantitySegments,
  type SegmentKind,
} from './quantity.ts';
