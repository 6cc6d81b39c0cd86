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

/**
 * invoice_payment.paid (`basil`+): one settled payment towards an invoice, by card or bank (a payment intent or
 * charge) or recorded out of band (`clover`: a payment record attached to the invoice).
 */
export interface PaymentFact extends FactBase {
  kind: 'payment';
  invoiceId: string;
  /** `inpay_…`, the invoice_payment id. */
  invoicePaymentId: string;
  paymentId: string;
  amount: Money;
  /** The invoice payment's `status_transitions.paid_at`, unix seconds. */
  paidAt: number | null;
}

/**
 * charge.succeeded, payment_intent.succeeded, checkout.session.completed (and its async_payment_succeeded): money
 * received, with whatever the object says about what it paid for. In `basil`+ a charge or payment intent names no
 * invoice even when it paid one; only Stripe's invoice_payments (or another event) can say.
 */
export interface ReceiptFact extends FactBase {
  kind: 'receipt';
  source: 'charge' | 'payment_intent' | 'checkout_session';
  /** Payment intent, else charge: the key every event of this money movement shares. */
  paymentId: string;
  /** Minor units received; 0 for a Checkout session still waiting for a bank debit to settle. */
  amount: Money;
  /** When the money moved (a charge's `created`), unix seconds; null when the object does not say. */
  paidAt: number | null;
  /** Old API: the invoice a charge or payment intent names; a Checkout session: the invoice it created. */
  invoiceId: string | null;
  /** Before `basil` one charge paid one invoice in full: an old-shape charge that names its invoice settles it. */
  settlesInvoice: boolean;
  /** A ledger row the payer's side names: `client_reference_id`, or metadata `ledger_invoice_id`. */
  reference: string | null;
  /** Stripe's own word that no invoice exists: a Checkout session in payment mode that created none. */
  invoiceless: boolean;
  /** Who paid, as Stripe shows it (billing or customer details name), for the exception's note. */
  payer: string | null;
}

/**
 * What Stripe kept of one payment and which payout carried the rest, from the charge's balance transaction: read
 * for a payment as it lands on a row (one expanded read), or from a payout's balance transactions by sync.
 */
export interface SettlementFact extends FactBase {
  kind: 'settlement';
  paymentId: string;
  /** `txn_…`. */
  transactionId: string;
  /** Gross, fee and net in the balance transaction's (settlement) currency. */
  amount: Money;
  fee: Money;
  net: Money;
  /** The payout that carried it; null while not paid out (or not known). */
  payoutId: string | null;
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

export type StripeFact =
  | InvoiceFact
  | PaymentFact
  | RefundFact
  | DisputeFact
  | ProcessingFact
  | ReceiptFact
  | SettlementFact;

export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';

/** One balance transaction of a payout, as far as the Payouts sheet and the ledger need it. */
export interface PayoutTransaction {
  id: string;
  /** How it counts: a payment (Gross), a refund, dispute or other amount taken back (Refunds), a Stripe fee (Fees). */
  category: 'payment' | 'refund' | 'fee';
  /** Minor units of the payout's currency: `amount` (negative for money out), `fee`, `net`. */
  amount: number;
  fee: number;
  net: number;
  /** The payment intent (else charge) a payment or refund belongs to; null for fees and adjustments. */
  paymentId: string | null;
}

/** payout.* events: one payout of the Stripe balance to the bank, as Stripe saw it at `created`. */
export interface PayoutFact {
  kind: 'payout';
  eventId: string;
  eventType: string;
  created: number;
  payoutId: string;
  status: PayoutStatus;
  amount: Money;
  /** `arrival_date`, unix seconds. */
  arrivalDate: number | null;
  /** Automatic payouts list their balance transactions; manual ones cannot (Stripe's reconciliation rule). */
  automatic: boolean;
  /** `reconciliation_status`: `completed` once every balance transaction of the payout is known. */
  reconciliation: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** Its balance transactions, when sync read them (Stripe's own payout events carry none). */
  transactions: PayoutTransaction[] | null;
}

export type Normalised =
  | { kind: 'fact'; fact: StripeFact }
  | { kind: 'payout'; fact: PayoutFact }
  | { kind: 'ignored'; eventId: string; eventType: string; reason: string }
  | { kind: 'malformed'; message: string };
