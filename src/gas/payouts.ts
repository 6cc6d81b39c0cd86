// `Payouts`: one row per Stripe payout, found by `Payout ID`, kept only by the holder of the script lock (so a new
// payout's row is appended without a reservation, like an exception). Each row is written in one call, its cells and
// its hidden `Stripe State` together; the sheet is small (a row a payout), so many payouts are found from one read.

import type { PayoutRecord, PayoutRows, PayoutWrite } from '../core/apply/ports';
import { LEDGER_STATE_COLUMN, PAYOUTS_KEY, PAYOUTS_MAINTAINED, SHEET } from '../core/contract';
import type { PayoutCells } from '../core/payouts/payout-row';
import { type PayoutState, parsePayoutState, serialisePayoutState } from '../core/payouts/payout-state';
import { BOOKKEEPING } from '../core/settings';
import { appendRows } from './audit';
import { type Cell, writeRowCells } from './layout';
import { asSheetText } from './sheet-text';
import type { Workbook } from './workbook';

/** Up to this many payouts are found with a finder each; more from one read of the sheet. */
const FINDER_LIMIT = 2;
/** Cells whose text is Stripe's (an id, a currency code): stored as text whatever they look like. */
const TEXT_FIELDS = new Set<string>([PAYOUTS_KEY, 'Currency']);

interface Handle {
  range: GoogleAppsScript.Spreadsheet.Range | null;
  rowNumber: number | null;
  values: Cell[];
}

export class SheetPayouts implements PayoutRows {
  constructor(private readonly book: Workbook) {}

  ready(): boolean {
    return this.book.spreadsheet.getSheetByName(SHEET.payouts) !== null;
  }

  find(payoutIds: string[]): Map<string, PayoutRecord> {
    const wanted = new Set(payoutIds);
    const found = new Map<string, PayoutRecord>();
    if (wanted.size === 0) return found;
    const layout = this.book.layout(SHEET.payouts);
    const key = layout.require(PAYOUTS_KEY);
    if (wanted.size <= FINDER_LIMIT) {
      for (const id of wanted) {
        const record = this.book
          .rowsHolding(SHEET.payouts, key, id, layout.width)
          .map(({ range, values }) => this.recordOf(values, { range, rowNumber: null, values }))
          .find((candidate) => candidate.payoutId === id);
        if (record) found.set(id, record);
      }
      return found;
    }
    for (const record of this.readAll()) if (wanted.has(record.payoutId)) found.set(record.payoutId, record);
    return found;
  }

  /** Every payout row, in one read (sync's look for payouts to reconcile). */
  readAll(): PayoutRecord[] {
    const sheet = this.book.sheet(SHEET.payouts);
    const layout = this.book.layout(SHEET.payouts);
    const last = sheet.getLastRow();
    if (last < 2) return [];
    return (sheet.getRange(2, 1, last - 1, layout.width).getValues() as Cell[][])
      .map((values, i) => this.recordOf(values, { range: null, rowNumber: i + 2, values }))
      .filter((record) => record.payoutId !== '');
  }

  write(writes: PayoutWrite[]): void {
    // Before the rows: a row written is its own dedupe index, so a flag set after it could be lost for good.
    if (writes.some((w) => needsReconciling(w.state))) {
      PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.payoutsToReconcile, '1');
    }
    const layout = this.book.layout(SHEET.payouts);
    const fresh: Cell[][] = [];
    for (const write of writes) {
      const updates = this.cellUpdates(write);
      if (!write.record) {
        const row: Cell[] = new Array(layout.width).fill('');
        for (const [column, value] of updates) row[column - 1] = value;
        fresh.push(row);
        continue;
      }
      const handle = write.record.handle as Handle;
      const range =
        handle.range ??
        this.book.sheet(SHEET.payouts).getRange(handle.rowNumber as number, 1, 1, layout.width);
      writeRowCells(range, handle.values, updates);
    }
    if (fresh.length > 0) {
      const sheet = this.book.sheet(SHEET.payouts);
      if (fresh.length === 1) sheet.appendRow(fresh[0] as Cell[]);
      else appendRows(sheet, fresh, layout.width);
    }
  }

  private cellUpdates(write: PayoutWrite): Map<number, Cell> {
    const layout = this.book.layout(SHEET.payouts);
    const updates = new Map<number, Cell>();
    if (!write.record) updates.set(layout.require(PAYOUTS_KEY), asSheetText(write.payoutId));
    for (const change of write.changes) {
      const column = layout.column(change.field);
      if (!column) continue;
      const value = change.after;
      updates.set(
        column,
        TEXT_FIELDS.has(change.field) && typeof value === 'string' ? asSheetText(value) : value,
      );
    }
    updates.set(layout.require(LEDGER_STATE_COLUMN), asSheetText(serialisePayoutState(write.state)));
    return updates;
  }

  private recordOf(values: Cell[], handle: Handle): PayoutRecord {
    const layout = this.book.layout(SHEET.payouts);
    const at = (name: string): Cell => {
      const column = layout.column(name);
      return column ? (values[column - 1] ?? '') : '';
    };
    const cells: Partial<PayoutCells> = {};
    for (const name of PAYOUTS_MAINTAINED) if (layout.column(name)) cells[name] = at(name);
    return {
      payoutId: String(at(PAYOUTS_KEY)).trim(),
      cells,
      state: parsePayoutState(at(LEDGER_STATE_COLUMN)),
      handle,
    };
  }
}

/**
 * An automatic payout whose balance transactions are all known to Stripe (reconciled, or paid) and not yet read:
 * sync reads them. Manual payouts cannot be listed by payout (Stripe's rule), so they are never reconciled.
 */
export function needsReconciling(state: PayoutState | null): boolean {
  const snapshot = state?.snapshot;
  if (!state || !snapshot?.automatic || state.totals) return false;
  return snapshot.reconciliation === 'completed' || state.status?.status === 'paid';
}
