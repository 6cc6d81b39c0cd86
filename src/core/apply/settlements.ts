// What Stripe kept of each payment and which payout carried it, as facts the ledger rows merge like any other:
// from a payout's balance transactions (sync), or from one expanded read of the payment's balance transaction as it
// lands on a row (webhook). Each has an id of its own (`<event>/<txn>`), so a row's dedupe index knows it.

import type { PayoutFact, SettlementFact, StripeFact } from '../facts';
import type { SettlementRead } from './ports';

/** The payments a payout carried, one settlement each, for the rows that hold those payments. */
export function settlementsOfPayout(payout: PayoutFact): SettlementFact[] {
  const currency = payout.amount.currency;
  return (payout.transactions ?? [])
    .filter((t) => t.category === 'payment' && t.paymentId !== null)
    .map((t) => ({
      kind: 'settlement',
      eventId: `${payout.eventId}/${t.id}`,
      eventType: payout.eventType,
      created: payout.created,
      invoiceId: null,
      paymentId: t.paymentId as string,
      chargeId: null,
      transactionId: t.id,
      amount: { minor: t.amount, currency },
      fee: { minor: t.fee, currency },
      net: { minor: t.net, currency },
      payoutId: payout.payoutId,
    }));
}

/**
 * The payment whose fee a fact placed on a row brings: a settled payment by card or bank (a payment intent or a
 * charge). A payment recorded outside Stripe (a payment record) has no Stripe fee.
 */
export function feeTarget(fact: StripeFact): { paymentId: string; chargeId: string | null } | null {
  switch (fact.kind) {
    case 'payment':
      return isStripeMoney(fact.paymentId) ? { paymentId: fact.paymentId, chargeId: fact.chargeId } : null;
    case 'receipt':
      return fact.amount.minor > 0 ? { paymentId: fact.paymentId, chargeId: fact.chargeId } : null;
    case 'invoice': {
      const settled = fact.trigger === 'paid' || fact.trigger === 'payment_succeeded';
      return settled && fact.paymentId && fact.amountPaid.minor > 0
        ? { paymentId: fact.paymentId, chargeId: fact.chargeId }
        : null;
    }
    default:
      return null;
  }
}

export function settlementFromRead(
  fact: StripeFact,
  paymentId: string,
  read: Extract<SettlementRead, { kind: 'found' }>,
): SettlementFact {
  return {
    kind: 'settlement',
    eventId: `${fact.eventId}/${read.transactionId}`,
    eventType: fact.eventType,
    created: fact.created,
    invoiceId: fact.invoiceId,
    paymentId,
    chargeId: null,
    transactionId: read.transactionId,
    amount: read.amount,
    fee: read.fee,
    net: read.net,
    payoutId: null,
  };
}

function isStripeMoney(paymentId: string): boolean {
  return paymentId.startsWith('pi_') || paymentId.startsWith('ch_') || paymentId.startsWith('py_');
}
