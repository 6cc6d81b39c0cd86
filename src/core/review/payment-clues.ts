// What an exception's logged events say about the money, folded into one set of clues for the ranking: the amount
// of the newest event that moved money (a payment beats an invoice that was only finalized), and who paid, from
// whichever event names them.

import { type EventEvidence, evidenceAmount } from './evidence';
import type { PaymentClues } from './rank-candidates';

/** Event types that record money received; their amount is what was paid. */
const PAID = /(\.paid|\.succeeded|payment_succeeded|\.completed|\.processing)$/;

export function paymentClues(evidence: readonly EventEvidence[]): PaymentClues {
  const newestFirst = [...evidence].sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
  const money =
    newestFirst.find((e) => PAID.test(e.eventType) && e.minor !== null) ??
    newestFirst.find((e) => e.minor !== null);
  const first = (field: 'customerId' | 'customerName' | 'customerEmail') =>
    newestFirst.map((e) => e[field]).find((value) => value !== '') ?? '';
  return {
    amount: money ? evidenceAmount(money) : null,
    currency: money?.currency ?? newestFirst.find((e) => e.currency !== '')?.currency ?? '',
    customerId: first('customerId'),
    customerName: first('customerName'),
    customerEmail: first('customerEmail'),
    at: money?.created ?? newestFirst[0]?.created ?? null,
  };
}
