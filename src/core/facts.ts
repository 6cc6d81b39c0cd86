// What a Stripe event says about money, whatever its API version: the normaliser's output, the decision's input.

/** An amount in the currency's minor unit (cents, yen, fils) with its upper-case ISO code. */
export interface Money {
  minor: number;
  currency: string;
}

interface FactBase {
  eventId: string;
  eventType: string;
  /** Stripe's event `created`, unix seconds: the order of truth. */
  created: number;
  /** Invoice the fact belongs to; null when a `basil`+ charge or payment intent carries no link. */
  invoiceId: string | null;
  /** Payment intent (preferred) or charge id of the money movement, when the event names one. */
  paymentId: string | null;
  /** Charge id, when the event names one (refunds and disputes are per charge). */
  chargeId: string | null;
}

export type InvoiceLifecycle = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

/** invoice.* events: the invoice object as Stripe saw it at `created`. */
export interface InvoiceFact extends FactBase {
  kind: 'invoice';
  invoiceId: string;
  trigger:
    | 'created'
    | 'updated'
    | 'finalized'
    | 'paid'
    | 'payment_succeeded'
    | 'payment_failed'
    | 'voided'
    | 'marked_uncollectible';
  status: InvoiceLifecycle;
  amountDue: Money;
  /** Cumulative `amount_paid` on the invoice. */
  amountPaid: Money;
  /** `status_transitions.paid_at`, unix seconds. */
  paidAt: number | null;
  customerName: string | null;
}

/** invoice_payment.paid (`basil`+): one settled payment towards an invoice. */
export interface PaymentFact extends FactBase {
  kind: 'payment';
  invoiceId: string;
  /** `inpay_…`, the invoice_payment id. */
  invoicePaymentId: string;
  paymentId: string;
  amount: Money;
  paidAt: number | null;
}

/** charge.refunded: cumulative `amount_refunded` of one charge. */
export interface RefundFact extends FactBase {
  kind: 'refund';
  chargeId: string;
  amountRefunded: Money;
  amountCaptured: Money;
}

/** charge.dispute.created / charge.dispute.closed. */
export interface DisputeFact extends FactBase {
  kind: 'dispute';
  disputeId: string;
  chargeId: string;
  phase: 'created' | 'closed';
  /** Dispute `status` on close: `won`, `lost`, `warning_closed`…; null while open. */
  outcome: string | null;
  amount: Money;
}

/** payment_intent.processing: bank rails that settle in days. */
export interface ProcessingFact extends FactBase {
  kind: 'processing';
  paymentId: string;
  amount: Money;
  /** Payment method type, e.g. `us_bank_account`, `sepa_debit`, `card`; null when not stated. */
  rail: string | null;
}

export type StripeFact = InvoiceFact | PaymentFact | RefundFact | DisputeFact | ProcessingFact;

export type Normalised =
  | { kind: 'fact'; fact: StripeFact }
  | { kind: 'ignored'; eventId: string; eventType: string; reason: string }
  | { kind: 'malformed'; message: string };
