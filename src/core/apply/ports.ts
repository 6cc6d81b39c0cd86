// What the apply step needs from the books. src/gas implements these over the sheets (one row at a time for a lone
// delivery, in bulk for a batch); tests implement them in memory.

import type { EventSource, ExceptionReason, Verification, WebhookResult } from '../contract';
import type { Money } from '../facts';
import type { CellChange, CellValue, ExceptionDraft, LedgerRowView } from '../ledger-row';
import type { PayoutCells, PayoutColumn } from '../payouts/payout-row';
import type { PayoutState } from '../payouts/payout-state';
import type { InvoiceState } from '../state';
import type { ThinEvent } from '../thin-event';
import type { Review } from './reviews';

/** A ledger row found by the adapter; `handle` is the adapter's own (e.g. the row number). */
export interface LedgerRecord extends LedgerRowView {
  handle: unknown;
  /** The row's hidden `Stripe Customer`, when the adapter read it ('' when blank or absent). */
  customer?: string;
}

export interface RowIndex {
  byInvoice(invoiceId: string): LedgerRecord | null;
  /** A row whose `Stripe Payment ID` (or stored evidence) names this payment intent or charge. */
  byPayment(paymentId: string): LedgerRecord | null;
}

export interface LedgerWrite {
  record: LedgerRecord;
  state: InvoiceState;
  /** Net change per cell over the batch: the first `before`, the last `after`. */
  changes: CellChange[];
  /** A `Stripe Invoice ID` to write into the row's blank key cell (a reviewer matched the row). */
  key?: string;
  /** A `Stripe Customer` to write with a reviewer's match (what the sidebar learns from). */
  customer?: string;
}

export interface LedgerRows {
  /** The rows these ids name, read in as few calls as the adapter can. */
  find(invoiceIds: string[], paymentIds: string[]): RowIndex;
  /** Each row's changed cells and its state, in as few calls as the adapter can; each row in one write. */
  write(writes: LedgerWrite[]): void;
  /** The row at this sheet row number (a reviewer picked it), or null past the last row. */
  atRow(rowNumber: number): LedgerRecord | null;
}

export interface ExceptionRecord {
  exceptionId: string;
  /** `REASON:invoice key`, kept for the exception's whole life. */
  openKey: string;
  /** The cause it was opened for (latest, while open). */
  cause: string;
  /** Lower-cased `Status`. */
  status: string;
  eventIds: string[];
  amount: CellValue;
  currency: string;
  /** Every cell of the row, by header. */
  cells: Record<string, CellValue>;
  handle: unknown;
}

export interface NewException {
  exceptionId: string;
  openedAt: Date;
  reason: ExceptionReason;
  invoiceKey: string;
  cause: string;
  eventIds: string[];
  amount: number | null;
  currency: string | null;
  note: string;
}

/** Cells of an existing exception the apply step changes; absent fields are left alone. */
export interface ExceptionCells {
  'Event ID'?: string;
  Status?: string;
  Resolution?: string;
  'Resolved By'?: string;
  'Resolved At'?: Date | '';
  Note?: string;
  Owner?: string;
  Cause?: string;
  'Snoozed Until'?: Date | '';
  /** Fingerprints of rows a reviewer said are not this exception's, comma-separated. */
  'Not Matched'?: string;
}

export interface ExceptionUpdate {
  record: ExceptionRecord;
  cells: ExceptionCells;
}

export interface ExceptionBook {
  /** Every exception, of any status, whose open key is one of these. */
  lookup(openKeys: string[]): ExceptionRecord[];
  /** The exceptions with these ids. */
  lookupIds(exceptionIds: string[]): ExceptionRecord[];
  write(opened: NewException[], updated: ExceptionUpdate[]): void;
}

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  target: string;
  field: string;
  before: CellValue;
  after: CellValue;
  evidence: string;
}

export interface AuditBook {
  append(entries: AuditEntry[]): void;
  /** `evidence|target|field` of rows already written with these evidence values: only recovery asks. */
  existingKeys(evidence: string[]): Set<string>;
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

export interface LogWrite {
  row: number;
  entry: EventLogRow;
  /** The row exists (recorded as `queued`): only its result, message and event id change. */
  resultOnly: boolean;
}

export interface LoggedDelivery {
  row: number;
  entry: EventLogRow;
}

export interface EventLog {
  /** Ids among these with a row that settled them (`processed`, `duplicate`, `ignored`), rows listed excepted. */
  alreadyLogged(eventIds: string[], exceptRows: readonly number[]): Set<string>;
  /** Reserves rows for new entries, under the append lock; returns the first. */
  reserve(count: number): number;
  write(writes: LogWrite[]): void;
  /** Rows as logged (blank rows left out): for recovery and the queue. */
  read(rows: readonly number[]): LoggedDelivery[];
  /** The settled rows of these events (a parked exception's evidence, to apply when a row claims it). */
  findEvents(eventIds: string[]): LoggedDelivery[];
  /** Settled rows whose payload names any of these payment ids (what else Stripe said about a held payment). */
  mentioning(paymentIds: string[]): LoggedDelivery[];
  /** Called before a row of a held payment is written, so that a later sync knows to look for it. */
  noteHeld(): void;
}

/**
 * The write-ahead record of the change being written: set before the first write of a batch, cleared after the
 * last. One left behind means an execution stopped mid-way; the next holder of the lock completes its change.
 */
export interface JournalEntry {
  /** `Stripe Events` rows of the batch's deliveries, with the result the batch decided for each. */
  rows: [number, WebhookResult][];
  /**
   * Deliveries whose row is written only as the batch's last step (a lone delivery, applied at once): kept here whole,
   * so that recovery has their payload.
   */
  inline: LoggedDelivery[];
  /** Exceptions raised by system checks in the batch (they have no log row to recover from). */
  findings: JournalFinding[];
  /** Audit rows recorded as they are (escalations). */
  notes: Omit<AuditEntry, 'at'>[];
  /** Reviewers' actions, so that one interrupted is completed with its Audit rows. */
  reviews: Review[];
  /** `Stripe Events` rows of held payments this batch decides (sync's look after the grace window). */
  releases?: number[];
  /** Epoch ms at which the batch began, for the message. */
  at: number;
}

export interface JournalFinding extends ExceptionDraft {
  actor: string;
}

export interface Journal {
  read(): JournalEntry | null;
  /** Whether the entry fits in the journal (a script property holds 9 KB). */
  fits(entry: JournalEntry): boolean;
  begin(entry: JournalEntry): void;
  end(): void;
}

export type PaymentLink =
  | { kind: 'invoice'; invoiceId: string }
  /** Stripe says this payment paid no invoice. */
  | { kind: 'none'; why: string }
  /** No key is set, so Stripe could not be asked. */
  | { kind: 'unasked'; why: string }
  /** Stripe could not be asked now (network, 429, 5xx): the delivery fails and Stripe retries it. */
  | { kind: 'unavailable'; message: string };

/** Stripe's invoice_payments API: which invoice a payment intent or charge paid. */
export interface PaymentLinks {
  invoiceForPayment(paymentId: string): PaymentLink;
}

/** The v1 event a thin event stands for, read with the API key. */
export type FullEvent =
  | { kind: 'found'; payload: string }
  /** No STRIPE_API_KEY: the delivery fails with a message that names it; Stripe retries, sync catches up. */
  | { kind: 'unconfigured'; message: string }
  /** Stripe has no such event for this key (another account or mode, or older than 30 days). */
  | { kind: 'missing'; message: string }
  | { kind: 'unavailable'; message: string };

export interface StripeEvents {
  fullEvent(thin: ThinEvent): FullEvent;
}

/** A payment's balance transaction, read in one expanded request. */
export type SettlementRead =
  | { kind: 'found'; transactionId: string; amount: Money; fee: Money; net: Money }
  /** No key, no balance transaction yet, or a payment recorded outside Stripe: the fee stays blank for now. */
  | { kind: 'none'; why: string }
  | { kind: 'unavailable'; message: string };

export interface Balances {
  settlementOf(payment: { paymentId: string; chargeId: string | null }): SettlementRead;
}

/** A `Payouts` row as read. */
export interface PayoutRecord {
  payoutId: string;
  cells: Partial<PayoutCells>;
  state: PayoutState | null;
  handle: unknown;
}

export interface PayoutChange {
  field: PayoutColumn;
  before: CellValue;
  after: CellValue;
}

export interface PayoutWrite {
  /** null: a payout the sheet has no row for yet, appended. */
  record: PayoutRecord | null;
  payoutId: string;
  state: PayoutState;
  changes: PayoutChange[];
}

export interface PayoutRows {
  /** Whether the `Payouts` sheet exists (a ledger set up before it did has none until Set up ledger runs again). */
  ready(): boolean;
  /** The rows of these payouts that exist, by payout id. */
  find(payoutIds: string[]): Map<string, PayoutRecord>;
  /** Updates rows in place and appends new ones, each row in one write. */
  write(writes: PayoutWrite[]): void;
}

export interface Clock {
  now(): Date;
}

export interface BooksPorts {
  clock: Clock;
  /** The spreadsheet's time zone, for ids and messages. */
  timeZone: string;
  ledger: LedgerRows;
  exceptions: ExceptionBook;
  audit: AuditBook;
  log: EventLog;
  journal: Journal;
  paymentLinks: PaymentLinks;
  events: StripeEvents;
  balances: Balances;
  payouts: PayoutRows;
  /** Makes every sheet write so far durable (Apps Script batches them). */
  flush(): void;
}
