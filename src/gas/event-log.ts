// `Stripe Events`: the append-only raw log, and the durable dedupe index (its Event ID column).

import { PAYLOAD_CHUNK, PAYLOAD_CONT_HEADER, SHEET } from '../core/contract';
import type { EventLog, EventLogRow } from '../core/ports';
import { appendRows } from './audit';
import type { Cell } from './layout';
import { asSheetText } from './sheet-text';
import type { Workbook } from './workbook';

interface AppendedRow {
  eventId: string | null;
}

export class SheetEventLog implements EventLog {
  constructor(private readonly book: Workbook) {}

  hasApplied(eventId: string): boolean {
    const sheet = this.book.sheet(SHEET.events);
    const column = this.book.layout(SHEET.events).require('Event ID');
    // A plain finder over the sheet is the fewest calls; a new event usually matches nothing. A match is evidence
    // only in the Event ID column and only when the whole id equals (the finder matches substrings, any case).
    const matches = sheet.createTextFinder(eventId).findAll();
    return matches.some((cell) => cell.getColumn() === column && String(cell.getValue()) === eventId);
  }

  append(entry: EventLogRow): AppendedRow {
    this.book.sheet(SHEET.events).appendRow(this.rowValues(entry));
    return { eventId: entry.eventId };
  }

  /** Many rows in one write (sync appends a page at a time); same cells as `append`. */
  appendMany(entries: EventLogRow[]): void {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => this.rowValues(entry));
    const width = Math.max(...rows.map((row) => row.length));
    for (const row of rows) while (row.length < width) row.push('');
    appendRows(this.book.sheet(SHEET.events), rows, width);
  }

  private rowValues(entry: EventLogRow): Cell[] {
    const layout = this.book.layout(SHEET.events);
    const chunks = splitPayload(entry.payload);
    const values: Record<string, Cell> = {
      'Received At': entry.receivedAt,
      Source: entry.source,
      'Event ID': entry.eventId ? asSheetText(entry.eventId) : '',
      'Event Type': entry.eventType ? asSheetText(entry.eventType) : '',
      Verification: entry.verification,
      Result: entry.result,
      Message: asSheetText(entry.message),
      Payload: asSheetText(chunks[0] ?? ''),
    };
    const row = layout.rowOf(values);
    const payloadColumn = layout.require('Payload');
    const continuation = chunks.slice(1).map(asSheetText);
    if (continuation.length > 0) {
      this.ensureContinuationColumns(payloadColumn, continuation.length);
      while (row.length < payloadColumn + continuation.length) row.push('');
      continuation.forEach((chunk, i) => {
        row[payloadColumn + i] = chunk;
      });
    }
    return row;
  }

  markFailed(handle: unknown, message: string): void {
    const appended = handle as AppendedRow;
    const layout = this.book.layout(SHEET.events);
    const sheet = this.book.sheet(SHEET.events);
    const last = sheet.getLastRow();
    // Under the script lock nothing else appends to this sheet, so the last row is the one just written.
    const idCell = sheet.getRange(last, layout.require('Event ID'));
    if (String(idCell.getValue()) !== (appended.eventId ?? '')) return;
    idCell.setValue('');
    sheet.getRange(last, layout.require('Result')).setValue('error');
    sheet.getRange(last, layout.require('Message')).setValue(asSheetText(message));
  }

  /** Headers `Payload (cont.)` to the right of Payload, so a long body's continuation cells are labelled. */
  private ensureContinuationColumns(payloadColumn: number, needed: number): void {
    const layout = this.book.layout(SHEET.events);
    const sheet = this.book.sheet(SHEET.events);
    const have = layout.header.slice(payloadColumn).filter((name) => name === PAYLOAD_CONT_HEADER).length;
    if (have >= needed) return;
    const lastNeeded = payloadColumn + needed;
    const maxColumns = sheet.getMaxColumns();
    if (maxColumns < lastNeeded) sheet.insertColumnsAfter(maxColumns, lastNeeded - maxColumns);
    const labels = Array.from({ length: needed }, () => PAYLOAD_CONT_HEADER);
    sheet.getRange(1, payloadColumn + 1, 1, needed).setValues([labels]);
    this.book.forgetLayouts();
  }
}

/** Cells of at most 50,000 characters each, one kept for the apostrophe; concatenated they are the body exactly. */
export function splitPayload(payload: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  do {
    let end = Math.min(start + PAYLOAD_CHUNK, payload.length);
    // Never split a surrogate pair: each cell must be valid text on its own.
    const code = payload.charCodeAt(end - 1);
    if (end < payload.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    chunks.push(payload.slice(start, end));
    start = end;
  } while (start < payload.length);
  return chunks;
}
