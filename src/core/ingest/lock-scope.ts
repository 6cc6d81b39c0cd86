// The one lock helper. Whoever holds the script lock first completes a batch a stopped execution left in the journal,
// then does its own work, then applies every queued delivery (group commit), and only then releases. After releasing
// it looks once more: a delivery recorded while it held the lock, whose own try for the lock failed, is applied by
// this second look (or by whoever took the lock in between, who looks again in turn). So nothing recorded is left
// waiting for a later event.

import { errorMessage } from '../../shared/error-message';
import { applyChanges, recoverJournal } from '../apply/apply-step';
import type { ApplyResult } from '../apply/changes';
import type { BooksPorts } from '../apply/ports';
import type { LockedWork } from './ports';

/** Rows applied per batch while draining: one batch is a handful of sheet calls, whatever its size. */
export const DRAIN_BATCH = 200;
/** A holder stops draining after this long; the next recorder or sync takes over (Apps Script stops at 6 min). */
export const DRAIN_BUDGET_MS = 4 * 60_000;

export type LockOutcome<T> = { held: true; value: T; drained: ApplyResult[] } | { held: false };

export function withLock<T>(
  work: LockedWork,
  waitMs: number,
  task: (books: BooksPorts) => T,
  options: { forceDrain?: boolean } = {},
): LockOutcome<T> {
  if (!work.lock.tryLock(waitMs)) return { held: false };
  const startedMs = work.nowMs();
  let value: T;
  let drained: ApplyResult[] = [];
  try {
    const books = work.books();
    recoverJournal(books);
    value = task(books);
    drained = drain(work, books, startedMs, options.forceDrain === true);
  } finally {
    work.lock.release();
  }
  drained.push(...afterRelease(work));
  return { held: true, value, drained };
}

/** Applies what waits in the queue, batch by batch, until it is empty or the holder's time is up. */
export function drain(work: LockedWork, books: BooksPorts, startedMs: number, force = false): ApplyResult[] {
  const results: ApplyResult[] = [];
  let look = force;
  let failures = 0;
  while (work.nowMs() - startedMs < DRAIN_BUDGET_MS) {
    if (!look && !work.queue.signalled()) break;
    look = false;
    work.queue.clearSignal();
    const waiting = work.queue.waiting(DRAIN_BATCH);
    if (waiting.length === 0) continue;
    try {
      const result = applyChanges(
        books,
        waiting.map(({ row, entry }) => ({
          payload: entry.payload,
          receivedAt: entry.receivedAt,
          source: entry.source,
          verification: entry.verification === 'api' ? 'api' : 'valid',
          logRow: row,
        })),
      );
      results.push(result);
      // Rows that could not be applied now (Stripe unreachable) stay queued: do not spin on them in this holding.
      if (result.deliveries.every((outcome) => outcome.result === 'queued')) break;
    } catch (error) {
      work.warn(`Applying ${waiting.length} queued deliveries stopped: ${errorMessage(error)}`);
      // The journal holds what this batch began: complete it now if Sheets answers again, else the next holder does.
      failures += 1;
      try {
        const recovered = recoverJournal(books);
        if (recovered) results.push(recovered);
        if (!recovered || failures > 1) throw new Error('not completed');
      } catch {
        work.queue.signal();
        break;
      }
    }
  }
  return results;
}

/** The second look after releasing (see the top of this file). */
function afterRelease(work: LockedWork): ApplyResult[] {
  const results: ApplyResult[] = [];
  for (let rounds = 0; rounds < 3; rounds++) {
    if (!safely(() => work.queue.signalled(), work)) break;
    if (!safely(() => work.lock.tryLock(0), work)) break;
    try {
      const books = work.books();
      recoverJournal(books);
      results.push(...drain(work, books, work.nowMs()));
    } catch (error) {
      work.warn(`Applying queued deliveries after the release stopped: ${errorMessage(error)}`);
    } finally {
      work.lock.release();
    }
  }
  return results;
}

function safely(check: () => boolean, work: LockedWork): boolean {
  try {
    return check();
  } catch (error) {
    work.warn(`Could not check the delivery queue: ${errorMessage(error)}`);
    return false;
  }
}
