// Straight-through rate: of the payments received, the share applied to their ledger row with no exception.
//
// A payment is counted per invoice: a ledger row whose `Amount Paid` is above zero received money. Money that found no
// row counts too, once per exception: UNMATCHED_PAYMENT, and UNKNOWN_INVOICE when its evidence holds a payment event
// (an UNKNOWN_INVOICE raised by, say, `invoice.created` is no payment). A row went straight through when no
// exception of a payment reason (see PAYMENT_EXCEPTION_REASONS) was ever opened for its invoice, whatever its status
// now: one that needed a person, or an automatic match later, did not go straight through.

import { PAYMENT_EVENT_TYPES, PAYMENT_EXCEPTION_REASONS } from './exception-reasons';
import type { ExceptionEntry, LedgerEntry, LoggedDelivery } from './report-records';
import { share } from './statistics';

export interface StraightThrough {
  /** Straight ÷ payments, a fraction of 1; null with no payments. */
  rate: number | null;
  straight: number;
  payments: number;
}

export function straightThrough(
  ledger: readonly LedgerEntry[],
  exceptions: readonly ExceptionEntry[],
  log: readonly LoggedDelivery[],
): StraightThrough {
  const paid = new Set(ledger.filter((row) => row.amountPaid > 0).map((row) => row.invoiceId));
  const withPaymentException = new Set(
    exceptions.filter((e) => PAYMENT_EXCEPTION_REASONS.has(e.reason)).map((e) => e.invoiceKey),
  );
  const paymentEvents = new Set(
    log.filter((row) => PAYMENT_EVENT_TYPES.has(row.eventType)).map((row) => row.eventId),
  );
  const unmatched = new Set<string>();
  for (const exception of exceptions) {
    if (paid.has(exception.invoiceKey)) continue;
    const money =
      exception.reason === 'UNMATCHED_PAYMENT' ||
      (exception.reason === 'UNKNOWN_INVOICE' && exception.eventIds.some((id) => paymentEvents.has(id)));
    if (money) unmatched.add(exception.invoiceKey || exception.exceptionId);
  }
  const straight = [...paid].filter((invoiceId) => !withPaymentException.has(invoiceId)).length;
  const payments = paid.size + unmatched.size;
  return { rate: share(straight, payments), straight, payments };
}
