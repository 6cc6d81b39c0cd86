// Public names from CONTRACT.md. Users, their Stripe account and every test rely on these exact strings.

export const SHEET = {
  ledger: 'Ledger',
  events: 'Stripe Events',
  exceptions: 'Exceptions',
  audit: 'Audit',
  report: 'Reconciliation Report',
  payouts: 'Payouts',
} as const;

export const LEDGER_KEY = 'Stripe Invoice ID';
/** Filled by the user; read, never written. */
export const LEDGER_USER_COLUMNS = ['Expected Amount', 'Currency'] as const;
/** Written by the add-on; every change leaves an Audit row. */
export const LEDGER_MAINTAINED = [
  'Payment Status',
  'Amount Paid',
  'Amount Refunded',
  'Paid At',
  'Stripe Payment ID',
  'Last Stripe Event',
  'Stripe Fee',
  'Net Amount',
  'Payout ID',
] as const;
/**
 * Maintained columns a ledger set up before they existed may lack: written where the sheet has them, never required
 * (they need STRIPE_API_KEY: Stripe's fee, the amount net of fees and refunds, the payout that carried the money).
 */
export const LEDGER_SETTLEMENT_COLUMNS = ['Stripe Fee', 'Net Amount', 'Payout ID'] as const;
/**
 * The metadata key (on a Checkout session, payment intent or charge) whose value names the ledger row a payment
 * belongs to, like a Checkout session's `client_reference_id`: the row's `Stripe Invoice ID`.
 */
export const LEDGER_REFERENCE_METADATA = 'ledger_invoice_id';
/**
 * Hidden bookkeeping column added around the contract: the merged evidence per invoice (JSON) that makes the
 * maintained columns a pure function of the events seen, whatever order they arrived in.
 */
export const LEDGER_STATE_COLUMN = 'Stripe State';
/**
 * Hidden column written with a reviewer's match: the Stripe customer (`cus_…`) whose payment the row claimed. The
 * review sidebar ranks the rows of the same person first for that customer's next payment.
 */
export const LEDGER_CUSTOMER_COLUMN = 'Stripe Customer';

export const EVENTS_COLUMNS = [
  'Received At',
  'Source',
  'Event ID',
  'Event Type',
  'Verification',
  'Result',
  'Message',
  'Payload',
] as const;
export const PAYLOAD_CONT_HEADER = 'Payload (cont.)';
/** A cell holds at most 50,000 characters; one is kept free for the apostrophe that forces text. */
export const PAYLOAD_CHUNK = 49_999;

export const EXCEPTIONS_COLUMNS = [
  'Exception ID',
  'Opened At',
  'Reason',
  'Stripe Invoice ID',
  'Event ID',
  'Amount',
  'Currency',
  'Status',
  'Resolution',
  'Resolved By',
  'Resolved At',
  'Note',
  'Owner',
  'Snoozed Until',
  'Open Key',
  'Cause',
  'Not Matched',
] as const;
/**
 * Hidden bookkeeping columns of `Exceptions`: the reason and key for one open exception at a time, its cause, and the
 * ledger rows a reviewer said the exception does not belong to (the sidebar offers them no more).
 */
export const EXCEPTIONS_HIDDEN = ['Open Key', 'Cause', 'Not Matched'] as const;

export const AUDIT_COLUMNS = [
  'At',
  'Actor',
  'Action',
  'Target',
  'Field',
  'Before',
  'After',
  'Evidence',
] as const;

/** `Payouts`: one row per Stripe payout, kept by the add-on; `Payout ID` is the key. */
export const PAYOUTS_KEY = 'Payout ID';
export const PAYOUTS_MAINTAINED = [
  'Arrival Date',
  'Amount',
  'Currency',
  'Status',
  'Payments',
  'Gross',
  'Fees',
  'Refunds',
  'Net',
] as const;
export const PAYOUT_STATUSES = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;

export const PAYMENT_STATUSES = [
  'open',
  'processing',
  'paid',
  'partially_paid',
  'payment_failed',
  'void',
  'uncollectible',
  'refunded',
  'partially_refunded',
  'disputed',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const EXCEPTION_REASONS = [
  'UNKNOWN_INVOICE',
  'UNMATCHED_PAYMENT',
  'UNDERPAID',
  'OVERPAID',
  'CURRENCY_MISMATCH',
  'DUPLICATE_PAYMENT',
  'PAYMENT_FAILED',
  'REFUNDED',
  'DISPUTED',
  'STATUS_CONFLICT',
  'SETTLEMENT_OVERDUE',
  'DRIFT',
  'BILLING_MISMATCH',
  'PAYOUT_FAILED',
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

export const EXCEPTION_STATUSES = ['open', 'resolved', 'dismissed', 'snoozed'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

export type WebhookResult = 'processed' | 'duplicate' | 'ignored' | 'rejected' | 'queued' | 'busy' | 'error';
export type Verification = 'valid' | 'invalid' | 'missing' | 'stale' | 'unconfigured' | 'api';
export type EventSource = 'webhook' | 'sync';

/** What the relay answers Stripe for each verdict: 503 makes Stripe retry; anything unreadable is treated as 503. */
export const RELAY_STATUS: Readonly<Record<WebhookResult, number>> = {
  processed: 200,
  duplicate: 200,
  ignored: 200,
  rejected: 400,
  queued: 200,
  busy: 503,
  error: 503,
};

export interface WebhookAnswer {
  result: WebhookResult;
  eventId: string | null;
  message: string;
}

export const VERSION = '0.1.0';
