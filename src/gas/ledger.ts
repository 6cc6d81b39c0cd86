// `Ledger`: rows found by `Stripe Invoice ID` with a TextFinder (no column read), read and written one row at a time.

import { LEDGER_KEY, LEDGER_MAINTAINED, LEDGER_STATE_COLUMN, SHEET } from '../core/contract';
import type { CellChange, MaintainedValues } from '../core/ledger-row';
import { parseState, serialiseState } from '../core/merge';
import { normaliseCurrency } from '../core/money';
import type { Ledger, LedgerRecord } from '../core/ports';
import type { InvoiceState } from '../core/state';
import { type Cell, writeRowCells } from './layout';
import { asCellValue, asSheetText, columnLetter } from './sheet-text';
import type { Workbook } from './workbook';

interface RowHandle {
  range: GoogleAppsScript.Spreadsheet.Range;
  values: Cell[];
}

/** Maintained cells whose text came from Stripe. */
const TEXT_FIELDS = new Set<string>(['Stripe Payment ID', 'Last Stripe Event']);

export class SheetLedger implements Ledger {
  constructor(private readonly book: Workbook) {}

  findByInvoice(invoiceId: string): LedgerRecord | null {
    const layout = this.book.layout(SHEET.ledger);
    const key = layout.require(LEDGER_KEY);
    const letter = columnLetter(key);
    const cell = this.book
      .range(SHEET.ledger, `${letter}:${letter}`)
      .createTextFinder(invoiceId)
      .matchEntireCell(true)
      .findNext();
    return cell ? this.recordAt(cell, key) : null;
  }

  findByPayment(paymentId: string): LedgerRecord | null {
    const layout = this.book.layout(SHEET.ledger);
    const column = layout.column('Stripe Payment ID');
    if (!column || !/^[A-Za-z0-9_]+$/.test(paymentId)) return null;
    const letter = columnLetter(column);
    // The cell lists every payment of the invoice, comma-separated: match the id as a whole item.
    const cell = this.book
      .range(SHEET.ledger, `${letter}:${letter}`)
      .createTextFinder(`(^|, )${paymentId}(,|$)`)
      .useRegularExpression(true)
      .matchCase(true)
      .findNext();
    return cell ? this.recordAt(cell, column) : null;
  }

  write(record: LedgerRecord, state: InvoiceState, changes: CellChange[]): void {
    const handle = record.handle as RowHandle;
    const layout = this.book.layout(SHEET.ledger);
    const updates = new Map<number, Cell>();
    for (const change of changes) {
      const column = layout.require(change.field);
      updates.set(column, TEXT_FIELDS.has(change.field) ? asCellValue(change.after) : change.after);
    }
    updates.set(layout.require(LEDGER_STATE_COLUMN), asSheetText(serialiseState(state)));
    writeRowCells(handle.range, handle.values, updates);
  }

  private recordAt(cell: GoogleAppsScript.Spreadsheet.Range, column: number): LedgerRecord {
    const layout = this.book.layout(SHEET.ledger);
    const range = cell.offset(0, 1 - column, 1, layout.width);
    const values = (range.getValues()[0] ?? []) as Cell[];
    const at = (name: string): Cell => {
      const c = layout.column(name);
      return c ? (values[c - 1] ?? '') : '';
    };
    const cells = Object.fromEntries(LEDGER_MAINTAINED.map((name) => [name, at(name)])) as MaintainedValues;
    const expected = at('Expected Amount');
    return {
      invoiceId: String(at(LEDGER_KEY)).trim(),
      expectedAmount: typeof expected === 'number' && Number.isFinite(expected) ? expected : parseAmount(expected),
      currency: normaliseCurrency(String(at('Currency'))),
      cells,
      state: parseStateCell(at(LEDGER_STATE_COLUMN)),
      handle: { range, values } satisfies RowHandle,
    };
  }
}

function parseAmount(cell: Cell): number | null {
  if (typeof cell !== 'string' || cell.trim() === '') return null;
  const value = Number(cell.replace(/[,\s]/g, ''));
  return Number.isFinite(value) ? value : null;
}

function parseStateCell(cell: Cell): InvoiceState | null {
  if (typeof cell !== 'string' || cell.trim() === '') return null;
  try {
    return parseState(JSON.parse(cell));
  } catch {
    return null;
  }
}
