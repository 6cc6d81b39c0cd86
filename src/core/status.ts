// The maintained Ledger columns as a pure function of the merged evidence: whatever order the events came in, the
// same evidence shows the same row.

import type { PaymentStatus } from './contract';
import type { InvoiceState } from './state';

export interface DerivedRow {
  status: PaymentStatus;
  amountPaidMinor: number;
  amountRefundedMinor: number;
  /** Unix seconds, or null while unpaid. */
  paidAt: number | null;
  /** `Stripe Payment ID`: the money movements, comma-separated. */
  paymentId: string;
  /** `Last Stripe Event`: the newest event by Stripe time. */
  lastEventId: string;
  /**
   * `Stripe Fee` and `Net Amount` (paid − fees − refunded), minor units of `settlementCurrency`: null unless every
   * payment's balance transaction is known and in one currency.
   */
  feeMinor: number | null;
  netMinor: number | null;
  settlementCurrency: string | null;
  /** `Payout ID`: the payouts that carried the payments, comma-separated in the order the money moved. */
  payoutIds: string;
}

/** Distinct payments may be reported only per payment (`basil`+ partial payments) or only as the invoice's total. */
export function amountPaidMinor(state: InvoiceState): number {
  return Math.max(state.invoiceAmountPaid, sumOf(state.payments));
}

/** Cumulative refunds over the invoice's charges. */
export function refundedMinor(state: InvoiceState): number {
  return sumOf(state.refunds);
}

/** What the row is owed: the user's `Expected Amount` when filled, else Stripe's `amount_due`; null when unknown. */
export function owedMinor(state: InvoiceState, expectedMinor: number | null): number | null {
  return expectedMinor ?? state.amountDue?.minor ?? null;
}

/**
 * `paid` and `partially_paid` from the money alone; null when no money says anything and the lifecycle decides.
 * A zero invoice, or one marked paid out of band, has no money to count: Stripe's own `paid` stands.
 * With nothing known to be owed yet (a payment arrived before any invoice event), money counts as `paid` only when
 * Stripe says the invoice is paid.
 */
export function moneyStatus(
  state: InvoiceState,
  expectedMinor: number | null,
): 'paid' | 'partially_paid' | null {
  const paid = amountPaidMinor(state);
  const owed = owedMinor(state, expectedMinor);
  const stripeSaysPaid = state.lifecycle?.status === 'paid';
  if (paid > 0) {
    if (owed === null) return stripeSaysPaid ? 'paid' : 'partially_paid';
    return paid >= owed ? 'paid' : 'partially_paid';
  }
  return stripeSaysPaid ? 'paid' : null;
}

export function deriveRow(state: InvoiceState, expectedMinor: number | null): DerivedRow {
  const paid = amountPaidMinor(state);
  const refunded = refundedMinor(state);
  const money = moneyStatus(state, expectedMinor);

  let status: PaymentStatus = money ?? lifecycleStatus(state);
  // A refund seen before its payment (Stripe delivers in any order) must not make an unpaid row look paid.
  if (refunded > 0 && paid > 0) status = refunded >= paid ? 'refunded' : 'partially_refunded';
  // A lost dispute keeps `disputed`: the money went back to the cardholder, which is neither paid nor a refund the
  // school issued, and the finance user must see it. A won or warning-closed dispute gives the money status back.
  const disputed = Object.values(state.disputes).some((d) => d.open || d.outcome === 'lost');
  if (disputed) status = 'disputed';

  return {
    status,
    amountPaidMinor: paid,
    amountRefundedMinor: refunded,
    paidAt: state.paidAt ?? (money === 'paid' ? fallbackPaidAt(state) : null),
    paymentId: state.paymentIds.join(', '),
    lastEventId: state.last?.eventId ?? '',
    ...settled(state, paid, refunded),
  };
}

/** Fees, net and payouts from the payments' balance transactions. */
function settled(
  state: InvoiceState,
  paid: number,
  refunded: number,
): Pick<DerivedRow, 'feeMinor' | 'netMinor' | 'settlementCurrency' | 'payoutIds'> {
  const settlements = state.settlements ?? {};
  const payments = Object.entries(state.payments)
    .filter(([, p]) => p.minor > 0)
    .sort(([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : a > b ? 1 : 0));
  const known = payments.map(([id]) => settlements[id]).filter((s) => s !== undefined);
  const payouts = [...new Set(known.map((s) => s.payout).filter((p): p is string => p !== null))];
  const currencies = new Set(known.map((s) => s.currency));
  const complete =
    payments.length > 0 &&
    known.length === payments.length &&
    currencies.size === 1 &&
    // Every payment is known by itself: an invoice total with no payment behind it has no balance transaction.
    sumOf(state.payments) === paid;
  const fee = complete ? known.reduce((total, s) => total + s.fee, 0) : null;
  return {
    feeMinor: fee,
    netMinor: fee === null ? null : paid - fee - refunded,
    settlementCurrency: complete ? ([...currencies][0] ?? null) : null,
    payoutIds: payouts.join(', '),
  };
}

function lifecycleStatus(state: InvoiceState): PaymentStatus {
  const status = state.lifecycle?.status;
  // A draft is not payable yet, but to the school it is money to come: the contract has no `draft`.
  if (status === undefined || status === 'draft') return 'open';
  return status;
}

/** Without `status_transitions.paid_at`: the time of the payment that completed it, else Stripe's `paid` signal. */
function fallbackPaidAt(state: InvoiceState): number | null {
  const times = Object.values(state.payments).map((p) => p.paidAt ?? p.at);
  if (times.length > 0) return Math.max(...times);
  return state.lifecycle?.status === 'paid' ? state.lifecycle.at : null;
}

function sumOf(map: Record<string, { minor: number }>): number {
  return Object.values(map).reduce((total, entry) => total + entry.minor, 0);
}
