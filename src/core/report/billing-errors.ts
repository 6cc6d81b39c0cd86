// Billing errors caught before the invoice went out: every BILLING_MISMATCH ever opened (whatever its status now),
// with the invoices' amounts due per currency.

import { CurrencyTotals } from './currency-totals';
import type { ExceptionEntry } from './report-records';

export interface BillingErrors {
  count: number;
  amounts: { currency: string; amount: number }[];
}

export function billingErrors(exceptions: readonly ExceptionEntry[]): BillingErrors {
  const mismatches = exceptions.filter((e) => e.reason === 'BILLING_MISMATCH');
  const totals = new CurrencyTotals();
  for (const exception of mismatches) {
    if (exception.currency && exception.amount !== null) totals.add(exception.currency, exception.amount);
  }
  return {
    count: mismatches.length,
    amounts: totals.currencies().map((currency) => ({ currency, amount: totals.total(currency) })),
  };
}
