// How the report groups exception reasons.

/**
 * Reasons that mean a payment did not land on its row by itself. Not in the list: PAYMENT_FAILED (an attempt that
 * moved no money), REFUNDED, DISPUTED and PAYOUT_FAILED (later events on money that did land), BILLING_MISMATCH
 * (caught before the invoice went out).
 */
export const PAYMENT_EXCEPTION_REASONS: ReadonlySet<string> = new Set([
  'UNKNOWN_INVOICE',
  'UNMATCHED_PAYMENT',
  'UNDERPAID',
  'OVERPAID',
  'CURRENCY_MISMATCH',
  'DUPLICATE_PAYMENT',
  'STATUS_CONFLICT',
  'SETTLEMENT_OVERDUE',
  'DRIFT',
]);

/** Stripe event types that say money was received. */
export const PAYMENT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice_payment.paid',
  'charge.succeeded',
  'payment_intent.succeeded',
  'checkout.session.completed',
]);

/** An exception is closed once resolved or dismissed; `snoozed` is parked, still to be settled. */
export function isClosedStatus(status: string): boolean {
  const value = status.trim().toLowerCase();
  return value === 'resolved' || value === 'dismissed';
}
