// How long exceptions waited for a person (or an automatic cure): from `Opened At` to `Resolved At` of every
// exception closed (resolved or dismissed), in hours.

import { isClosedStatus } from './exception-reasons';
import type { ExceptionEntry } from './report-records';
import { mean, median, percentile } from './statistics';

const HOUR_MS = 60 * 60_000;

export interface TimeToResolve {
  closed: number;
  medianHours: number | null;
  meanHours: number | null;
  p90Hours: number | null;
}

export function timeToResolve(exceptions: readonly ExceptionEntry[]): TimeToResolve {
  const hours: number[] = [];
  for (const exception of exceptions) {
    if (!isClosedStatus(exception.status) || !exception.openedAt || !exception.resolvedAt) continue;
    // A hand-typed Resolved At before Opened At counts as resolved at once, not as negative time.
    hours.push(Math.max(0, exception.resolvedAt.getTime() - exception.openedAt.getTime()) / HOUR_MS);
  }
  return {
    closed: hours.length,
    medianHours: median(hours),
    meanHours: mean(hours),
    p90Hours: percentile(hours, 90),
  };
}
