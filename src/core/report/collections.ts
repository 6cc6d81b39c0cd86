// Money by currency and month: collected, refunded and still outstanding, in major units.
//
// A paid row counts in the month of its `Paid At`, in the spreadsheet's time zone: its `Amount Paid` as collected and
// its `Amount Refunded` as refunded (a refund is shown against the month of the payment it gives back). What a row is
// still owed — `Expected Amount`, else Stripe's `amount_due`, less `Amount Paid` — is outstanding unless the invoice
// is paid, refunded, void or uncollectible; it counts in the month of its payment when partly paid, else in the month
// Stripe last stated the amount due, else under "no date" (a row Stripe has said nothing about yet). Where the
// ledger has the `Stripe Fee` and `Net Amount` columns (filled once STRIPE_API_KEY is set), their sums are shown too.

import { calendarDayOf, monthKey } from '../calendar/calendar-day';
import { minorToMajor } from '../money';
import { CurrencyTotals } from './currency-totals';
import type { LedgerEntry } from './report-records';

export const NO_DATE = 'no date';

const SETTLED_STATUSES = new Set([
  'paid',
  'refunded',
  'partially_refunded',
  'void',
  'uncollectible',
  'disputed',
]);

export interface MonthCollections {
  /** `2026-03`, or NO_DATE. */
  month: string;
  currency: string;
  collected: number;
  refunded: number;
  outstanding: number;
  /** Null unless the ledger has the column. */
  fees: number | null;
  net: number | null;
}

export function collections(
  ledger: readonly LedgerEntry[],
  timeZone: string,
  columns: { fees: boolean; net: boolean } = { fees: false, net: false },
): MonthCollections[] {
  type Totals = Record<'collected' | 'refunded' | 'outstanding' | 'fees' | 'net', CurrencyTotals>;
  const months = new Map<string, Totals>();
  const bucket = (month: string) => {
    let found = months.get(month);
    if (!found) {
      found = {
        collected: new CurrencyTotals(),
        refunded: new CurrencyTotals(),
        outstanding: new CurrencyTotals(),
        fees: new CurrencyTotals(),
        net: new CurrencyTotals(),
      };
      months.set(month, found);
    }
    return found;
  };
  for (const row of ledger) {
    const currency = row.currency;
    if (!currency) continue;
    const paidMonth = row.paidAt ? monthKey(calendarDayOf(row.paidAt, timeZone)) : null;
    if (paidMonth && row.amountPaid > 0) {
      bucket(paidMonth).collected.add(currency, row.amountPaid);
      if (row.amountRefunded > 0) bucket(paidMonth).refunded.add(currency, row.amountRefunded);
      if (row.stripeFee !== null) bucket(paidMonth).fees.add(currency, row.stripeFee);
      if (row.netAmount !== null) bucket(paidMonth).net.add(currency, row.netAmount);
    }
    if (SETTLED_STATUSES.has(row.status)) continue;
    const owed = owedOf(row, currency);
    if (owed === null || owed - row.amountPaid <= 0) continue;
    const dueAt = row.state?.amountDue ? new Date(row.state.amountDue.at * 1000) : null;
    const month = paidMonth ?? (dueAt ? monthKey(calendarDayOf(dueAt, timeZone)) : NO_DATE);
    // Owed and paid are each exact in minor units; their difference is too.
    bucket(month).outstanding.add(currency, owed);
    bucket(month).outstanding.add(currency, -row.amountPaid);
  }
  const rows: MonthCollections[] = [];
  for (const [month, totals] of months) {
    const currencies = new Set([
      ...totals.collected.currencies(),
      ...totals.refunded.currencies(),
      ...totals.outstanding.currencies(),
    ]);
    for (const currency of currencies) {
      rows.push({
        month,
        currency,
        collected: totals.collected.total(currency),
        refunded: totals.refunded.total(currency),
        outstanding: totals.outstanding.total(currency),
        fees: columns.fees ? totals.fees.total(currency) : null,
        net: columns.net ? totals.net.total(currency) : null,
      });
    }
  }
  // Months in order, undated last; currencies alphabetically within a month.
  return rows.sort(
    (a, b) =>
      Number(a.month === NO_DATE) - Number(b.month === NO_DATE) ||
      a.month.localeCompare(b.month) ||
      a.currency.localeCompare(b.currency),
  );
}

function owedOf(row: LedgerEntry, currency: string): number | null {
  if (row.expectedAmount !== null) return row.expectedAmount;
  const due = row.state?.amountDue;
  return due ? minorToMajor(due.minor, currency) : null;
}
