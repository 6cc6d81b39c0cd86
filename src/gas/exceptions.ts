// `Exceptions`: the review queue. The hidden `Open Key` column holds `REASON:invoice` while an exception is open,
// so "is one already open?" is one TextFinder call, whatever the queue's size.

import { SHEET } from '../core/contract';
import { exceptionId, openKey } from '../core/exception-id';
import type { ExceptionDraft } from '../core/ledger-row';
import type { ExceptionQueue, OpenException } from '../core/ports';
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
    const matches = sheet.createTextFinder(openKey(reason, invoiceKey)).matchEntireCell(true).findAll();
    for (const cell of matches) {
      if (cell.getColumn() !== keyColumn) continue;
      const range = cell.offset(0, 1 - keyColumn, 1, layout.width);
      const values = (range.getValues()[0] ?? []) as Cell[];
      if (String(values[layout.require('Status') - 1]).trim().toLowerCase() !== 'open') continue;
      return {
        exceptionId: String(values[layout.require('Exception ID') - 1]),
        handle: { range, values } satisfies OpenHandle,
      };
    }
    return null;
  }

  open(draft: ExceptionDraft, openedAt: Date): string {
    const layout = this.book.layout(SHEET.exceptions);
    const id = exceptionId(draft, openedAt);
    const row = layout.rowOf({
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
    this.book.sheet(SHEET.exceptions).appendRow(row);
    return id;
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
