// The four sheets as the report reads them: one typed record per row, from plain rows whose columns are found by
// header. A column the sheet does not have yet reads as blank, so nothing here fails on an older layout.

import { LEDGER_KEY, LEDGER_STATE_COLUMN } from '../contract';
import { parseState } from '../merge';
import { normaliseCurrency } from '../money';
import { type SheetTable, sheetRows } from '../sheet-rows';
import type { InvoiceState } from '../state';

export interface LedgerEntry {
  invoiceId: string;
  status: string;
  /** Major units; 0 when blank. */
  amountPaid: number;
  amountRefunded: number;
  /** `Stripe Fee` and `Net Amount` (filled with STRIPE_API_KEY); null when blank or the columns are not there yet. */
  stripeFee: number | null;
  netAmount: number | null;
  expectedAmount: number | null;
  paidAt: Date | null;
  /** The row's `Currency`, else the invoice's as Stripe stated it; null when neither is known. */
  currency: string | null;
  state: InvoiceState | null;
}

export interface ExceptionEntry {
  exceptionId: string;
  openedAt: Date | null;
  reason: string;
  /** `Stripe Invoice ID`: the invoice, or the payment the exception is about when no invoice was found. */
  invoiceKey: string;
  /** Every event in the evidence, first one first. */
  eventIds: string[];
  amount: number | null;
  currency: string | null;
  /** Lower-case: `open`, `resolved`, `dismissed`, `snoozed`. */
  status: string;
  resolvedAt: Date | null;
  /** The optional `Owner` column: who is to settle it. */
  owner: string;
}

export interface LoggedDelivery {
  receivedAt: Date | null;
  source: string;
  eventId: string;
  eventType: string;
  verification: string;
  result: string;
  /** The raw body, '' when it was not read (the report reads bodies of recent rows only). */
  payload: string;
}

export interface AuditLine {
  at: Date | null;
  action: string;
  target: string;
  field: string;
}

export function ledgerEntries(table: SheetTable): LedgerEntry[] {
  return sheetRows(table)
    .map((row) => {
      const state = parseState(row.text(LEDGER_STATE_COLUMN));
      return {
        invoiceId: row.text(LEDGER_KEY),
        status: row.text('Payment Status').toLowerCase(),
        amountPaid: row.number('Amount Paid') ?? 0,
        amountRefunded: row.number('Amount Refunded') ?? 0,
        stripeFee: row.number('Stripe Fee'),
        netAmount: row.number('Net Amount'),
        expectedAmount: row.number('Expected Amount'),
        paidAt: row.date('Paid At'),
        currency: normaliseCurrency(row.text('Currency')) ?? state?.currency ?? null,
        state,
      };
    })
    .filter((entry) => entry.invoiceId !== '');
}

export function exceptionEntries(table: SheetTable): ExceptionEntry[] {
  return sheetRows(table)
    .map((row) => ({
      exceptionId: row.text('Exception ID'),
      openedAt: row.date('Opened At'),
      reason: row.text('Reason').toUpperCase(),
      invoiceKey: row.text('Stripe Invoice ID'),
      eventIds: row
        .text('Event ID')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
      amount: row.number('Amount'),
      currency: normaliseCurrency(row.text('Currency')),
      status: row.text('Status').toLowerCase(),
      resolvedAt: row.date('Resolved At'),
      owner: row.text('Owner'),
    }))
    .filter((entry) => entry.exceptionId !== '' || entry.reason !== '');
}

export function loggedDeliveries(table: SheetTable): LoggedDelivery[] {
  return sheetRows(table).map((row) => ({
    receivedAt: row.date('Received At'),
    source: row.text('Source').toLowerCase(),
    eventId: row.text('Event ID'),
    eventType: row.text('Event Type'),
    verification: row.text('Verification').toLowerCase(),
    result: row.text('Result').toLowerCase(),
    payload: typeof row.cell('Payload') === 'string' ? String(row.cell('Payload')) : '',
  }));
}

export function auditLines(table: SheetTable): AuditLine[] {
  return sheetRows(table).map((row) => ({
    at: row.date('At'),
    action: row.text('Action'),
    target: row.text('Target'),
    field: row.text('Field'),
  }));
}
