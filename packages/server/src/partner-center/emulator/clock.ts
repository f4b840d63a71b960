/**
 * The emulated clock. Time only moves when told to; moving it forward replays every UTC midnight in
 * between, in order: term ends (renew with scheduled changes, or expire), new billing periods
 * (cycle charges) and the monthly invoice run.
 */
import { issueInvoices } from './billing.ts';
import { addDays, DAY_MS, dateMs, dateOf, prevMonthStart } from './dates.ts';
import { errors } from './errors.ts';
import { cycleCharge, isTermBased, renewOrExpire } from './nce-rules.ts';
import type { Emulator } from './runtime.ts';

export interface AdvanceReport {
  from: string;
  to: string;
  renewed: string[];
  expired: string[];
  cycleCharges: number;
  invoices: string[];
}

/** Upper bound on replayed days per call, to keep a single request bounded. */
const MAX_DAYS = 3700;

export function advanceClock(emu: Emulator, target: number): AdvanceReport {
  const state = emu.state;
  const start = state.now;
  if (!Number.isFinite(target)) throw errors.invalidInput('Invalid clock value.');
  if (target < start)
    throw errors.invalidInput('The emulated clock cannot move backwards; use /_emulator/reset.');
  const report: AdvanceReport = {
    from: new Date(start).toISOString(),
    to: new Date(target).toISOString(),
    renewed: [],
    expired: [],
    cycleCharges: 0,
    invoices: [],
  };
  let day = addDays(dateOf(start), 1);
  let guard = 0;
  while (dateMs(day) <= target) {
    if (++guard > MAX_DAYS) throw errors.invalidInput(`Advance at most ${MAX_DAYS} days per call.`);
    state.now = dateMs(day);
    for (const sub of Object.values(state.subscriptions)) {
      if (!isTermBased(sub) || (sub.status !== 'active' && sub.status !== 'suspended')) continue;
      if (addDays(sub.commitmentEndDate, 1) === day) {
        const outcome = renewOrExpire(emu, sub, day);
        (outcome === 'renewed' ? report.renewed : report.expired).push(sub.id);
      } else if (sub.nextChargeDate === day) {
        cycleCharge(emu, sub, day);
        report.cycleCharges += 1;
      }
    }
    if (Number(day.slice(8, 10)) === state.settings.invoiceDay) {
      for (const inv of issueInvoices(emu, prevMonthStart(day), dateMs(day))) report.invoices.push(inv.id);
    }
    day = addDays(day, 1);
  }
  state.now = target;
  emu.markDirty();
  return report;
}

export function advanceDays(emu: Emulator, days: number): AdvanceReport {
  if (!Number.isFinite(days) || days < 0)
    throw errors.invalidInput('advanceDays must be a non-negative number.');
  return advanceClock(emu, emu.state.now + Math.round(days * DAY_MS));
}
