// A ledger row as the decision sees it, and what the decision returns.

import type { ExceptionReason, LEDGER_MAINTAINED } from './contract';
import type { InvoiceState } from './state';

export type MaintainedColumn = (typeof LEDGER_MAINTAINED)[number];
/** A cell as Sheets returns it: '' for blank. */
export type CellValue = string | number | boolean | Date;
export type MaintainedValues = Record<MaintainedColumn, CellValue>;

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

export interface ExceptionDraft {
  reason: ExceptionReason;
  /** The invoice id, or the payment/charge id when the invoice could not be resolved. */
  invoiceKey: string;
  eventId: string;
  /** Major units of the payment (BILLING_MISMATCH: the invoice's amount_due); null when not applicable. */
  amount: number | null;
  /** Upper-case ISO code, or null. */
  currency: string | null;
  /** One human sentence: what happened and what to check. */
  note: string;
}

export interface CellChange {
  field: MaintainedColumn;
  before: CellValue;
  after: CellValue;
}

export interface Decision {
  /** The state to store (unchanged object when nothing new was learned). */
  state: InvoiceState | null;
  /** Maintained cells whose value changes, in contract column order. */
  changes: CellChange[];
  exceptions: ExceptionDraft[];
  /** True when the event was older than the row's newest evidence and changed nothing. */
  superseded: boolean;
  /** For the answer and the log: what was done, in one sentence. */
  message: string;
}
