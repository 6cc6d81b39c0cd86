// What the ingest (webhook, queue, lock scope) needs besides the books.

import type { BooksPorts, EventLogRow, LoggedDelivery } from '../apply/ports';

export interface ScriptLock {
  /** False when the lock was not had within the time. */
  tryLock(timeoutMs: number): boolean;
  release(): void;
}

/**
 * Verified deliveries recorded while another execution holds the script lock, as `queued` rows of `Stripe Events`.
 * Recording takes only the append lock, for the moment it takes to reserve a row.
 */
export interface DeliveryQueue {
  /** Reserves a row, writes the entry and makes it visible to other executions; returns the row. */
  record(entry: EventLogRow): number;
  /** Tells whoever holds the script lock, or takes it next, that a row waits. Outside any lock. */
  signal(): void;
  /** Whether a row may wait (one property read). */
  signalled(): boolean;
  /** Cleared by the holder before it reads what waits, so a row recorded after the read signals again. */
  clearSignal(): void;
  /** Queued rows, oldest first, at most `limit`. */
  waiting(limit: number): LoggedDelivery[];
}

/** Rows written outside the script lock (rejected, unconfigured): reserved under the append lock, then written. */
export interface OutsideLog {
  append(entry: EventLogRow): number;
}

/** Bounded storage for rejected requests: full rows up to a limit per hour, a count after. */
export interface RejectionBudget {
  /** Whether this rejected request may be stored in full; `summary` is a note on requests dropped in a past hour. */
  admit(now: Date): { store: boolean; summary: string | null };
}

export interface LockedWork {
  lock: ScriptLock;
  queue: DeliveryQueue;
  /** Ports for one holding of the lock (reads made under it stay valid until it is released). */
  books(): BooksPorts;
  /** Pending sheet writes land before the lock is released (Apps Script batches them otherwise). */
  flush(): void;
  /** Epoch ms, for the drain's time budget. */
  nowMs(): number;
  /** Where a drain that fails is reported (the execution log). */
  warn(message: string): void;
}
