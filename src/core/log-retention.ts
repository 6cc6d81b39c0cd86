// Retention of `Stripe Events`: a spreadsheet holds 10 million cells, and the log grows by a row per delivery. When
// the log passes LOG_ARCHIVE_ROWS, its oldest rows move to an archive spreadsheet, oldest first, a bounded chunk per
// run. Only rows that nothing can ask for again move: settled, and older than the retention (Stripe keeps events 30
// days and retries for 3). Dedupe does not need them: a ledger row remembers the events it took in `Stripe State`,
// and an exception lists its own.
//
// A move is copy, then delete. It is recorded before it starts (`pending`), so a run stopped anywhere is completed by
// the next: a copy without its delete is redone from its first archive row, a delete is recognised by the first row
// it removed being gone.

import type { WebhookResult } from './contract';

/** Results no one changes again: every result but `queued` (a delivery still waiting for the ledger). */
const FINAL_RESULTS: ReadonlySet<string> = new Set<WebhookResult>([
  'processed',
  'duplicate',
  'ignored',
  'rejected',
  'busy',
  'error',
]);

export interface ArchiveFile {
  spreadsheetId: string;
  url: string;
  /** Data rows it holds. */
  rows: number;
  /** Columns its header labels (the log's, continuation cells included). */
  columns: number;
}

export interface PendingMove {
  /** The archive the rows go to, and its first row for them. */
  spreadsheetId: string;
  archiveRow: number;
  /** Rows 2..count+1 of `Stripe Events` at the start. */
  count: number;
  /** Of them, the rows with content (blank rows are dropped, not copied). */
  copied: number;
  /** What row 2 held (see rowKey): gone once the delete is done. */
  firstRowKey: string;
  /** The newest `Received At` (ms) among the rows. */
  throughMs: number;
  /** STRIPE_EVENTS_NEXT_ROW as the delete began (under the append lock); absent before. */
  nextRowAtDelete?: number;
}

export interface ArchiveState {
  /** Oldest first; rows are appended to the last one until it is full. */
  files: ArchiveFile[];
  /** The newest `Received At` (ms) of a row moved: events older than this may be in the archive. */
  archivedThroughMs: number;
  pending: PendingMove | null;
}

/** Rows per archive spreadsheet: with the log's 9–12 columns, a third of a spreadsheet's 10 million cells. */
export const ARCHIVE_FILE_ROWS = 300_000;
/** Rows moved per chunk (one read, one write, one delete): a few megabytes of payloads at most. */
export const ARCHIVE_CHUNK_ROWS = 1_000;
/** Once archiving starts, it moves rows until the log is down to this share of LOG_ARCHIVE_ROWS. */
export const ARCHIVE_DOWN_TO = 0.8;
/** An execution lasts 6 minutes at most: a reservation this old that is still blank was never going to be written. */
const RESERVATION_SETTLED_MS = 12 * 60_000;

export function emptyArchiveState(): ArchiveState {
  return { files: [], archivedThroughMs: 0, pending: null };
}

export function parseArchiveState(raw: string | null | undefined): ArchiveState {
  if (!raw) return emptyArchiveState();
  try {
    const value = JSON.parse(raw) as Partial<ArchiveState>;
    const files = Array.isArray(value.files)
      ? value.files.filter(
          (f): f is ArchiveFile =>
            typeof f?.spreadsheetId === 'string' &&
            typeof f.url === 'string' &&
            Number.isSafeInteger(f.rows) &&
            Number.isSafeInteger(f.columns),
        )
      : [];
    const p = value.pending;
    const pending =
      p &&
      typeof p.spreadsheetId === 'string' &&
      Number.isSafeInteger(p.archiveRow) &&
      Number.isSafeInteger(p.count) &&
      Number.isSafeInteger(p.copied) &&
      typeof p.firstRowKey === 'string' &&
      Number.isFinite(p.throughMs) &&
      (p.nextRowAtDelete === undefined || Number.isSafeInteger(p.nextRowAtDelete))
        ? p
        : null;
    const through = Number(value.archivedThroughMs);
    return { files, archivedThroughMs: Number.isFinite(through) ? through : 0, pending };
  } catch {
    // A damaged record loses only the links: the archive spreadsheets stay in Drive.
    return emptyArchiveState();
  }
}

export function serialiseArchiveState(state: ArchiveState): string {
  return JSON.stringify(state);
}

/**
 * How a log row is recognised after rows above it were deleted: its time, source, event id, result and the start and
 * length of its body, so that two rows alike in all of these (which would make a finished delete look undone) do not
 * happen in practice.
 */
export function rowKey(cells: readonly unknown[]): string {
  return cells
    .map((cell) => (cell instanceof Date ? String(cell.getTime()) : String(cell ?? '')))
    .map((text) => (text.length > 80 ? `${text.slice(0, 80)}…${text.length}` : text))
    .join('|');
}

export interface LeadingRow {
  /** Null when the cell is blank or not a time. */
  receivedAtMs: number | null;
  result: string;
  /** A payment held for its grace window: it waits to be decided, so it stays. */
  held: boolean;
  /** Nothing in the row (a reservation whose execution stopped before writing it). */
  blank: boolean;
}

/**
 * How many rows, from row 2 down, to move in this chunk: none until the log passes `archiveRows`; then down to
 * ARCHIVE_DOWN_TO of it, at most a chunk, and only a leading run of settled rows older than the retention.
 */
export function rowsToMove(input: {
  dataRows: number;
  archiveRows: number;
  /** Whether this run already started moving (it then goes on down to the target). */
  started: boolean;
  leading: readonly LeadingRow[];
  nowMs: number;
  retentionDays: number;
}): number {
  const { dataRows, archiveRows, leading, nowMs, retentionDays } = input;
  if (!input.started && dataRows <= archiveRows) return 0;
  const excess = dataRows - Math.floor(archiveRows * ARCHIVE_DOWN_TO);
  const limit = Math.min(excess, ARCHIVE_CHUNK_ROWS, leading.length);
  const oldest = nowMs - retentionDays * 86_400_000;
  let count = 0;
  // Blank rows go with the settled rows after them, never at the end of a chunk (they could be anything).
  for (let i = 0; i < limit; i++) {
    const row = leading[i] as LeadingRow;
    if (row.blank) continue;
    if (row.held || row.receivedAtMs === null || row.receivedAtMs > oldest) break;
    if (!FINAL_RESULTS.has(row.result)) break;
    count = i + 1;
  }
  return count;
}

/**
 * Whether a row reserved at the end of the log may still be written: deleting rows above it would then shift the row
 * its recorder writes to. `tail` is the `Received At` (ms, null when blank) of the last reserved rows, in order;
 * `wholeLog` when it starts at row 2. A blank row is settled when a later row was received long enough ago that every
 * execution reserving before it has ended (an execution lasts 6 minutes at most, and reserves after it starts).
 */
export function reservationsInFlight(
  tail: readonly (number | null)[],
  nowMs: number,
  wholeLog: boolean,
): boolean {
  let oldRowAfter = false;
  for (let i = tail.length - 1; i >= 0; i--) {
    const received = tail[i] ?? null;
    if (received === null) {
      if (!oldRowAfter) return true;
    } else if (received <= nowMs - RESERVATION_SETTLED_MS) {
      oldRowAfter = true;
    }
  }
  // Rows above the window can be vouched for only by an old row inside it.
  return !wholeLog && !oldRowAfter;
}
