// A bulk action is many reviews, applied in batches whose journal entry fits in one script property (9 KB, and the
// journal carries each review with the cells it changes, note included). Each batch is one apply step: stopped
// anywhere, it is completed by the next holder of the lock like any other.

import type { ExceptionRecord } from '../apply/ports';
import type { Review } from '../apply/reviews';
import { utf8Bytes } from '../utf8';

/** Below the journal's own limit (8,500 bytes), with room for its envelope. */
export const JOURNAL_BUDGET_BYTES = 7_000;

export function reviewBatches(
  reviews: readonly Review[],
  records: ReadonlyMap<string, Pick<ExceptionRecord, 'cells'>>,
  budget = JOURNAL_BUDGET_BYTES,
): Review[][] {
  const batches: Review[][] = [];
  let current: Review[] = [];
  let used = 0;
  for (const review of reviews) {
    const cells = records.get(review.exceptionId)?.cells ?? {};
    // The review, and the cells it changes as they were (the note is the big one).
    const size =
      utf8Bytes(JSON.stringify(review)) +
      utf8Bytes(JSON.stringify([cells.Status, cells.Resolution, cells['Resolved By'], cells.Note])) +
      80;
    if (current.length > 0 && used + size > budget) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(review);
    used += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
