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
    const exact = (record: LedgerRecord) => record.invoiceId === invoiceId;
    return this.findInColumn(key, invoiceId, exact);
  }

  findByPayment(paymentId: string): LedgerRecord | null {
    const layout = this.book.layout(SHEET.ledger);
    const column = layout.column('Stripe Payment ID');
    if (!column) return null;
    // The cell lists every payment of the invoice, comma-separated: the id must be one whole item.
    const listed = (record: LedgerRecord) =>
      String(record.cells['Stripe Payment ID'])
        .split(',')
        .some((item) => item.trim() === paymentId);
    return this.findInColumn(column, paymentId, listed);
  }

  /**
   * The first row whose cell in `column` contains `text`, confirmed on the row read. The plain finder costs one call
   * less than an exact one; when its first hit is only a near match (`in_12` in `in_123`, or another case), every
   * hit is checked.
   */
  private findInColumn(
    column: number,
    text: string,
    confirm: (record: LedgerRecord) => boolean,
  ): LedgerRecord | null {
    const letter = columnLetter(column);
    const finder = this.book.range(SHEET.ledger, `${letter}:${letter}`).createTextFinder(text);
    const first = finder.findNext();
    if (!first) return null;
    const record = this.recordAt(first, column);
    if (confirm(record)) return record;
    for (const cell of finder.findAll()) {
      const candidate = this.recordAt(cell, column);
      if (confirm(candidate)) return candidate;
    }
    return null;
  }

  write(record: LedgerRecord, state: InvoiceState, changes: CellChange[]): void {
    const handle = record.handle as RowHandle;
    writeRowCells(handle.range, handle.values, this.cellUpdates(state, changes), this.ownColumns());
  }

  restore(record: LedgerRecord, previous: InvoiceState | null, changes: CellChange[]): void {
    const handle = record.handle as RowHandle;
    const layout = this.book.layout(SHEET.ledger);
    const updates = new Map<number, Cell>();
    for (const change of changes) {
      const before = change.before;
      updates.set(layout.require(change.field), TEXT_FIELDS.has(change.field) ? asCellValue(before) : before);
    }
    updates.set(layout.require(LEDGER_STATE_COLUMN), previous ? asSheetText(serialiseState(previous)) : '');
    writeRowCells(handle.range, handle.values, updates, this.ownColumns());
  }

  /** Maintained and state columns hold no user formula, so a span over them needs no formula read. */
  ownColumns(): Set<number> {
    const layout = this.book.layout(SHEET.ledger);
    return new Set(
      [...LEDGER_MAINTAINED, LEDGER_STATE_COLUMN].map((name) => layout.column(name)).filter(Boolean),
    );
  }

  /** The cells `write` sets, by column: for writers of many rows at once (sync). */
  cellUpdates(state: InvoiceState, changes: CellChange[]): Map<number, Cell> {
    const layout = this.book.layout(SHEET.ledger);
    const updates = new Map<number, Cell>();
    for (const change of changes) {
      const column = layout.require(change.field);
      updates.set(column, TEXT_FIELDS.has(change.field) ? asCellValue(change.after) : change.after);
    }
    updates.set(layout.require(LEDGER_STATE_COLUMN), asSheetText(serialiseState(state)));
    return updates;
  }

  private recordAt(cell: GoogleAppsScript.Spreadsheet.Range, column: number): LedgerRecord {
    const layout = this.book.layout(SHEET.ledger);
    const range = cell.offset(0, 1 - column, 1, layout.width);
    const values = (range.getValues()[0] ?? []) as Cell[];
    return this.recordOf(values, { range, values });
  }

  /**
   * A record for a row already read in bulk (sync reads many rows in one call): its one-row range is made only
   * when the row is written.
   */
  recordFromValues(rowNumber: number, values: Cell[]): LedgerRecord {
    const book = this.book;
    let range: GoogleAppsScript.Spreadsheet.Range | null = null;
    const handle: RowHandle = {
      values,
      get range() {
        range ??= book.sheet(SHEET.ledger).getRange(rowNumber, 1, 1, book.layout(SHEET.ledger).width);
        return range;
      },
    };
    return this.recordOf(values, handle);
  }

  private recordOf(values: Cell[], handle: RowHandle): LedgerRecord {
    const layout = this.book.layout(SHEET.ledger);
    const at = (name: string): Cell => {
      const c = layout.column(name);
      return c ? (values[c - 1] ?? '') : '';
    };
    const cells = Object.fromEntries(LEDGER_MAINTAINED.map((name) => [name, at(name)])) as MaintainedValues;
    const expected = at('Expected Amount');
    return {
      invoiceId: String(at(LEDGER_KEY)).trim(),
      expectedAmount:
        typeof expected === 'number' && Number.isFinite(expected) ? expected : parseAmount(expected),
      currency: normaliseCurrency(String(at('Currency'))),
      cells,
      state: parseStateCell(at(LEDGER_STATE_COLUMN)),
      handle,
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
