// Which `Stripe Events` rows wait to be applied. Rows are reserved in order and written by their recorders a moment
// later, so a blank row inside the window is usually a recording in flight: the window does not move past it. One
// that stays blank for two minutes was reserved by an execution that stopped before writing it, and is passed over.

import type { EventLogRow, LoggedDelivery } from '../apply/ports';

export interface QueuePointer {
  /** The lowest row that may still hold a queued delivery. */
  from: number;
  /** A blank row the window waits at, and since when (epoch ms). */
  blank?: { row: number; since: number };
}

/** A reservation not written after this long belongs to an execution that stopped. */
export const ABANDONED_MS = 120_000;
/** Row 1 is the header. */
const FIRST_ROW = 2;

export function readQueuePointer(raw: string | null): QueuePointer {
  try {
    const value = raw ? (JSON.parse(raw) as Partial<QueuePointer>) : null;
    if (value && Number.isSafeInteger(value.from) && (value.from as number) >= FIRST_ROW) {
      const blank =
        value.blank && Number.isSafeInteger(value.blank.row) && Number.isFinite(value.blank.since)
          ? { row: value.blank.row, since: value.blank.since }
          : undefined;
      return blank ? { from: value.from as number, blank } : { from: value.from as number };
    }
  } catch {
    // A damaged pointer starts from the top: rows already applied are recognised and skipped.
  }
  return { from: FIRST_ROW };
}

export interface QueueScan {
  waiting: LoggedDelivery[];
  pointer: QueuePointer;
}

/** Queued rows of a window (oldest first, at most `limit`) and where the next scan starts. */
export function scanQueue(
  pointer: QueuePointer,
  rows: { row: number; entry: EventLogRow | null }[],
  limit: number,
  nowMs: number,
): QueueScan {
  const waiting: LoggedDelivery[] = [];
  let from: number | null = null;
  let blank: QueuePointer['blank'];
  for (const { row, entry } of rows) {
    if (entry === null) {
      if (from !== null) continue;
      const since = pointer.blank?.row === row ? pointer.blank.since : nowMs;
      if (nowMs - since > ABANDONED_MS) continue;
      from = row;
      blank = { row, since };
      continue;
    }
    if (entry.result !== 'queued') continue;
    if (waiting.length < limit) waiting.push({ row, entry });
    from ??= row;
  }
  const scannedTo = rows.length > 0 ? (rows[rows.length - 1] as { row: number }).row + 1 : pointer.from;
  const next: QueuePointer = { from: from ?? scannedTo };
  if (blank && blank.row === next.from) next.blank = blank;
  return { waiting, pointer: next };
}
