// `Ledger`: rows found by `Stripe Invoice ID` (or a payment id in `Stripe Payment ID`). A few ids are found with a
// TextFinder each (the search runs in Sheets, no column is read); many are found from one read of the key columns,
// and the rows they name are read in runs of nearby rows. Each touched row is written in one call, its maintained
// cells and its state together, so no half-written row is ever visible.

import { formatBeyondDefault } from '../core/amount-format';
import type { LedgerRecord, LedgerRows, LedgerWrite, RowIndex } from '../core/apply/ports';
import {
  LEDGER_CUSTOMER_COLUMN,
  LEDGER_KEY,
  LEDGER_MAINTAINED,
  LEDGER_STATE_COLUMN,
  SHEET,
} from '../core/contract';
import type { CellChange, MaintainedValues } from '../core/ledger-row';
import { LOOK } from '../core/look';
import { parseState, serialiseState } from '../core/merge';
import { normaliseCurrency } from '../core/money';
import type { InvoiceState } from '../core/state';
import { type Cell, writeRowCells } from './layout';
import { asCellValue, asSheetText, columnLetter } from './sheet-text';
import type { Workbook } from './workbook';

/** Up to this many ids are found with a finder each; more are found from one read of the key columns. */
const FINDER_LIMIT = 4;
/** Rows further apart than this are read in separate calls rather than reading the rows between. */
const MAX_ROW_GAP = 25;

/** Maintained cells whose text came from Stripe. */
const TEXT_FIELDS = new Set<string>(['Stripe Payment ID', 'Last Stripe Event']);
/** The amount columns the add-on writes (the Ledger's look lists them, `Expected Amount`, the school's own, aside). */
const LEDGER_AMOUNT_FIELDS: ReadonlySet<string> = new Set(
  (LOOK.find((look) => look.sheet === SHEET.ledger)?.amounts?.columns ?? []).filter(
    (name) => name !== 'Expected Amount',
  ),
);

interface RowHandle {
  /** Known for rows read in bulk; a finder's hit carries its range instead. */
  rowNumber: number | null;
  range: GoogleAppsScript.Spreadsheet.Range | null;
  values: Cell[];
}

export class SheetLedger implements LedgerRows {
  /** Rows read by the last bulk find, under the lock: a write may span them. */
  private read = new Map<number, Cell[]>();

  constructor(private readonly book: Workbook) {}

  find(invoiceIds: string[], paymentIds: string[]): RowIndex {
    if (invoiceIds.length + paymentIds.length <= FINDER_LIMIT) return this.findEach();
    return this.findInBulk(invoiceIds, paymentIds);
  }

  write(writes: LedgerWrite[]): void {
    const bulk = writes.filter((w) => (w.record.handle as RowHandle).rowNumber !== null);
    for (const write of writes) {
      const handle = write.record.handle as RowHandle;
      if (handle.rowNumber !== null) continue;
      const range = handle.range as GoogleAppsScript.Spreadsheet.Range;
      const updates = this.cellUpdates(write);
      writeRowCells(range, handle.values, updates, this.ownColumns(), this.amountFormats(write, updates));
      // A row found on its own after a bulk read (a charge linked through Stripe) must not then be written back by a
      // run of nearby rows as that read saw it.
      if (bulk.length > 0) this.read.delete(range.getRow());
    }
    if (bulk.length > 0) this.writeBlocks(bulk);
  }

  atRow(rowNumber: number): LedgerRecord | null {
    const sheet = this.book.sheet(SHEET.ledger);
    if (rowNumber < 2 || rowNumber > sheet.getLastRow()) return null;
    const values = (sheet.getRange(rowNumber, 1, 1, this.book.layout(SHEET.ledger).width).getValues()[0] ??
      []) as Cell[];
    this.read.set(rowNumber, values);
    return this.recordOf(values, { rowNumber, range: null, values });
  }

  /** Every row with an invoice id, in one read (drift, verify, the report). */
  readAll(): (LedgerRecord & { rowNumber: number })[] {
    const sheet = this.book.sheet(SHEET.ledger);
    const layout = this.book.layout(SHEET.ledger);
    const last = sheet.getLastRow();
    if (last < 2) return [];
    const values = sheet.getRange(2, 1, last - 1, layout.width).getValues() as Cell[][];
    const rows: (LedgerRecord & { rowNumber: number })[] = [];
    values.forEach((row, i) => {
      const record = this.recordOf(row, { rowNumber: i + 2, range: null, values: row });
      if (record.invoiceId) rows.push({ ...record, rowNumber: i + 2 });
    });
    return rows;
  }

  // --- a few ids ----------------------------------------------------------------------------------------------

  /** Each id is searched for when it is first asked about: a charge found by its payment intent costs one finder. */
  private findEach(): RowIndex {
    const layout = this.book.layout(SHEET.ledger);
    const key = layout.require(LEDGER_KEY);
    const paymentColumn = layout.column('Stripe Payment ID');
    const byInvoice = new Map<string, LedgerRecord | null>();
    const byPayment = new Map<string, LedgerRecord | null>();
    return {
      byInvoice: (id) => {
        if (!byInvoice.has(id))
          byInvoice.set(
            id,
            this.findInColumn(key, id, (record) => record.invoiceId === id),
          );
        return byInvoice.get(id) ?? null;
      },
      byPayment: (id) => {
        if (!byPayment.has(id)) {
          // The cell lists every payment of the invoice, comma-separated: the id must be one whole item.
          const listed = (record: LedgerRecord) =>
            String(record.cells['Stripe Payment ID'])
              .split(',')
              .some((item) => item.trim() === id);
          byPayment.set(id, paymentColumn ? this.findInColumn(paymentColumn, id, listed) : null);
        }
        return byPayment.get(id) ?? null;
      },
    };
  }

  /**
   * The first row whose cell in `column` contains `text`, confirmed on the row read. A plain finder costs one call
   * less than an exact one; when its first hit is only a near match (`in_12` in `in_123`), every hit is checked.
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

  private recordAt(cell: GoogleAppsScript.Spreadsheet.Range, column: number): LedgerRecord {
    const layout = this.book.layout(SHEET.ledger);
    const range = cell.offset(0, 1 - column, 1, layout.width);
    const values = (range.getValues()[0] ?? []) as Cell[];
    return this.recordOf(values, { rowNumber: null, range, values });
  }

  // --- many ids -----------------------------------------------------------------------------------------------

  private findInBulk(invoiceIds: string[], paymentIds: string[]): RowIndex {
    const layout = this.book.layout(SHEET.ledger);
    const sheet = this.book.sheet(SHEET.ledger);
    const last = sheet.getLastRow();
    const rowOfInvoice = new Map<string, number>();
    const rowOfPayment = new Map<string, number>();
    if (last >= 2) {
      const keys = sheet.getRange(2, layout.require(LEDGER_KEY), last - 1, 1).getValues();
      keys.forEach(([cell], i) => {
        const id = String(cell ?? '').trim();
        if (id && !rowOfInvoice.has(id)) rowOfInvoice.set(id, i + 2);
      });
      const paymentColumn = layout.column('Stripe Payment ID');
      if (paymentIds.length > 0 && paymentColumn) {
        sheet
          .getRange(2, paymentColumn, last - 1, 1)
          .getValues()
          .forEach(([cell], i) => {
            for (const item of String(cell ?? '').split(',')) {
              const id = item.trim();
              if (id && !rowOfPayment.has(id)) rowOfPayment.set(id, i + 2);
            }
          });
      }
    }
    const wanted = [
      ...invoiceIds.map((id) => rowOfInvoice.get(id)),
      ...paymentIds.map((id) => rowOfPayment.get(id)),
    ].filter((row): row is number => row !== undefined);
    const records = this.readRows(wanted);
    const at = (row: number | undefined) => (row === undefined ? null : (records.get(row) ?? null));
    return {
      byInvoice: (id) => {
        const record = at(rowOfInvoice.get(id));
        // The index was read under this lock moments ago; a row it lacks was not in the ledger then.
        return record && record.invoiceId === id ? record : null;
      },
      byPayment: (id) => at(rowOfPayment.get(id)),
    };
  }

  private readRows(rowNumbers: number[]): Map<number, LedgerRecord> {
    this.read = new Map();
    const sorted = [...new Set(rowNumbers)].sort((a, b) => a - b);
    const sheet = this.book.sheet(SHEET.ledger);
    const width = this.book.layout(SHEET.ledger).width;
    const records = new Map<number, LedgerRecord>();
    for (const [first, last] of runs(sorted)) {
      const block = sheet.getRange(first, 1, last - first + 1, width).getValues() as Cell[][];
      block.forEach((values, offset) => {
        const rowNumber = first + offset;
        this.read.set(rowNumber, values);
        records.set(rowNumber, this.recordOf(values, { rowNumber, range: null, values }));
      });
    }
    return records;
  }

  /**
   * Rows read in bulk are written in runs of nearby rows, one call per run: the span of changed columns over the run,
   * other rows' and other columns' cells written back as read, formulas kept. The rows were read under the same lock a
   * moment before, and only the add-on writes maintained cells.
   */
  private writeBlocks(writes: LedgerWrite[]): void {
    const byRow = new Map<
      number,
      { values: Cell[]; updates: Map<number, Cell>; formats: Map<number, string> }
    >();
    for (const write of writes) {
      const handle = write.record.handle as RowHandle;
      const updates = this.cellUpdates(write);
      byRow.set(handle.rowNumber as number, {
        values: handle.values,
        updates,
        formats: this.amountFormats(write, updates),
      });
    }
    const sheet = this.book.sheet(SHEET.ledger);
    const between = (a: number, b: number) => {
      for (let row = a; row <= b; row++) if (!byRow.has(row) && !this.read.has(row)) return false;
      return true;
    };
    for (const [first, last] of runs(
      [...byRow.keys()].sort((a, b) => a - b),
      between,
    )) {
      const columns = new Set<number>();
      for (let row = first; row <= last; row++)
        for (const column of byRow.get(row)?.updates.keys() ?? []) columns.add(column);
      const left = Math.min(...columns);
      const right = Math.max(...columns);
      const span = sheet.getRange(first, left, last - first + 1, right - left + 1);
      const own = this.ownColumns();
      const foreign = [...Array(right - left + 1).keys()].some((i) => !own.has(left + i));
      const formulas = foreign || last - first + 1 > byRow.size ? span.getFormulas() : null;
      const values: Cell[][] = [];
      for (let row = first; row <= last; row++) {
        const entry = byRow.get(row);
        const line: Cell[] = [];
        for (let column = left; column <= right; column++) {
          const formula = formulas?.[row - first]?.[column - left];
          if (entry?.updates.has(column)) line.push(entry.updates.get(column) as Cell);
          else if (formula) line.push(formula);
          // A text cell read back as "0012" would be parsed as a number if written back plain.
          else line.push(asCellValue((entry?.values ?? this.read.get(row))?.[column - 1] ?? ''));
        }
        values.push(line);
      }
      span.setValues(values);
      const rows = [...byRow].filter(([row, entry]) => row >= first && row <= last && entry.formats.size > 0);
      if (rows.length > 0) {
        const current = span.getNumberFormats();
        for (const [row, entry] of rows)
          for (const [column, format] of entry.formats) {
            const line = current[row - first];
            if (line) line[column - left] = format;
          }
        span.setNumberFormats(current);
      }
    }
  }

  /**
   * Amount cells written for the first time in a row whose currency does not show two decimals (JPY, KWD…): their
   * format, so that the amount reads right at once (amount columns default to two decimals, see Set up ledger).
   */
  amountFormats(write: LedgerWrite, updates: Map<number, Cell>): Map<number, string> {
    const formats = new Map<number, string>();
    const format = formatBeyondDefault(write.record.currency ?? write.state.currency);
    if (!format) return formats;
    const first = write.changes.some(
      (change) => LEDGER_AMOUNT_FIELDS.has(change.field) && (change.before === '' || change.before === null),
    );
    if (!first) return formats;
    const layout = this.book.layout(SHEET.ledger);
    for (const name of LEDGER_AMOUNT_FIELDS) {
      const column = layout.column(name);
      if (column && updates.has(column)) formats.set(column, format);
    }
    return formats;
  }

  // --- rows ---------------------------------------------------------------------------------------------------

  /** Maintained and state columns hold no user formula, so a span over them needs no formula read. */
  ownColumns(): Set<number> {
    const layout = this.book.layout(SHEET.ledger);
    return new Set(
      [...LEDGER_MAINTAINED, LEDGER_STATE_COLUMN, LEDGER_CUSTOMER_COLUMN]
        .map((name) => layout.column(name))
        .filter(Boolean),
    );
  }

  /** The cells a write sets, by column. */
  cellUpdates(write: {
    state: InvoiceState;
    changes: CellChange[];
    key?: string;
    customer?: string;
  }): Map<number, Cell> {
    const { state, changes, key, customer } = write;
    const layout = this.book.layout(SHEET.ledger);
    const updates = new Map<number, Cell>();
    if (key !== undefined) updates.set(layout.require(LEDGER_KEY), asSheetText(key));
    // A ledger set up before the sidebar has no such column until Set up ledger runs again: the match stands, the
    // sidebar just has nothing to learn from.
    const customerColumn = layout.column(LEDGER_CUSTOMER_COLUMN);
    if (customer !== undefined && customerColumn) updates.set(customerColumn, asSheetText(customer));
    for (const change of changes) {
      const column = layout.require(change.field);
      updates.set(column, TEXT_FIELDS.has(change.field) ? asCellValue(change.after) : change.after);
    }
    updates.set(layout.require(LEDGER_STATE_COLUMN), asSheetText(serialiseState(state)));
    return updates;
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
      customer: String(at(LEDGER_CUSTOMER_COLUMN)).trim(),
      handle,
    };
  }
}

/**
 * Runs of sorted rows: rows up to MAX_ROW_GAP apart share a read. A write joins rows only when every row between was
 * read under this lock (`readBetween`), since what it writes back must be what is there.
 */
function runs(sorted: number[], readBetween?: (a: number, b: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (const row of sorted) {
    const last = out[out.length - 1];
    const joins = last && row - last[1] <= MAX_ROW_GAP && (!readBetween || readBetween(last[1], row));
    if (last && joins) last[1] = row;
    else out.push([row, row]);
  }
  return out;
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
