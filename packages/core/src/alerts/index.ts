// Explicit exports: the helpers shared between these files (formatting, series indexing) stay private.
export {
  type BudgetThresholdAlert,
  type BudgetThresholdInput,
  type BudgetThresholdOutcome,
  type BudgetThresholdResult,
  type BudgetThresholdStatus,
  budgetThresholdAlerts,
  DEFAULT_BUDGET_THRESHOLDS,
  normalizeThreshold,
} from './budget.ts';
export type { DailyUsage } from './daily.ts';
export { AlertError, type AlertErrorCode } from './errors.ts';
export type { AlertExplanation, AlertStep } from './explanation.ts';
export {
  FORECAST_TREND_DAYS,
  type ForecastAlert,
  type ForecastBudgetCheck,
  type ForecastBudgetStatus,
  type ForecastInput,
  type ForecastStatus,
  forecastMonthEnd,
  forecastOverBudget,
  type MonthEndForecast,
} from './forecast.ts';
export {
  type SpikeAlert,
  type SpikeBasisDay,
  type SpikeBasisStatus,
  type SpikeDay,
  type SpikeInput,
  type SpikeOutcome,
  type SpikeReason,
  type SpikeResult,
  spikeAlerts,
} from './spike.ts';
export type { BudgetSubject } from './subject.ts';
