// The per-invoice evidence kept in the hidden `Stripe State` column. Every field merges commutatively
// (newest by Stripe time, ties broken by a fixed precedence and then event id; per-payment maps), so the
// maintained columns derived from it do not depend on delivery order.

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
  /** Distinct settled payments by payment id (pi_/ch_/inpay_ resolved to the money movement). */
  payments: Record<string, Stamped & { minor: number }>;
  /** Cumulative refunded amount per charge (highest seen). */
  refunds: Record<string, Stamped & { minor: number }>;
  /** Disputes by id, newest phase wins. */
  disputes: Record<string, Stamped & { open: boolean; outcome: string | null; minor: number }>;
  /** Payment ids seen for this invoice (so `basil`+ charges resolve), in first-seen order. */
  paymentIds: string[];
  /** Newest event applied. */
  last: Stamped | null;
  /** Exception reasons ever opened for this invoice (sorted): a reason never raised needs no queue lookup. */
  raised?: string[];
}
