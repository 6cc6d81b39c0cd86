// `Exceptions`: the review queue. The hidden `Open Key` column holds `REASON:invoice` while an exception is open,
// so "is one already open?" is one TextFinder call, whatever the queue's size.

import { SHEET } from '../core/contract';
import { exceptionId, openKey } from '../core/exception-id';
import type { ExceptionDraft } from '../core/ledger-row';
import type { ExceptionQueue, OpenException } from '../core/ports';
import { appendRows } from './audit';
import { type Cell, writeRowCells } from './layout';
import { asSheetText } from './sheet-text';
import type { Workbook } from './workbook';

interface OpenHandle {
  range: GoogleAppsScript.Spreadsheet.Range;
  values: Cell[];
}

export class SheetExceptionQueue implements ExceptionQueue {
  constructor(private readonly book: Workbook) {}

  findOpen(reason: ExceptionDraft['reason'], invoiceKey: string): OpenException | null {
    const sheet = this.book.sheet(SHEET.exceptions);
    const layout = this.book.layout(SHEET.exceptions);
    const keyColumn = layout.require('Open Key');
    const key = openKey(reason, invoiceKey);
    // A plain finder (substring, any case) costs a call less; each hit is confirmed on the row it reads.
    for (const cell of sheet.createTextFinder(key).findAll()) {
      if (cell.getColumn() !== keyColumn) continue;
      const range = cell.offset(0, 1 - keyColumn, 1, layout.width);
      const values = (range.getValues()[0] ?? []) as Cell[];
      if (String(values[keyColumn - 1]) !== key) continue;
      if (
        String(values[layout.require('Status') - 1])
          .trim()
          .toLowerCase() !== 'open'
      )
        continue;
      return {
        exceptionId: String(values[layout.require('Exception ID') - 1]),
        handle: { range, values } satisfies OpenHandle,
      };
    }
    return null;
  }

  open(draft: ExceptionDraft, openedAt: Date): string {
    const id = exceptionId(draft, openedAt);
    this.book.sheet(SHEET.exceptions).appendRow(this.rowValues(id, draft, openedAt));
    return id;
  }

  /** Exceptions opened together (a synced page) in one write; same cells as `open`. */
  openMany(opened: { exceptionId: string; draft: ExceptionDraft; openedAt: Date }[]): void {
    if (opened.length === 0) return;
    const layout = this.book.layout(SHEET.exceptions);
    const rows = opened.map((entry) => this.rowValues(entry.exceptionId, entry.draft, entry.openedAt));
    appendRows(this.book.sheet(SHEET.exceptions), rows, layout.width);
  }

  private rowValues(id: string, draft: ExceptionDraft, openedAt: Date): Cell[] {
    const layout = this.book.layout(SHEET.exceptions);
    return layout.rowOf({
      'Exception ID': id,
      'Opened At': openedAt,
      Reason: draft.reason,
      'Stripe Invoice ID': asSheetText(draft.invoiceKey),
      'Event ID': asSheetText(draft.eventId),
      Amount: draft.amount ?? '',
      Currency: draft.currency ? asSheetText(draft.currency) : '',
      Status: 'open',
      Note: asSheetText(draft.note),
      'Open Key': asSheetText(openKey(draft.reason, draft.invoiceKey)),
    });
  }

  addEvidence(open: OpenException, draft: ExceptionDraft): void {
    const handle = open.handle as OpenHandle;
    const layout = this.book.layout(SHEET.exceptions);
    const eventColumn = layout.require('Event ID');
    const events = String(handle.values[eventColumn - 1] ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (events.includes(draft.eventId)) return;
    events.push(draft.eventId);
    writeRowCells(handle.range, handle.values, new Map([[eventColumn, asSheetText(events.join(', '))]]));
  }
}
