// The per-invoice evidence kept in the hidden `Stripe State` column. Every evidence field merges commutatively
// (newest by Stripe time, ties broken by a fixed precedence and then event id; per-payment maps; unions), so the
// maintained columns and the exceptions derived from it do not depend on delivery order.

import type { InvoiceLifecycle } from './facts';

export interface Stamped {
  /** Stripe event `created`, unix seconds. */
  at: number;
  eventId: string;
}

export interface InvoiceState {
  v: 1;
  invoiceId: string;
  /** Upper-case currency of the invoice as Stripe states it. */
  currency: string | null;
  /** Newest invoice lifecycle signal, including `payment_failed` and `processing` from payment events. */
  lifecycle: (Stamped & { status: InvoiceLifecycle | 'payment_failed' | 'processing' }) | null;
  /** Newest `amount_due` (minor units). */
  amountDue: (Stamped & { minor: number }) | null;
  /** Highest cumulative `amount_paid` Stripe reported on the invoice (minor units). */
  invoiceAmountPaid: number;
  /** `status_transitions.paid_at`, unix seconds. */
  paidAt: number | null;
  /**
   * Distinct settled payments by payment id (pi_/ch_/pr_/inpay_ resolved to the money movement), with the time the
   * money moved when Stripe states it (an invoice payment's `paid_at`, a charge's `created`).
   */
  payments: Record<string, Stamped & { minor: number; paidAt?: number }>;
  /** Cumulative refunded amount per charge (highest seen). */
  refunds: Record<string, Stamped & { minor: number }>;
  /** Disputes by id, newest phase wins. */
  disputes: Record<string, Stamped & { open: boolean; outcome: string | null; minor: number }>;
  /** Payment ids seen for this invoice (so `basil`+ charges resolve), in first-seen order. */
  paymentIds: string[];
  /** Newest event applied. */
  last: Stamped | null;
  /**
   * What Stripe billed, from the newest draft update or finalization: a billing mismatch is judged on this, so a
   * late draft update cannot overrule the finalized invoice.
   */
  billed?: (Stamped & { minor: number; currency: string }) | null;
  /**
   * Per payment: its balance transaction (what Stripe kept, in the settlement currency) and the payout that carried
   * it, from a read as the payment landed or from sync's reading of a payout.
   */
  settlements?: Record<string, Settlement>;
  /** Events applied to this row, newest SEEN_LIMIT by Stripe time: the row's own dedupe index. */
  seen?: [string, number][];
  /**
   * Bookkeeping of the apply step, not evidence: per exception reason, the cause it last raised for this row and
   * whether it was left open. A reason absent here was never raised, so the queue needs no lookup for it.
   */
  raised?: Record<string, RaisedCause>;
}

export interface Settlement extends Stamped {
  /** `txn_…`. */
  txn: string;
  /** Gross, fee and net, minor units of `currency` (the balance transaction's). */
  minor: number;
  fee: number;
  net: number;
  currency: string;
  payout: string | null;
}

/** `[cause fingerprint, open when last written]`. */
export type RaisedCause = [string, boolean];

/** Enough for Stripe's redeliveries (3 days) of an invoice's events; older ids fall out, newest kept. */
export const SEEN_LIMIT = 100;
