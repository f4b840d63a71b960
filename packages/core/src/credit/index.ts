// Explicit exports: the helpers shared between these files (subject keys, assertions) stay private.
export {
  type CreditAlert,
  type CreditAlertResult,
  type CreditAlertTrigger,
  type HighestUsageLevelAlert,
  type MonthStartCreditAlertInput,
  monthStartCreditAlerts,
  type PlannedLevelAlert,
  type PlannedLevelAlertInput,
  type ProvisionalCreditAlertInput,
  type ProvisionalCreditExceededAlert,
  plannedLevelAlerts,
  provisionalCreditAlerts,
  type UsageLevelAlert,
  type UsageLevelAlertInput,
  usageLevelAlerts,
} from './alerts.ts';
export {
  type CreditAction,
  type CreditDecision,
  type CreditDecisionInput,
  type CreditMessage,
  type CreditMessageCode,
  type CreditOutcome,
  creditDecision,
} from './decision.ts';
export { CreditError, type CreditErrorCode } from './errors.ts';
export type { CreditExplanation, CreditStep } from './explanation.ts';
export {
  CREDIT_LEVELS,
  type CreditLevel,
  type CreditLevelIssue,
  type CreditLevelIssueCode,
  type CreditLevels,
  validateCreditLevels,
} from './levels.ts';
export {
  type MonthlyUsage,
  PROVISIONAL_CREDIT_MONTHS,
  type ProvisionalCredit,
  type ProvisionalCreditBasis,
  type ProvisionalCreditInput,
  type ProvisionalWindowMonth,
  provisionalCredit,
} from './provisional.ts';
export type { CreditSubject } from './subject.ts';
