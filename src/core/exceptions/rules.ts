// Which exceptions a ledger row should have open, as a function of its merged evidence and the user's own cells.
// Judged on the evidence, not on the transition an event causes, so the open exceptions do not depend on the order
// Stripe's events arrive in: a payment failure delivered after the payment is judged exactly as one delivered
// before it (opened, then cured by the payment).

import type { ExceptionReason } from '../contract';
import type { Money } from '../facts';
import { formatMoney } from '../money';
import type { InvoiceState } from '../state';
import { amountPaidMinor, moneyStatus, owedMinor, refundedMinor } from '../status';

export interface WantedException {
  reason: ExceptionReason;
  /**
   * The cause, as a stable fingerprint: the same cause never opens a second exception (once settled by a reviewer it
   * stays settled); a new cause of the same reason (another refund, another failure) may.
   */
  cause: string;
  money: Money | null;
  /** One human sentence: what happened and what to check. */
  note: string;
}

/** A cured cause closes its exception by itself (`Resolution` `auto`); the others wait for a reviewer. */
export const CURABLE: ReadonlySet<ExceptionReason> = new Set<ExceptionReason>([
  'UNDERPAID',
  'OVERPAID',
  'DUPLICATE_PAYMENT',
  'PAYMENT_FAILED',
  'DISPUTED',
  'BILLING_MISMATCH',
  'UNKNOWN_INVOICE',
]);

/** Reasons this module judges from the evidence; the others come from single events or from system checks. */
export const EVIDENCE_REASONS: readonly ExceptionReason[] = [
  'UNDERPAID',
  'OVERPAID',
  'DUPLICATE_PAYMENT',
  'PAYMENT_FAILED',
  'REFUNDED',
  'DISPUTED',
  'STATUS_CONFLICT',
  'BILLING_MISMATCH',
];

export interface RowTerms {
  /** `Expected Amount` in minor units of the row's currency, or null when blank. */
  expectedMinor: number | null;
  /** The row's `Currency`, or null when blank. */
  rowCurrency: string | null;
  /** Currency the amounts are in (the row's, else the invoice's). */
  currency: string;
}

export function wantedExceptions(
  state: InvoiceState,
  terms: RowTerms,
): Map<ExceptionReason, WantedException> {
  const wanted = new Map<ExceptionReason, WantedException>();
  const add = (w: WantedException) => wanted.set(w.reason, w);
  const { expectedMinor, currency } = terms;
  const invoice = state.invoiceId;
  const paid = amountPaidMinor(state);
  const refunded = refundedMinor(state);
  const money = (minor: number): Money => ({ minor, currency });
  const lifecycle = state.lifecycle?.status;
  const closedByStripe = lifecycle === 'void' || lifecycle === 'uncollectible';

  if (paid > 0 && closedByStripe) {
    const verb = lifecycle === 'void' ? 'voided' : 'marked uncollectible';
    add({
      reason: 'STATUS_CONFLICT',
      cause: `${lifecycle}:${paid}`,
      money: money(paid),
      note: `Stripe ${verb} ${invoice} although ${formatMoney(money(paid))} was paid on it: the ledger keeps the money status; check whether to refund or re-issue the invoice.`,
    });
  }

  const duplicates = duplicatePayments(state, expectedMinor);
  if (duplicates.ids.length > 0 && refunded < duplicates.minor) {
    add({
      reason: 'DUPLICATE_PAYMENT',
      cause: `payments:${duplicates.ids.join(',')}`,
      money: money(duplicates.minor),
      note: `Payment ${duplicates.ids.join(', ')} of ${formatMoney(money(duplicates.minor))} arrived for ${invoice}, which earlier payments had already paid in full: refund the duplicate or credit the customer.`,
    });
  }

  if (expectedMinor !== null && paid > 0 && !closedByStripe && duplicates.ids.length === 0) {
    const expected = money(expectedMinor);
    if (paid < expectedMinor) {
      add({
        reason: 'UNDERPAID',
        cause: `paid:${paid}`,
        money: newestPayment(state, currency) ?? money(paid),
        note: `${invoice} has received ${formatMoney(money(paid))} of the ${formatMoney(expected)} expected: ${formatMoney(money(expectedMinor - paid))} is still owed; follow up on the balance.`,
      });
    } else if (paid - refunded > expectedMinor) {
      add({
        reason: 'OVERPAID',
        cause: `paid:${paid}`,
        money: newestPayment(state, currency) ?? money(paid),
        note: `${invoice} has received ${formatMoney(money(paid))}, ${formatMoney(money(paid - refunded - expectedMinor))} more than the ${formatMoney(expected)} expected: refund or credit the difference.`,
      });
    }
  }

  if (lifecycle === 'payment_failed' && moneyStatus(state, expectedMinor) !== 'paid' && state.lifecycle) {
    const owed = owedMinor(state, expectedMinor);
    const due = owed === null ? null : money(Math.max(owed - paid, 0));
    add({
      reason: 'PAYMENT_FAILED',
      cause: `failed:${state.lifecycle.eventId}`,
      money: due && due.minor > 0 ? due : null,
      note: `A payment attempt on ${invoice} failed${due && due.minor > 0 ? ` (${formatMoney(due)} still due)` : ''}: contact the customer or wait for Stripe's retry.`,
    });
  }

  if (refunded > 0) {
    add({
      reason: 'REFUNDED',
      cause: `refunded:${refunded}`,
      money: money(refunded),
      note: `${formatMoney(money(refunded))} paid on ${invoice} has gone back to the customer as a refund (charge ${Object.keys(state.refunds).join(', ')}).`,
    });
  }

  const disputes = Object.entries(state.disputes).filter(([, d]) => d.open || d.outcome === 'lost');
  if (disputes.length > 0) {
    const minor = disputes.reduce((sum, [, d]) => sum + d.minor, 0);
    const lost = disputes.every(([, d]) => !d.open);
    const ids = disputes.map(([id]) => id).join(', ');
    add({
      reason: 'DISPUTED',
      cause: disputes.map(([id, d]) => `${id}:${d.open ? 'open' : d.outcome}`).join(','),
      money: money(minor),
      note: lost
        ? `Dispute ${ids} on ${invoice} was lost: ${formatMoney(money(minor))} went back to the cardholder.`
        : `The customer disputed ${formatMoney(money(minor))} paid on ${invoice} (${ids}): submit evidence in Stripe before the deadline.`,
    });
  }

  const billed = state.billed;
  if (billed) {
    const amountDiffers = expectedMinor !== null && billed.minor !== expectedMinor;
    const currencyDiffers = terms.rowCurrency !== null && billed.currency !== terms.rowCurrency;
    if (amountDiffers || currencyDiffers) {
      const bill: Money = { minor: billed.minor, currency: billed.currency };
      const expected =
        expectedMinor !== null
          ? formatMoney(money(expectedMinor))
          : `an amount in ${terms.rowCurrency ?? currency}`;
      add({
        reason: 'BILLING_MISMATCH',
        cause: `billed:${billed.minor}${billed.currency}`,
        money: bill,
        note: `Stripe bills ${formatMoney(bill)} on ${invoice} but the ledger expects ${expected}: correct the invoice or the row before it is paid.`,
      });
    }
  }
  return wanted;
}

/**
 * Payments beyond what the invoice owed, in the order the money moved: each payment that arrived when the earlier
 * ones already covered what was owed.
 */
function duplicatePayments(
  state: InvoiceState,
  expectedMinor: number | null,
): { ids: string[]; minor: number } {
  const owed = owedMinor(state, expectedMinor);
  const payments = Object.entries(state.payments).sort(
    ([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : a > b ? 1 : 0),
  );
  if (owed === null || owed <= 0 || payments.length < 2) return { ids: [], minor: 0 };
  let covered = 0;
  const ids: string[] = [];
  let minor = 0;
  for (const [id, payment] of payments) {
    if (covered >= owed) {
      ids.push(id);
      minor += payment.minor;
    }
    covered += payment.minor;
  }
  return { ids, minor };
}

function newestPayment(state: InvoiceState, currency: string): Money | null {
  const payments = Object.values(state.payments).sort((a, b) => b.at - a.at);
  const newest = payments[0];
  return newest ? { minor: newest.minor, currency } : null;
}
