// Sync's reading of payouts: for each automatic payout Stripe has reconciled and the Payouts sheet has not, its
// balance transactions (`GET /v1/balance_transactions?payout=…`, 100 a page, sources expanded so each names its
// payment intent) and the payout itself, logged and applied as one `payout.reconciliation_completed` event: the
// Payouts row's Payments, Gross, Fees, Refunds and Net, and each ledger row's Payout ID, fee and net.

import { BOOKKEEPING } from '../core/settings';
import type { ListedEvent } from '../core/sync/cursor';
import type { AppliedPage } from '../core/sync/event-sync';
import { listPageOf, paginate } from '../core/sync/paginate';
import { PAGE_SIZE, type Query } from '../core/sync/query';
import { payoutReconciliationEvent } from '../core/sync/snapshots';
import type { LedgerContext } from './context';
import { needsReconciling } from './payouts';
import type { StripeClient } from './stripe-client';

/** Payouts read per run at most; the rest wait for the next run. */
const PAYOUTS_PER_RUN = 10;

type Json = Record<string, unknown>;

export interface PayoutReconciliation {
  reconciled: string[];
  /** Payouts Stripe has not finished reconciling yet: read again next run. */
  pending: string[];
}

export function reconcilePayouts(
  context: LedgerContext,
  client: StripeClient,
  apply: (events: ListedEvent[]) => AppliedPage | 'busy',
  allows: () => boolean,
): PayoutReconciliation {
  const report: PayoutReconciliation = { reconciled: [], pending: [] };
  const properties = PropertiesService.getScriptProperties();
  if (properties.getProperty(BOOKKEEPING.payoutsToReconcile) !== '1') return report;
  const candidates = context.payouts
    .readAll()
    .filter((record) => needsReconciling(record.state))
    .map((record) => record.payoutId);
  if (candidates.length === 0) {
    properties.deleteProperty(BOOKKEEPING.payoutsToReconcile);
    return report;
  }
  const events: ListedEvent[] = [];
  for (const payoutId of candidates.slice(0, PAYOUTS_PER_RUN)) {
    if (!allows()) break;
    const payout = client.get(`/v1/payouts/${encodeURIComponent(payoutId)}`);
    if (payout.reconciliation_status !== 'completed') {
      report.pending.push(payoutId);
      continue;
    }
    const event = payoutReconciliationEvent(payout, transactionsOf(client, payoutId), client.apiVersion);
    if (!event) continue;
    events.push({ id: String(event.id), created: Number(event.created), payload: JSON.stringify(event) });
    report.reconciled.push(payoutId);
  }
  if (events.length === 0) return report;
  const outcome = apply(events.sort((a, b) => a.created - b.created));
  if (outcome === 'busy' || outcome.settled < events.length) report.reconciled = [];
  return report;
}

function transactionsOf(client: StripeClient, payoutId: string): Json[] {
  const transactions: Json[] = [];
  paginate(
    (after) => {
      const query: Query = [
        ['payout', payoutId],
        ['limit', String(PAGE_SIZE)],
        ['expand[]', 'data.source'],
      ];
      if (after) query.push(['starting_after', after]);
      return listPageOf(client.get('/v1/balance_transactions', query));
    },
    (page) => {
      transactions.push(...page.data);
      return true;
    },
  );
  return transactions;
}
