// A ledger row as the decision sees it, and the changes written to it.

import type { ExceptionReason, LEDGER_MAINTAINED, LEDGER_SETTLEMENT_COLUMNS } from './contract';
import type { InvoiceState } from './state';

export type MaintainedColumn = (typeof LEDGER_MAINTAINED)[number];
type SettlementColumn = (typeof LEDGER_SETTLEMENT_COLUMNS)[number];
/** A cell as Sheets returns it: '' for blank. */
export type CellValue = string | number | boolean | Date;
/** Every maintained cell, as the evidence derives them. */
export type DerivedValues = Record<MaintainedColumn, CellValue>;
/** The maintained cells of a row: those of `Stripe Fee`, `Net Amount`, `Payout ID` only where the sheet has them. */
export type MaintainedValues = Record<Exclude<MaintainedColumn, SettlementColumn>, CellValue> &
  Partial<Record<SettlementColumn, CellValue>>;

export interface LedgerRowView {
  invoiceId: string;
  /** `Expected Amount` in major units, or null when blank. */
  expectedAmount: number | null;
  /** `Currency`, upper-cased, or null when blank. */
  currency: string | null;
  /** The maintained cells as currently in the sheet (hand edits included). */
  cells: MaintainedValues;
  /** The stored evidence, or null for a row the add-on has not touched yet. */
  state: InvoiceState | null;
}

export interface CellChange {
  field: MaintainedColumn;
  before: CellValue;
  after: CellValue;
}

/** An exception raised by a check of the system (drift, settlement timers), not by a Stripe event. */
export interface ExceptionDraft {
  reason: ExceptionReason;
  /** The invoice id, or the payment/charge id when the invoice could not be resolved. */
  invoiceKey: string;
  /** Stable fingerprint of the cause: the same cause never opens twice. */
  cause: string;
  /** The event the finding rests on, when there is one. */
  eventId: string;
  /** Major units; null when not applicable. */
  amount: number | null;
  /** Upper-case ISO code, or null. */
  currency: string | null;
  /** One human sentence: what happened and what to check. */
  note: string;
}
