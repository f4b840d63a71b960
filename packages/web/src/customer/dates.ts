/** Calendar helpers for the panel, on plain `YYYY-MM-DD` dates in the organisation's time zone. */

export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const toUtc = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const daysBetween = (from: string, to: string) => Math.round((toUtc(to) - toUtc(from)) / 86_400_000);

/** The same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  const day = Number(date.slice(8, 10));
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(year, month, Math.min(day, last)));
}

export function firstOfNextMonth(today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return fromUtc(Date.UTC(year, month, 1));
}

/** `YYYY-MM` of this month and the `count - 1` months before it, newest first. */
export function recentPeriods(today: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(addMonths(`${today.slice(0, 7)}-01`, -i).slice(0, 7));
  return out;
}

const CYCLE_MONTHS: Record<string, number> = { monthly: 1, annual: 12, triennial: 36 };

/**
 * The billing period a subscription is in on `today`: billing periods start at the term start and
 * follow each other by the billing cycle. Null when the subscription has no such cycle.
 */
export function currentBillingPeriod(
  termStart: string,
  billingCycle: string,
  today: string,
): { start: string; end: string } | null {
  const months = CYCLE_MONTHS[billingCycle];
  if (!months || today < termStart) return null;
  let start = termStart;
  for (let i = 1; i < 1000; i++) {
    const end = addMonths(termStart, i * months);
    if (today < end) return { start, end };
    start = end;
  }
  return null;
}

/** The day before a date: turns the server's exclusive period ends into the last day of service. */
export const dayBefore = (date: string) => fromUtc(toUtc(date) - 86_400_000);
