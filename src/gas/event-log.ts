// `Stripe Events`: the append-only raw log, the queue of deliveries waiting for the ledger, and the dedupe index of
// events that have no ledger row (its Event ID column).
//
// Sheets documents no atomic append, and rows appended by simultaneous executions without a lock are reported lost,
// so every new row is first reserved: under the append lock (a lock apart from the script lock the apply step holds),
// the next free row number is taken from a script property and moved on; the row is then written outside the lock.
// Apps Script's own example for LockService reserves ticket numbers this way. A web app deployed to execute as its
// owner runs every delivery as the owner, so all deliveries share the owner's user lock; the document lock is null in
// a web app (LockService reference).

import { SETTLED_RESULTS } from '../core/apply/apply-step';
import { HELD_MARK } from '../core/apply/held-payments';
import type { EventLog, EventLogRow, LoggedDelivery, LogWrite } from '../core/apply/ports';
import {
  type EVENTS_COLUMNS,
  type EventSource,
  PAYLOAD_CHUNK,
  PAYLOAD_CONT_HEADER,
  SHEET,
  type Verification,
  type WebhookResult,
} from '../core/contract';
import type { DeliveryQueue, OutsideLog } from '../core/ingest/ports';
import { type QueuePointer, readQueuePointer, scanQueue } from '../core/ingest/queue-window';
import { parseArchiveState } from '../core/log-retention';
import { BOOKKEEPING, readCount } from '../core/settings';
import { type Cell, SheetLayout } from './layout';
import { appendLock } from './locks';
import { asSheetText, columnLetter } from './sheet-text';
import type { Workbook } from './workbook';

/** How long a recorder may wait for the append lock, which is held only while a row number is taken. */
const APPEND_LOCK_WAIT_MS = 10_000;
/** Up to this many ids are looked up with a finder each; more are answered from one read of the Event ID column. */
const FINDER_LIMIT = 4;
/** Rows of the queue window read at a time. */
const QUEUE_WINDOW = 400;
/** Rows of `Stripe Events` read at a time for a full read: payloads are large. */
const LOG_CHUNK_ROWS = 1000;

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

export class SheetEventLog implements EventLog, DeliveryQueue, OutsideLog {
  private archiveSheets: { sheet: Sheet; layout: SheetLayout; rows: number }[] | null = null;

  constructor(
    private readonly book: Workbook,
    private readonly clockMs: () => number,
  ) {}

  // --- the dedupe index ---------------------------------------------------------------------------------------

  alreadyLogged(eventIds: string[], exceptRows: readonly number[]): Set<string> {
    const wanted = new Set(eventIds);
    const except = new Set(exceptRows);
    const settled = new Set<string>();
    if (wanted.size === 0) return settled;
    const layout = this.book.layout(SHEET.events);
    const idColumn = layout.require('Event ID');
    const resultColumn = layout.require('Result');
    if (wanted.size <= FINDER_LIMIT) {
      const letter = columnLetter(idColumn);
      for (const id of wanted) {
        // A plain finder over the Event ID column only: the scan never touches payloads. Hits are confirmed.
        const hits = this.book.range(SHEET.events, `${letter}:${letter}`).createTextFinder(id).findAll();
        for (const hit of hits) {
          const cells = hit.offset(0, 0, 1, resultColumn - idColumn + 1).getValues()[0] ?? [];
          if (
            String(cells[0]) !== id ||
            !SETTLED_RESULTS.has(String(cells[cells.length - 1]) as WebhookResult)
          ) {
            continue;
          }
          if (except.size > 0 && except.has(hit.getRow())) continue;
          settled.add(id);
          break;
        }
      }
      return settled;
    }
    const last = this.nextRow() - 1;
    if (last < 2) return settled;
    const values = this.book
      .range(SHEET.events, `${columnLetter(idColumn)}2:${columnLetter(resultColumn)}${last}`)
      .getValues();
    values.forEach((row, i) => {
      const id = String(row[0] ?? '');
      if (!wanted.has(id) || except.has(i + 2)) return;
      if (SETTLED_RESULTS.has(String(row[row.length - 1]) as WebhookResult)) settled.add(id);
    });
    return settled;
  }

  // --- writing rows -------------------------------------------------------------------------------------------

  reserve(count: number): number {
    const lock = appendLock();
    if (!lock.tryLock(APPEND_LOCK_WAIT_MS)) {
      throw new Error('Lock timeout: the append lock of Stripe Events was held for too long.');
    }
    try {
      const properties = PropertiesService.getScriptProperties();
      const next = readCount(properties.getProperty(BOOKKEEPING.eventsNextRow)) ?? this.lastRow() + 1;
      properties.setProperty(BOOKKEEPING.eventsNextRow, String(Math.max(next, 2) + count));
      return Math.max(next, 2);
    } finally {
      lock.releaseLock();
    }
  }

  write(writes: LogWrite[]): void {
    this.writeRows(writes);
    this.passSettledRows(writes);
  }

  private writeRows(writes: LogWrite[]): void {
    const full = writes.filter((w) => !w.resultOnly).sort((a, b) => a.row - b.row);
    const results = writes.filter((w) => w.resultOnly).sort((a, b) => a.row - b.row);
    for (const block of contiguous(full)) {
      const rows = block.map((w) => this.rowValues(w.entry));
      const width = Math.max(...rows.map((row) => row.length));
      for (const row of rows) while (row.length < width) row.push('');
      this.writeBlock(block[0]?.row as number, 1, rows);
    }

    if (results.length > 0) {
      const layout = this.book.layout(SHEET.events);
      const first = layout.require('Event ID');
      const last = layout.require('Message');
      for (const block of contiguous(results)) {
        const rows = block.map(({ entry }) => {
          const cells = layout.rowOf(this.summaryCells(entry));
          return cells.slice(first - 1, last);
        });
        this.writeBlock(block[0]?.row as number, first, rows);
      }
    }
  }

  /**
   * A row outside the script lock (rejected, unconfigured, queued): reserved, written, visible at once. It leaves the
   * queue's window alone: only the holder of the script lock moves it, since the archive moves rows under that lock.
   */
  append(entry: EventLogRow): number {
    const row = this.reserve(1);
    this.writeRows([{ row, entry, resultOnly: false }]);
    return row;
  }

  read(rows: readonly number[]): LoggedDelivery[] {
    const layout = this.book.layout(SHEET.events);
    const letter = columnLetter(layout.width);
    return this.readRows(rows, layout, (first, last) =>
      this.book.range(SHEET.events, `A${first}:${letter}${last}`),
    );
  }

  /** Rows read in runs of consecutive rows, one read each. */
  private readRows(
    rows: readonly number[],
    layout: SheetLayout,
    rangeOf: (first: number, last: number) => GoogleAppsScript.Spreadsheet.Range,
  ): LoggedDelivery[] {
    const found: LoggedDelivery[] = [];
    for (const block of contiguous([...new Set(rows)].sort((a, b) => a - b).map((row) => ({ row })))) {
      const first = block[0]?.row as number;
      const values = rangeOf(first, block[block.length - 1]?.row as number).getValues() as Cell[][];
      values.forEach((cells, i) => {
        const entry = this.entryOf(cells, layout);
        if (entry) found.push({ row: first + i, entry });
      });
    }
    return found;
  }

  /**
   * Settled events with an id, in log order (the archive's rows first, oldest first), continuation joined (verify
   * from log), read in chunks.
   */
  readAllEvents(): { eventId: string; payload: string }[] {
    const events: { eventId: string; payload: string }[] = [];
    const sheets = [
      ...this.archives().map((archive) => ({ ...archive, last: archive.rows + 1 })),
      { sheet: this.book.sheet(SHEET.events), layout: this.book.layout(SHEET.events), last: -1 },
    ];
    for (const { sheet, layout, last: known } of sheets) {
      const last = known >= 0 ? known : sheet.getLastRow();
      const width = Math.max(sheet.getLastColumn(), layout.width);
      for (let start = 2; start <= last; start += LOG_CHUNK_ROWS) {
        const count = Math.min(LOG_CHUNK_ROWS, last - start + 1);
        for (const cells of sheet.getRange(start, 1, count, width).getValues() as Cell[][]) {
          const entry = this.entryOf(cells, layout);
          if (!entry?.eventId || !SETTLED_RESULTS.has(entry.result)) continue;
          if (entry.verification !== 'valid' && entry.verification !== 'api') continue;
          events.push({ eventId: entry.eventId, payload: entry.payload });
        }
      }
    }
    return events;
  }

  findEvents(eventIds: string[]): LoggedDelivery[] {
    const wanted = new Set(eventIds.filter(Boolean));
    if (wanted.size === 0) return [];
    const layout = this.book.layout(SHEET.events);
    const idColumn = layout.require('Event ID');
    const rows: number[] = [];
    if (wanted.size <= FINDER_LIMIT) {
      const letter = columnLetter(idColumn);
      for (const id of wanted) {
        for (const hit of this.book
          .range(SHEET.events, `${letter}:${letter}`)
          .createTextFinder(id)
          .findAll()) {
          rows.push(hit.getRow());
        }
      }
    } else {
      const last = this.nextRow() - 1;
      if (last >= 2) {
        const ids = this.book
          .range(SHEET.events, `${columnLetter(idColumn)}2:${columnLetter(idColumn)}${last}`)
          .getValues();
        ids.forEach(([id], i) => {
          if (wanted.has(String(id))) rows.push(i + 2);
        });
      }
    }
    const found = new Map<string, LoggedDelivery>();
    const keep = (logged: LoggedDelivery) => {
      const id = logged.entry.eventId;
      if (id && wanted.has(id) && SETTLED_RESULTS.has(logged.entry.result) && !found.has(id))
        found.set(id, logged);
    };
    for (const logged of this.read(rows)) keep(logged);
    if (found.size < wanted.size) {
      for (const logged of this.findArchived([...wanted].filter((id) => !found.has(id)))) keep(logged);
    }
    return [...found.values()];
  }

  /** Events moved to the archive (src/gas/log-archive.ts), as row 0: they are no longer in `Stripe Events`. */
  private findArchived(eventIds: string[]): LoggedDelivery[] {
    const found: LoggedDelivery[] = [];
    for (const { sheet, layout, rows } of this.archives()) {
      const idColumn = layout.require('Event ID');
      const letter = columnLetter(idColumn);
      const hits = new Set<number>();
      if (eventIds.length <= FINDER_LIMIT) {
        for (const id of eventIds) {
          for (const hit of sheet
            .getRange(`${letter}:${letter}`)
            .createTextFinder(id)
            .matchEntireCell(true)
            .findAll())
            hits.add(hit.getRow());
        }
      } else if (rows > 0) {
        const wanted = new Set(eventIds);
        sheet
          .getRange(2, idColumn, rows, 1)
          .getValues()
          .forEach(([id], i) => {
            if (wanted.has(String(id))) hits.add(i + 2);
          });
      }
      if (hits.size === 0) continue;
      const width = Math.max(sheet.getLastColumn(), layout.width);
      const read = this.readRows([...hits], layout, (first, last) =>
        sheet.getRange(first, 1, last - first + 1, width),
      );
      for (const { entry } of read) found.push({ row: 0, entry });
    }
    return found;
  }

  /** The archive spreadsheets of the log, oldest first, each with its own header (read once per execution). */
  private archives(): { sheet: Sheet; layout: SheetLayout; rows: number }[] {
    if (this.archiveSheets) return this.archiveSheets;
    const state = parseArchiveState(
      PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.logArchive),
    );
    this.archiveSheets = state.files.map((file) => {
      const sheet = openArchiveSheet(file.spreadsheetId);
      const header = sheet.getRange(1, 1, 1, Math.max(1, sheet.getLastColumn())).getValues()[0] ?? [];
      return { sheet, layout: SheetLayout.fromRow(SHEET.events, header), rows: file.rows };
    });
    return this.archiveSheets;
  }

  /**
   * Settled rows whose payload names one of these payment ids, quoted as JSON quotes ids: a finder over the Payload
   * column each (the scan runs in Sheets; continuation cells of very long bodies are not searched, and an id sits near
   * the top of an event's object).
   */
  mentioning(paymentIds: string[]): LoggedDelivery[] {
    const ids = [...new Set(paymentIds.filter(Boolean))];
    if (ids.length === 0) return [];
    const letter = columnLetter(this.book.layout(SHEET.events).require('Payload'));
    const rows = new Set<number>();
    for (const id of ids) {
      for (const hit of this.book
        .range(SHEET.events, `${letter}:${letter}`)
        .createTextFinder(`"${id}"`)
        .findAll()) {
        rows.add(hit.getRow());
      }
    }
    return this.read([...rows]).filter((logged) => SETTLED_RESULTS.has(logged.entry.result));
  }

  noteHeld(): void {
    PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.heldPayments, '1');
  }

  /** Rows of held payments (their message starts with HELD_MARK), oldest first, at most `limit`. */
  held(limit: number): LoggedDelivery[] {
    const letter = columnLetter(this.book.layout(SHEET.events).require('Message'));
    const rows = this.book
      .range(SHEET.events, `${letter}:${letter}`)
      .createTextFinder(HELD_MARK)
      .findAll()
      .map((hit) => hit.getRow())
      .sort((a, b) => a - b)
      .slice(0, limit);
    return this.read(rows).filter((logged) => logged.entry.message.startsWith(HELD_MARK));
  }

  clearHeld(): void {
    PropertiesService.getScriptProperties().deleteProperty(BOOKKEEPING.heldPayments);
  }

  heldNoted(): boolean {
    return PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.heldPayments) === '1';
  }

  // --- the queue ----------------------------------------------------------------------------------------------

  record(entry: EventLogRow): number {
    const row = this.append(entry);
    // Another execution reads this row as soon as it is signalled: the write must have landed.
    SpreadsheetApp.flush();
    return row;
  }

  signal(): void {
    PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.queueSignal, '1');
  }

  signalled(): boolean {
    return PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.queueSignal) === '1';
  }

  clearSignal(): void {
    PropertiesService.getScriptProperties().deleteProperty(BOOKKEEPING.queueSignal);
  }

  waiting(limit: number): LoggedDelivery[] {
    const properties = PropertiesService.getScriptProperties();
    const kept: QueuePointer = readQueuePointer(properties.getProperty(BOOKKEEPING.queue));
    const next = this.nextRow();
    const width = this.book.layout(SHEET.events).width;
    let pointer = kept;
    let waiting: LoggedDelivery[] = [];
    // Windows of settled rows (a synced page, rejected requests) are passed in one call each.
    for (let windows = 0; windows < 5 && waiting.length === 0 && pointer.from < next; windows++) {
      const first = pointer.from;
      const last = Math.min(next - 1, first + QUEUE_WINDOW - 1);
      const values = this.book
        .range(SHEET.events, `A${first}:${columnLetter(width)}${last}`)
        .getValues() as Cell[][];
      const rows = values.map((cells, i) => ({ row: first + i, entry: this.entryOf(cells) }));
      const scan = scanQueue(pointer, rows, limit, this.clockMs());
      waiting = scan.waiting;
      const stuck = scan.pointer.from === pointer.from;
      pointer = scan.pointer;
      if (stuck) break;
    }
    if (JSON.stringify(pointer) !== JSON.stringify(kept)) {
      properties.setProperty(BOOKKEEPING.queue, JSON.stringify(pointer));
    }
    return waiting;
  }

  /**
   * Rows written settled (a synced page, a delivery applied at once) need no scan by the queue: when the queue's
   * window starts at them, it moves past them. Only the holder of the script lock moves the window.
   */
  private passSettledRows(written: LogWrite[]): void {
    const settled = new Set(written.filter((w) => w.entry.result !== 'queued').map((w) => w.row));
    if (settled.size === 0) return;
    try {
      const properties = PropertiesService.getScriptProperties();
      const pointer = readQueuePointer(properties.getProperty(BOOKKEEPING.queue));
      let from = pointer.from;
      while (settled.has(from)) from += 1;
      if (from !== pointer.from) properties.setProperty(BOOKKEEPING.queue, JSON.stringify({ from }));
    } catch {
      // Only a shortcut for the queue's next scan: the rows are written, and the scan passes settled rows anyway.
    }
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private nextRow(): number {
    const kept = readCount(PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.eventsNextRow));
    return kept ?? this.lastRow() + 1;
  }

  private lastRow(): number {
    return this.book.sheet(SHEET.events).getLastRow();
  }

  private writeBlock(row: number, column: number, values: Cell[][]): void {
    const last = row + values.length - 1;
    const notation = `${columnLetter(column)}${row}:${columnLetter(column + (values[0]?.length ?? 1) - 1)}${last}`;
    // A reserved row may lie past the sheet's end.
    this.book.growingRange(SHEET.events, notation, last).setValues(values);
  }

  private summaryCells(entry: EventLogRow): Record<string, Cell> {
    return {
      'Event ID': entry.eventId ? asSheetText(entry.eventId) : '',
      'Event Type': entry.eventType ? asSheetText(entry.eventType) : '',
      Verification: entry.verification,
      Result: entry.result,
      Message: asSheetText(entry.message),
    };
  }

  private rowValues(entry: EventLogRow): Cell[] {
    const layout = this.book.layout(SHEET.events);
    const chunks = splitPayload(entry.payload);
    const row = layout.rowOf({
      'Received At': entry.receivedAt,
      Source: entry.source,
      ...this.summaryCells(entry),
      Payload: asSheetText(chunks[0] ?? ''),
    });
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

  private entryOf(cells: Cell[], layout: SheetLayout = this.book.layout(SHEET.events)): EventLogRow | null {
    const at = (name: (typeof EVENTS_COLUMNS)[number]) => cells[layout.require(name) - 1] ?? '';
    const receivedAt = at('Received At');
    const result = String(at('Result'));
    if (result === '' && String(at('Payload')) === '') return null;
    const payloadColumn = layout.require('Payload');
    return {
      receivedAt: receivedAt instanceof Date ? receivedAt : new Date(String(receivedAt)),
      source: String(at('Source')) as EventSource,
      eventId: String(at('Event ID')) || null,
      eventType: String(at('Event Type')) || null,
      verification: String(at('Verification')) as Verification,
      result: result as WebhookResult,
      message: String(at('Message')),
      payload: cells
        .slice(payloadColumn - 1)
        .map((cell) => String(cell ?? ''))
        .join(''),
    };
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

/** The log's sheet in one of its archive spreadsheets (src/gas/log-archive.ts). */
export function openArchiveSheet(spreadsheetId: string): Sheet {
  const opened = SpreadsheetApp.openById(spreadsheetId);
  return opened.getSheetByName(SHEET.events) ?? (opened.getSheets()[0] as Sheet);
}

/** Runs of consecutive rows, so each is written in one call. */
function contiguous<T extends { row: number }>(items: T[]): T[][] {
  const blocks: T[][] = [];
  for (const item of items) {
    const block = blocks[blocks.length - 1];
    const last = block?.[block.length - 1];
    if (block && last && item.row === last.row + 1) block.push(item);
    else blocks.push([item]);
  }
  return blocks;
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
