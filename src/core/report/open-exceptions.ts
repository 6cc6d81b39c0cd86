// The review queue as it stands: how many exceptions are open, for which reasons, and how long they have waited.

import type { ExceptionEntry } from './report-records';

const DAY_MS = 24 * 60 * 60_000;

/** Age buckets in days, upper bound included: 0–1 holds up to exactly one day, > 7 anything beyond a week. */
export const AGE_BUCKETS: readonly { label: string; upToDays: number }[] = [
  { label: '0–1 days', upToDays: 1 },
  { label: '1–3 days', upToDays: 3 },
  { label: '3–7 days', upToDays: 7 },
  { label: '> 7 days', upToDays: Number.POSITIVE_INFINITY },
];

export interface OpenExceptions {
  open: number;
  snoozed: number;
  /** Most frequent first, then by reason. */
  byReason: { reason: string; count: number }[];
  /** Every bucket, in order, zeros included (a chart needs them); `unknown age` only when some have no `Opened At`. */
  byAge: { label: string; count: number }[];
}

export function openExceptions(exceptions: readonly ExceptionEntry[], now: Date): OpenExceptions {
  const open = exceptions.filter((e) => e.status === 'open');
  const reasons = new Map<string, number>();
  for (const exception of open) reasons.set(exception.reason, (reasons.get(exception.reason) ?? 0) + 1);
  const byAge = AGE_BUCKETS.map((bucket) => ({ label: bucket.label, count: 0 }));
  let undated = 0;
  for (const exception of open) {
    if (!exception.openedAt) {
      undated += 1;
      continue;
    }
    const days = Math.max(0, now.getTime() - exception.openedAt.getTime()) / DAY_MS;
    const index = AGE_BUCKETS.findIndex((bucket) => days <= bucket.upToDays);
    const bucket = byAge[index];
    if (bucket) bucket.count += 1;
  }
  if (undated > 0) byAge.push({ label: 'unknown age', count: undated });
  return {
    open: open.length,
    snoozed: exceptions.filter((e) => e.status === 'snoozed').length,
    byReason: [...reasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    byAge,
  };
}
