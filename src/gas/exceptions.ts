// `Exceptions`: the review queue. The hidden `Open Key` column holds `REASON:invoice` for an exception's whole life
// and `Cause` what it was opened for, so "which exceptions does this invoice have for this reason?" is one finder
// over one column, whatever the queue's size.

import { DEFAULT_AMOUNT_FORMAT, formatBeyondDefault } from '../core/amount-format';
import type { ExceptionBook, ExceptionRecord, ExceptionUpdate, NewException } from '../core/apply/ports';
import { SHEET } from '../core/contract';
import { BOOKKEEPING } from '../core/settings';
import { appendRows } from './audit';
import { type Cell, writeRowCells } from './layout';
import { asSheetText } from './sheet-text';
import type { Workbook } from './workbook';

/** Reasons whose key is not an invoice (a payment, a payout): their `Stripe Invoice ID` stays blank. */
const NO_INVOICE = new Set<string>(['UNMATCHED_PAYMENT', 'PAYOUT_FAILED']);

/** Up to this many keys are looked up with a finder each; more are answered from one read of the sheet. */
const FINDER_LIMIT = 4;

interface Handle {
  range: GoogleAppsScript.Spreadsheet.Range | null;
  rowNumber: number | null;
  values: Cell[];
}

export class SheetExceptionBook implements ExceptionBook {
  constructor(private readonly book: Workbook) {}

  lookup(openKeys: string[]): ExceptionRecord[] {
    const keys = new Set(openKeys);
    if (keys.size === 0) return [];
    const layout = this.book.layout(SHEET.exceptions);
    const keyColumn = layout.require('Open Key');
    if (keys.size > FINDER_LIMIT) return this.readAll().filter((record) => keys.has(record.openKey));
    return [...keys].flatMap((key) => this.found(keyColumn, key).filter((record) => record.openKey === key));
  }

  lookupIds(exceptionIds: string[]): ExceptionRecord[] {
    const ids = new Set(exceptionIds);
    if (ids.size === 0) return [];
    const layout = this.book.layout(SHEET.exceptions);
    if (ids.size > FINDER_LIMIT) return this.readAll().filter((record) => ids.has(record.exceptionId));
    const idColumn = layout.require('Exception ID');
    return [...ids].flatMap((id) => this.found(idColumn, id).filter((record) => record.exceptionId === id));
  }

  /** Rows whose `column` holds `text` (a substring, any case: callers confirm). */
  private found(column: number, text: string): ExceptionRecord[] {
    const width = this.book.layout(SHEET.exceptions).width;
    return this.book
      .rowsHolding(SHEET.exceptions, column, text, width)
      .map(({ range, values }) => this.recordOf(values, { range, rowNumber: null, values }));
  }

  /** Every exception, in one read (the sidebar, the report). */
  readAll(): ExceptionRecord[] {
    const sheet = this.book.sheet(SHEET.exceptions);
    const layout = this.book.layout(SHEET.exceptions);
    const last = sheet.getLastRow();
    if (last < 2) return [];
    const values = sheet.getRange(2, 1, last - 1, layout.width).getValues() as Cell[][];
    return values
      .map((row, i) => this.recordOf(row, { range: null, rowNumber: i + 2, values: row }))
      .filter((record) => record.exceptionId !== '');
  }

  write(opened: NewException[], updated: ExceptionUpdate[]): void {
    const layout = this.book.layout(SHEET.exceptions);
    for (const { record, cells } of updated) {
      const handle = record.handle as Handle;
      const range =
        handle.range ??
        this.book.sheet(SHEET.exceptions).getRange(handle.rowNumber as number, 1, 1, layout.width);
      const updates = new Map<number, Cell>();
      for (const [name, value] of Object.entries(cells)) {
        const column = layout.column(name);
        if (column) updates.set(column, typeof value === 'string' ? asSheetText(value) : (value as Cell));
      }
      writeRowCells(range, handle.values, updates);
    }
    if (opened.length === 0) return;
    if (opened.some((entry) => entry.reason === 'UNKNOWN_INVOICE')) {
      PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.parkedEvidence, '1');
    }
    const rows = opened.map((entry) =>
      layout.rowOf({
        'Exception ID': entry.exceptionId,
        'Opened At': entry.openedAt,
        Reason: entry.reason,
        // A payment parked without an invoice, money that belongs to no invoice, and a payout name no invoice: the
        // evidence, the note and the hidden key name them.
        'Stripe Invoice ID':
          NO_INVOICE.has(entry.reason) || namesPayment(entry) ? '' : asSheetText(entry.invoiceKey),
        'Event ID': asSheetText(entry.eventIds.join(', ')),
        Amount: entry.amount ?? '',
        Currency: entry.currency ? asSheetText(entry.currency) : '',
        Status: 'open',
        Note: asSheetText(entry.note),
        'Open Key': asSheetText(`${entry.reason}:${entry.invoiceKey}`),
        Cause: asSheetText(entry.cause),
      }),
    );
    const sheet = this.book.sheet(SHEET.exceptions);
    // One or two rows: appendRow finds the last row in Sheets (one call each); more: one block write.
    let first: number | null = null;
    if (rows.length <= 2) for (const row of rows) sheet.appendRow(row);
    else first = appendRows(sheet, rows, layout.width);
    // The Amount column shows two decimals unless a row says otherwise: a yen or dinar amount gets its own format.
    const formats = opened.map((entry) => formatBeyondDefault(entry.currency));
    const amount = layout.column('Amount');
    if (amount && formats.some((format) => format !== null)) {
      const top = first ?? sheet.getLastRow() - rows.length + 1;
      sheet
        .getRange(top, amount, rows.length, 1)
        .setNumberFormats(formats.map((format) => [format ?? DEFAULT_AMOUNT_FORMAT]));
    }
  }

  private recordOf(values: Cell[], handle: Handle): ExceptionRecord {
    const layout = this.book.layout(SHEET.exceptions);
    const at = (name: string): Cell => {
      const column = layout.column(name);
      return column ? (values[column - 1] ?? '') : '';
    };
    return {
      exceptionId: String(at('Exception ID')),
      openKey: String(at('Open Key')),
      cause: String(at('Cause')),
      status: String(at('Status')).trim().toLowerCase(),
      eventIds: String(at('Event ID'))
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
      amount: at('Amount'),
      currency: String(at('Currency')),
      cells: Object.fromEntries(layout.header.map((name, i) => [name, values[i] ?? ''])),
      handle,
    };
  }
}

const PAYMENT_PREFIXES = ['pi_', 'ch_', 'py_', 'inpay_', 'evt_', 'cs_', 'po_'];

function namesPayment(entry: NewException): boolean {
  return (
    entry.reason === 'UNMATCHED_PAYMENT' ||
    PAYMENT_PREFIXES.some((prefix) => entry.invoiceKey.startsWith(prefix))
  );
}
