import { type ExchangeRate, parsePlainDate } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { badRequest, forbidden } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { providerOfScope } from './lineage.ts';

/**
 * Microsoft's monthly exchange rates, kept per provider: the rate Microsoft used for the month is
 * the one a price is converted with, before any markup. Microsoft publishes them with its invoices
 * and reconciliation files (PCToBCExchangeRate); neither the catalog API nor the price sheets carry
 * them, so they are set here (by the provider, or by the usage import with source
 * 'partner_center').
 */

export interface ExchangeRateView {
  from: string;
  to: string;
  /** 'YYYY-MM' */
  month: string;
  rate: string;
  source: 'manual' | 'partner_center';
  updatedAt: string;
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const RATE = /^\d+(?:\.\d+)?$/;

/** All rates of a provider, as the pricing core takes them (in force from the 1st of their month). */
export async function loadExchangeRates(db: Kysely<Database>, providerId: string): Promise<ExchangeRate[]> {
  const rows = await db
    .selectFrom('exchange_rates')
    .select(['from_currency', 'to_currency', 'month', 'rate'])
    .where('provider_id', '=', providerId)
    .orderBy('month')
    .execute();
  return rows.map((r) => ({
    from: r.from_currency.trim(),
    to: r.to_currency.trim(),
    rate: r.rate,
    date: parsePlainDate(r.month),
  }));
}

export async function listExchangeRates(
  db: Kysely<Database>,
  scope: Scope,
  filter: { from?: string | undefined; to?: string | undefined; month?: string | undefined },
): Promise<ExchangeRateView[]> {
  requirePermission(scope, 'catalog:read');
  const provider = await providerOfScope(db, scope);
  let query = db
    .selectFrom('exchange_rates')
    .selectAll()
    .where('provider_id', '=', provider.id)
    .orderBy('month', 'desc')
    .orderBy('from_currency')
    .orderBy('to_currency')
    .limit(1000);
  if (filter.from) query = query.where('from_currency', '=', filter.from);
  if (filter.to) query = query.where('to_currency', '=', filter.to);
  if (filter.month) query = query.where('month', '=', `${filter.month}-01`);
  const rows = await query.execute();
  return rows.map((r) => ({
    from: r.from_currency.trim(),
    to: r.to_currency.trim(),
    month: r.month.slice(0, 7),
    rate: r.rate,
    source: r.source,
    updatedAt: r.updated_at.toISOString(),
  }));
}

export interface ExchangeRateInput {
  from: string;
  to: string;
  /** 'YYYY-MM' */
  month: string;
  rate: string;
  source?: 'manual' | 'partner_center';
}

/** Records (or corrects) Microsoft's rate for a month; the provider's own setting. */
export async function setExchangeRate(
  db: Kysely<Database>,
  scope: Scope,
  input: ExchangeRateInput,
): Promise<ExchangeRateView> {
  requirePermission(scope, 'catalog:manage');
  if (scope.organizationKind !== 'provider') {
    throw forbidden('Exchange rates are kept by the provider.');
  }
  const problems: { field: string; message: string }[] = [];
  if (!CURRENCIES.has(input.from)) problems.push({ field: 'from', message: 'An ISO 4217 code such as USD.' });
  if (!CURRENCIES.has(input.to)) problems.push({ field: 'to', message: 'An ISO 4217 code such as JPY.' });
  if (input.from === input.to) problems.push({ field: 'to', message: 'Must differ from `from`.' });
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(input.month)) problems.push({ field: 'month', message: 'YYYY-MM.' });
  if (!RATE.test(input.rate) || /^0+(\.0+)?$/.test(input.rate)) {
    problems.push({ field: 'rate', message: 'A positive decimal string such as "151.2345".' });
  }
  if (problems.length > 0) {
    throw badRequest(
      'validation_failed',
      problems.map((p) => `${p.field}: ${p.message}`).join(' '),
      problems,
    );
  }
  const providerId = scope.organizationId;
  const month = `${input.month}-01`;
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('exchange_rates')
      .selectAll()
      .where('provider_id', '=', providerId)
      .where('from_currency', '=', input.from)
      .where('to_currency', '=', input.to)
      .where('month', '=', month)
      .executeTakeFirst();
    const source = input.source ?? 'manual';
    await trx
      .insertInto('exchange_rates')
      .values({
        provider_id: providerId,
        from_currency: input.from,
        to_currency: input.to,
        month,
        rate: input.rate,
        source,
      })
      .onConflict((oc) =>
        oc
          .columns(['provider_id', 'from_currency', 'to_currency', 'month'])
          .doUpdateSet({ rate: input.rate, source, updated_at: sql`now()` }),
      )
      .execute();
    const after = { from: input.from, to: input.to, month: input.month, rate: input.rate, source };
    await recordAudit(trx, scope, {
      organizationId: providerId,
      action: before ? 'update' : 'create',
      entityType: 'exchange_rate',
      entityId: `${input.from}-${input.to}-${input.month}`,
      ...(before ? { before: { rate: before.rate, source: before.source } } : {}),
      after,
    });
    const row = await trx
      .selectFrom('exchange_rates')
      .select('updated_at')
      .where('provider_id', '=', providerId)
      .where('from_currency', '=', input.from)
      .where('to_currency', '=', input.to)
      .where('month', '=', month)
      .executeTakeFirstOrThrow();
    return { ...after, updatedAt: row.updated_at.toISOString() };
  });
}
