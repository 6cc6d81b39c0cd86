// What the pipeline needs from the outside world. src/gas implements these over Apps Script; tests use fakes.

import type { EventSource, Verification, WebhookResult } from './contract';
import type { CellChange, ExceptionDraft, LedgerRowView } from './ledger-row';
import type { InvoiceState } from './state';

export interface Clock {
  now(): Date;
}

/** HMAC-SHA256 of a UTF-8 message under a UTF-8 key, as lower-case hex. */
export type HmacSha256Hex = (key: string, message: string) => string;

export interface ScriptLock {
  /** False when the lock was not had within the time. */
  tryLock(timeoutMs: number): boolean;
  release(): void;
}

export interface EventLogRow {
  receivedAt: Date;
  source: EventSource;
  /** Only for verified events: the dedupe index searches this column. */
  eventId: string | null;
  eventType: string | null;
  verification: Verification;
  result: WebhookResult;
  message: string;
  payload: string;
}

export interface EventLog {
  /** Was this event id logged before as verified (any result but `error`)? Durable, whatever the log's size. */
  hasApplied(eventId: string): boolean;
  /** Appends one row; the handle lets a failure that happens after it be recorded on the same row. */
  append(row: EventLogRow): unknown;
  /** Records on an appended row that applying failed: Result `error`, the message, and the event id cleared so that
   * Stripe's retry is applied rather than answered `duplicate`. */
  markFailed(handle: unknown, message: string): void;
}

/** A ledger row found by the adapter; `handle` is the adapter's own (e.g. the row number). */
export interface LedgerRecord extends LedgerRowView {
  handle: unknown;
}

export interface Ledger {
  findByInvoice(invoiceId: string): LedgerRecord | null;
  /** A row whose `Stripe Payment ID` (or stored evidence) names this payment intent or charge. */
  findByPayment(paymentId: string): LedgerRecord | null;
  /** Writes the changed maintained cells and the state in one call. */
  write(record: LedgerRecord, state: InvoiceState, changes: CellChange[]): void;
  /** Undoes a `write` whose event could not be finished: each change's `before`, and the previous state. */
  restore(record: LedgerRecord, previous: InvoiceState | null, changes: CellChange[]): void;
}

export interface OpenException {
  exceptionId: string;
  handle: unknown;
}

export interface ExceptionQueue {
  /** The open exception for this reason and invoice key, if any. */
  findOpen(reason: ExceptionDraft['reason'], invoiceKey: string): OpenException | null;
  /** Appends a new open exception; returns its id. */
  open(draft: ExceptionDraft, openedAt: Date): string;
  /** Adds a repeat of the cause to an open exception's evidence. */
  addEvidence(open: OpenException, draft: ExceptionDraft): void;
}

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  target: string;
  field: string;
  before: string | number | boolean | Date;
  after: string | number | boolean | Date;
  evidence: string;
}

export interface AuditTrail {
  append(entries: AuditEntry[]): void;
}

/** Stripe's invoice_payments API: which invoice a payment intent or charge paid. Null when unknown or unreachable. */
export interface PaymentLinks {
  invoiceForPayment(paymentId: string): string | null;
}

/** Bounded storage for rejected requests: full rows up to a limit per hour, a count after. */
export interface RejectionBudget {
  /** Whether this rejected request may be stored in full; `summary` is a note on requests dropped in a past hour. */
  admit(now: Date): { store: boolean; summary: string | null };
}

export interface WebhookSecrets {
  /** Trimmed `whsec_…` secrets; empty when none is configured. */
  list(): string[];
}
