// How events reach the ledger: which path brought each one first, how many repeats were suppressed, and how long an
// event took from Stripe's `created` to its row in `Stripe Events`.

import type { LoggedDelivery } from './report-records';
import { percentile } from './statistics';

export interface EventFlow {
  /** Events applied (`processed` or `ignored`) by the path that brought them first; webhook and sync always listed. */
  bySource: { source: string; count: number }[];
  /** Deliveries answered `duplicate`: Stripe's repeats that changed nothing. */
  duplicatesSuppressed: number;
  /** Deliveries refused for their signature (`invalid` or `stale`). */
  signatureFailures: number;
  /** Seconds from Stripe's `created` to `Received At`, over processed events whose body was read. */
  delay: { events: number; p50Seconds: number | null; p95Seconds: number | null };
}

export function eventFlow(log: readonly LoggedDelivery[]): EventFlow {
  const sources = new Map<string, number>([
    ['webhook', 0],
    ['sync', 0],
  ]);
  const delays: number[] = [];
  let duplicates = 0;
  let signatureFailures = 0;
  for (const row of log) {
    if (row.result === 'duplicate') duplicates += 1;
    if (row.verification === 'invalid' || row.verification === 'stale') signatureFailures += 1;
    if (row.result === 'processed' || row.result === 'ignored') {
      const source = row.source || 'unknown';
      sources.set(source, (sources.get(source) ?? 0) + 1);
    }
    if (row.result !== 'processed' || !row.receivedAt) continue;
    const created = createdOf(row.payload);
    if (created !== null) delays.push(Math.max(0, row.receivedAt.getTime() / 1000 - created));
  }
  return {
    bySource: [...sources].map(([source, count]) => ({ source, count })),
    duplicatesSuppressed: duplicates,
    signatureFailures,
    delay: { events: delays.length, p50Seconds: percentile(delays, 50), p95Seconds: percentile(delays, 95) },
  };
}

/** The event's `created` (unix seconds) from its raw body; null when the body is absent or not an event. */
function createdOf(payload: string): number | null {
  if (!payload) return null;
  try {
    const created = (JSON.parse(payload) as { created?: unknown }).created;
    return typeof created === 'number' && Number.isFinite(created) ? created : null;
  } catch {
    return null;
  }
}
