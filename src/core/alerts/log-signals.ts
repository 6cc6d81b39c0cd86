// Trouble the `Stripe Events` log shows: deliveries refused for their signature, and deliveries answered `error`
// because no webhook secret is configured, over the last 24 hours.

import type { LoggedDelivery } from '../report/report-records';
import type { TroubleSignals } from './system-trouble';

const DAY_MS = 24 * 60 * 60_000;

export function logSignals(
  log: readonly LoggedDelivery[],
  now: Date,
): Pick<TroubleSignals, 'signatureFailures' | 'unconfiguredDeliveries'> {
  const since = now.getTime() - DAY_MS;
  let count = 0;
  let latest: Date | null = null;
  let unconfigured = 0;
  for (const row of log) {
    if (!row.receivedAt || row.receivedAt.getTime() < since) continue;
    if (row.verification === 'invalid' || row.verification === 'stale') {
      count += 1;
      if (!latest || row.receivedAt > latest) latest = row.receivedAt;
    }
    if (row.verification === 'unconfigured') unconfigured += 1;
  }
  return { signatureFailures: { count, latest }, unconfiguredDeliveries: unconfigured };
}
