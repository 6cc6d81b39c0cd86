// The sheets as the report, the settlement timers and the alerts read them: each in one read (the log in two), as
// plain rows for src/core. A sheet that does not exist yet reads as empty, so the report works on a half-set-up book.

import { SHEET } from '../core/contract';
import type { LoggedPayload } from '../core/settlement/processing-payments';
import { EMPTY_TABLE, type SheetTable } from '../core/sheet-rows';
import { columnLetter } from './sheet-text';
import type { Workbook } from './workbook';

/** The report reads the bodies of this many days of deliveries (for the event-to-ledger delay), not the whole log. */
export const BODY_WINDOW_DAYS = 30;
/** Rows of `Stripe Events` read at a time: bodies are large, and one huge read can exhaust memory. */
const BODY_CHUNK_ROWS = 1000;
const DAY_MS = 24 * 60 * 60_000;
/** What the report needs of every delivery; `Message` and the bodies are left unread. */
const LOG_SHORT_COLUMNS = ['Received At', 'Source', 'Event ID', 'Event Type', 'Verification', 'Result'];

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

function sheetOrNull(book: Workbook, name: string): Sheet | null {
  return book.spreadsheet.getSheetByName(name);
}

/** Every column and row of a sheet, header included, in one read. */
export function readWholeSheet(book: Workbook, name: string): SheetTable {
  const sheet = sheetOrNull(book, name);
  if (!sheet) return EMPTY_TABLE;
  const lastRow = sheet.getLastRow();
  const lastColumn = sheet.getLastColumn();
  if (lastRow < 1 || lastColumn < 1) return EMPTY_TABLE;
  const [header = [], ...rows] = sheet.getRange(1, 1, lastRow, lastColumn).getValues();
  return { header, rows };
}

/**
 * The named columns only (the span from the first to the last of them), below a header the add-on keeps (setup
 * stores the layouts of its own sheets, so no header read): for `Audit`, whose other columns are never needed.
 */
export function readColumns(book: Workbook, name: string, columns: readonly string[]): SheetTable {
  const sheet = sheetOrNull(book, name);
  if (!sheet) return EMPTY_TABLE;
  const layout = book.layout(name);
  const found = columns.map((column) => layout.column(column)).filter((column) => column > 0);
  const lastRow = sheet.getLastRow();
  if (found.length === 0 || lastRow < 2) return { header: layout.header, rows: [] };
  const first = Math.min(...found);
  const last = Math.max(...found);
  const rows = sheet.getRange(2, first, lastRow - 1, last - first + 1).getValues();
  return { header: layout.header.slice(first - 1, last), rows };
}

export interface LogRead {
  /** Every delivery's short columns; `Payload` only for the last BODY_WINDOW_DAYS (continuation cells joined). */
  table: SheetTable;
  /** Bodies read, by event id (the newest delivery of each). */
  bodies: Map<string, string>;
}

/** `Stripe Events`: the short columns of every row in one read, then the bodies of recent rows in chunks. */
export function readEventLog(book: Workbook, now: Date): LogRead {
  const sheet = sheetOrNull(book, SHEET.events);
  const bodies = new Map<string, string>();
  if (!sheet) return { table: EMPTY_TABLE, bodies };
  const layout = book.layout(SHEET.events);
  const payloadColumn = layout.column('Payload');
  const short = readColumns(book, SHEET.events, LOG_SHORT_COLUMNS);
  if (!payloadColumn || short.rows.length === 0) return { table: short, bodies };

  const receivedIndex = indexIn(short.header, 'Received At');
  const idIndex = indexIn(short.header, 'Event ID');
  const since = now.getTime() - BODY_WINDOW_DAYS * DAY_MS;
  // The log is appended in time order: the recent rows are a tail.
  let firstRecent = short.rows.length;
  while (firstRecent > 0 && receivedTime(short.rows[firstRecent - 1]?.[receivedIndex]) >= since)
    firstRecent -= 1;

  const payloads: string[] = new Array(short.rows.length).fill('');
  const width = Math.max(sheet.getLastColumn(), layout.width) - payloadColumn + 1;
  for (let start = firstRecent; start < short.rows.length; start += BODY_CHUNK_ROWS) {
    const count = Math.min(BODY_CHUNK_ROWS, short.rows.length - start);
    const block = sheet.getRange(start + 2, payloadColumn, count, width).getValues();
    block.forEach((cells, offset) => {
      const body = cells.map((cell) => String(cell ?? '')).join('');
      payloads[start + offset] = body;
      const id = String(short.rows[start + offset]?.[idIndex] ?? '');
      if (id && body) bodies.set(id, body);
    });
  }
  return {
    table: { header: [...short.header, 'Payload'], rows: short.rows.map((row, i) => [...row, payloads[i]]) },
    bodies,
  };
}

/**
 * The logged body of an event: from the bodies already read, else found by id (one TextFinder over the Event ID
 * column, one read of that row's body): a debit processing for longer than the body window is still found.
 */
export function loggedPayloads(book: Workbook, known: ReadonlyMap<string, string>): LoggedPayload {
  return (eventId) => {
    const body = known.get(eventId);
    if (body) return body;
    const sheet = sheetOrNull(book, SHEET.events);
    if (!sheet) return null;
    const layout = book.layout(SHEET.events);
    const idColumn = layout.column('Event ID');
    const payloadColumn = layout.column('Payload');
    if (!idColumn || !payloadColumn) return null;
    const letter = columnLetter(idColumn);
    const cell = book
      .range(SHEET.events, `${letter}:${letter}`)
      .createTextFinder(eventId)
      .matchEntireCell(true)
      .findNext();
    if (!cell) return null;
    const width = Math.max(sheet.getLastColumn(), layout.width) - payloadColumn + 1;
    const cells = sheet.getRange(cell.getRow(), payloadColumn, 1, width).getValues()[0] ?? [];
    return cells.map((value) => String(value ?? '')).join('') || null;
  };
}

function indexIn(header: readonly unknown[], name: string): number {
  return header.findIndex((cell) => String(cell).trim().toLowerCase() === name.toLowerCase());
}

function receivedTime(value: unknown): number {
  if (Object.prototype.toString.call(value) === '[object Date]') return (value as Date).getTime();
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}
