// Moves the oldest rows of `Stripe Events` to archive spreadsheets, a chunk at a time: which rows, and why nothing
// needs them any more, is src/core/log-retention.ts. Runs in the report's trigger under the script lock, so no apply
// step (which names log rows by number) runs meanwhile; each delete is made under the append lock too, and only when
// no reserved row is still being written, so no recorder writes to a row that moved.
//
// A chunk: record the move (`pending`), copy the rows, flush; then, under the append lock, delete them and move the
// row counters (STRIPE_EVENTS_NEXT_ROW, the queue's window) up by as many rows, with the archive's new size, in one
// write. Stopped anywhere, the next run completes it: the copy is made again to the same rows, or, when the first row
// has gone, the delete is known done and only the counters are moved.

import { HELD_MARK } from '../core/apply/held-payments';
import { SHEET } from '../core/contract';
import { withLock } from '../core/ingest/lock-scope';
import { readQueuePointer } from '../core/ingest/queue-window';
import {
  ARCHIVE_CHUNK_ROWS,
  ARCHIVE_FILE_ROWS,
  type ArchiveFile,
  type ArchiveState,
  type LeadingRow,
  type PendingMove,
  parseArchiveState,
  reservationsInFlight,
  rowKey,
  rowsToMove,
  serialiseArchiveState,
} from '../core/log-retention';
import { BOOKKEEPING, readCount } from '../core/settings';
import type { LedgerContext } from './context';
import { openArchiveSheet } from './event-log';
import type { Cell } from './layout';
import { appendLock } from './locks';
import { asCellValue } from './sheet-text';

/** The report's run waits this long for the script lock, then leaves archiving to its next run. */
const LOCK_WAIT_MS = 20_000;
/** Deliveries hold the append lock for a moment only; a move that cannot have it soon tries on the next run. */
const APPEND_LOCK_WAIT_MS = 5_000;
/** A run stops starting chunks after this long: the report still has its own work, and the 6-minute limit. */
const RUN_BUDGET_MS = 90_000;
/** And after this many chunks, so a run's calls stay bounded whatever the clock says. */
export const MAX_CHUNKS_PER_RUN = 30;
/** Reserved rows looked at before a delete (one read of one column). */
const TAIL_ROWS = 5_000;
/** Rows added to an archive at a time, so growth costs a call per ten chunks. */
const ARCHIVE_GROWTH_ROWS = 10_000;

export interface ArchiveRun {
  /** Log rows moved (blank ones included) by this run. */
  moved: number;
  /** Why the run left rows that were due, if it did. */
  stopped: string | null;
  state: ArchiveState;
}

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
/** What makes a log row's key (rowKey). */
const KEY_COLUMNS = ['Received At', 'Source', 'Event ID', 'Result', 'Payload'] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];

/** Archives what is due; cheap when nothing is (two property reads). */
export function archiveLog(context: LedgerContext): ArchiveRun {
  const properties = PropertiesService.getScriptProperties();
  const state = parseArchiveState(properties.getProperty(BOOKKEEPING.logArchive));
  const kept = readCount(properties.getProperty(BOOKKEEPING.eventsNextRow));
  const dataRows = (kept ?? context.book.sheet(SHEET.events).getLastRow() + 1) - 2;
  if (!state.pending && dataRows <= context.settings.logArchiveRows)
    return { moved: 0, stopped: null, state };
  const outcome = withLock(context.lockedWork(), LOCK_WAIT_MS, () => new LogMover(context, state).run());
  if (!outcome.held) return { moved: 0, stopped: 'the script lock was busy', state };
  return outcome.value;
}

/** The archive as it stands, for a report run that does not archive (one started from the menu). */
export function archiveUntouched(): ArchiveRun {
  const raw = PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.logArchive);
  return { moved: 0, stopped: null, state: parseArchiveState(raw) };
}

class LogMover {
  private readonly properties = PropertiesService.getScriptProperties();
  private readonly events: Sheet;
  private readonly startedMs: number;
  private readonly archives = new Map<string, Sheet>();
  private moved = 0;

  constructor(
    private readonly context: LedgerContext,
    private readonly state: ArchiveState,
  ) {
    this.events = context.book.sheet(SHEET.events);
    this.startedMs = context.nowMs();
  }

  run(): ArchiveRun {
    if (this.state.pending) {
      const stopped = this.complete(this.state.pending);
      if (stopped) return this.result(stopped);
    }
    for (let chunk = 0; chunk < MAX_CHUNKS_PER_RUN; chunk++) {
      if (this.context.nowMs() - this.startedMs > RUN_BUDGET_MS)
        return this.result('out of time for this run');
      const next = this.nextRow();
      const rows = this.readTop(Math.min(ARCHIVE_CHUNK_ROWS, next - 2));
      const leading = rows.map((cells) => this.leading(cells));
      const count = rowsToMove({
        dataRows: next - 2,
        archiveRows: this.context.settings.logArchiveRows,
        started: this.moved > 0,
        leading,
        nowMs: this.context.nowMs(),
        retentionDays: this.context.settings.logRetentionDays,
      });
      if (count === 0) return this.result(null);
      const copies = rows.slice(0, count).filter((_, i) => !leading[i]?.blank);
      const file = this.fileFor(copies.length, rows[0]?.length ?? 1);
      const pending: PendingMove = {
        spreadsheetId: file.spreadsheetId,
        archiveRow: file.rows + 2,
        count,
        copied: copies.length,
        firstRowKey: this.keyOf(rows[0] ?? []),
        throughMs: Math.max(0, ...leading.slice(0, count).map((row) => row.receivedAtMs ?? 0)),
      };
      this.save(pending);
      const stopped = this.copyThenDelete(pending, copies);
      if (stopped) return this.result(stopped);
    }
    return this.result(null);
  }

  /** A move a stopped run left: its delete done (its first row gone) or not. */
  private complete(pending: PendingMove): string | null {
    const top = this.readTop(pending.count);
    if (this.keyOf(top[0] ?? []) !== pending.firstRowKey) {
      this.settle(pending);
      return null;
    }
    const copies = top.filter((cells) => !this.leading(cells).blank);
    return this.copyThenDelete({ ...pending, copied: copies.length }, copies);
  }

  private copyThenDelete(pending: PendingMove, copies: Cell[][]): string | null {
    this.copy(pending, copies);
    SpreadsheetApp.flush();
    const lock = appendLock();
    if (!lock.tryLock(APPEND_LOCK_WAIT_MS)) return 'deliveries kept the append lock busy';
    try {
      const next = this.nextRow();
      if (this.recordingsInFlight(next)) return 'deliveries were being recorded';
      this.save({ ...pending, nextRowAtDelete: next });
      this.events.deleteRows(2, pending.count);
      this.settle({ ...pending, nextRowAtDelete: next });
      return null;
    } finally {
      lock.releaseLock();
    }
  }

  /** After the delete: the counters up by the rows removed, the archive's size, no move pending; one write. */
  private settle(pending: PendingMove): void {
    const updates: Record<string, string> = {};
    const next = readCount(this.properties.getProperty(BOOKKEEPING.eventsNextRow));
    // Changed since the delete only when a stopped run let deliveries be recorded at the old numbers: they stay where
    // they are, and the blank rows above them are passed by the queue and dropped by a later move.
    if (next !== null && next === pending.nextRowAtDelete) {
      updates[BOOKKEEPING.eventsNextRow] = String(Math.max(2, next - pending.count));
    }
    const pointer = readQueuePointer(this.properties.getProperty(BOOKKEEPING.queue));
    // Earlier is always safe: the queue passes rows already applied.
    updates[BOOKKEEPING.queue] = JSON.stringify({ from: Math.max(2, pointer.from - pending.count) });
    const file = this.state.files.find((f) => f.spreadsheetId === pending.spreadsheetId);
    if (file) file.rows = Math.max(file.rows, pending.archiveRow - 2 + pending.copied);
    this.state.archivedThroughMs = Math.max(this.state.archivedThroughMs, pending.throughMs);
    this.state.pending = null;
    updates[BOOKKEEPING.logArchive] = serialiseArchiveState(this.state);
    this.properties.setProperties(updates);
    this.moved += pending.count;
  }

  /** Whether a reserved row at the end of the log may still be written (see reservationsInFlight). */
  private recordingsInFlight(next: number): boolean {
    const first = Math.max(2, next - TAIL_ROWS);
    if (next <= first) return false;
    const column = this.context.book.layout(SHEET.events).require('Received At');
    const tail = this.events
      .getRange(first, column, next - first, 1)
      .getValues()
      .map(([cell]) => receivedMs(cell));
    return reservationsInFlight(tail, this.context.nowMs(), first === 2);
  }

  private copy(pending: PendingMove, copies: Cell[][]): void {
    if (copies.length === 0) return;
    const sheet = this.archive(pending.spreadsheetId);
    const width = Math.max(...copies.map((cells) => cells.length));
    const lastRow = pending.archiveRow + copies.length - 1;
    const maxRows = sheet.getMaxRows();
    if (lastRow > maxRows) sheet.insertRowsAfter(maxRows, Math.max(ARCHIVE_GROWTH_ROWS, lastRow - maxRows));
    this.labelColumns(pending.spreadsheetId, sheet, width);
    const values = copies.map((cells) => {
      const row = cells.map((cell) => (cell === '' ? '' : asCellValue(cell)));
      while (row.length < width) row.push('');
      return row;
    });
    sheet.getRange(pending.archiveRow, 1, values.length, width).setValues(values);
  }

  /** The archive's header as wide as the rows: the log's own header, continuation labels included. */
  private labelColumns(spreadsheetId: string, sheet: Sheet, width: number): void {
    const file = this.state.files.find((f) => f.spreadsheetId === spreadsheetId);
    if (!file || file.columns >= width) return;
    const maxColumns = sheet.getMaxColumns();
    if (maxColumns < width) sheet.insertColumnsAfter(maxColumns, width - maxColumns);
    const header = this.context.book.layout(SHEET.events).header.slice(0, width);
    while (header.length < width) header.push('');
    sheet.getRange(1, 1, 1, width).setValues([header.map((name) => asCellValue(name))]);
    file.columns = width;
  }

  /** The archive the next rows go to: the last one while it has room, else a new spreadsheet. */
  private fileFor(rows: number, width: number): ArchiveFile {
    const last = this.state.files[this.state.files.length - 1];
    if (last && last.rows + rows <= ARCHIVE_FILE_ROWS) return last;
    const book = this.context.book;
    const made = SpreadsheetApp.create(
      `${book.spreadsheet.getName()} — Stripe Events archive ${this.state.files.length + 1}`,
    );
    made.setSpreadsheetTimeZone(book.timeZone);
    const sheet = made.getSheets()[0] as Sheet;
    sheet.setName(SHEET.events);
    sheet.setFrozenRows(1);
    const file: ArchiveFile = { spreadsheetId: made.getId(), url: made.getUrl(), rows: 0, columns: 0 };
    this.state.files.push(file);
    this.archives.set(file.spreadsheetId, sheet);
    this.labelColumns(file.spreadsheetId, sheet, width);
    return file;
  }

  private archive(spreadsheetId: string): Sheet {
    let sheet = this.archives.get(spreadsheetId);
    if (!sheet) {
      sheet = openArchiveSheet(spreadsheetId);
      this.archives.set(spreadsheetId, sheet);
    }
    return sheet;
  }

  /** Rows 2..count+1, every column (a long body's continuation cells too). */
  private readTop(count: number): Cell[][] {
    if (count <= 0) return [];
    const width = Math.max(this.events.getLastColumn(), this.context.book.layout(SHEET.events).width);
    return this.events.getRange(2, 1, count, width).getValues() as Cell[][];
  }

  private leading(cells: Cell[]): LeadingRow {
    const at = (name: KeyColumn | 'Message') => cells[this.column(name) - 1] ?? '';
    return {
      receivedAtMs: receivedMs(at('Received At')),
      result: String(at('Result')),
      held: String(at('Message')).startsWith(HELD_MARK),
      blank: cells.every((cell) => cell === '' || cell === null),
    };
  }

  /** The row's key from named columns, so it reads the same whatever the log's width. */
  private keyOf(cells: Cell[]): string {
    return rowKey(KEY_COLUMNS.map((name) => cells[this.column(name) - 1] ?? ''));
  }

  private column(name: KeyColumn | 'Message'): number {
    return this.context.book.layout(SHEET.events).require(name);
  }

  /** As SheetEventLog.nextRow, through the properties handle this run keeps (a service call less each time). */
  private nextRow(): number {
    const kept = readCount(this.properties.getProperty(BOOKKEEPING.eventsNextRow));
    return kept ?? this.events.getLastRow() + 1;
  }

  private save(pending: PendingMove): void {
    this.state.pending = pending;
    this.properties.setProperty(BOOKKEEPING.logArchive, serialiseArchiveState(this.state));
  }

  private result(stopped: string | null): ArchiveRun {
    return { moved: this.moved, stopped, state: this.state };
  }
}

function receivedMs(cell: unknown): number | null {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.getTime();
  if (cell === '' || cell === null || cell === undefined) return null;
  const ms = Date.parse(String(cell));
  return Number.isNaN(ms) ? null : ms;
}
