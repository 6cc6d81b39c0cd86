// The performance model (DESIGN.md): a sync of N events costs ⌈N/100⌉ list requests and O(1) Spreadsheet calls per
// page, whatever the ledger's size; a webhook costs ~20 calls per event, so per-event calls would not fit in 6 minutes.

import { afterEach, describe, expect, it } from 'vitest';
import { BOOKKEEPING } from '../../src/core/settings';
import { runSync } from '../../src/gas/sync';
import {
  balanceTransaction,
  chargeSucceededEvent,
  checkoutSessionCompletedEvent,
  payoutEvent,
  payoutObject,
} from '../fixtures/events';
import { ledgerCells, type SyncWorld, schoolMonth, syncWorld, T0 } from './scenario';

let world: SyncWorld | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
});

/** Adds rows of other invoices above the month's, so the ledger is `extra` rows longer. */
function growLedger(w: SyncWorld, extra: number): void {
  const sheet = w.harness.fakes.spreadsheet.getSheetByName('Ledger');
  if (!sheet) throw new Error('no Ledger');
  const width = sheet.getLastColumn();
  const key = (w.harness.fakes.spreadsheet.sheetValues('Ledger')[0] ?? []).indexOf('Stripe Invoice ID');
  sheet.insertRowsAfter(1, extra);
  const rows = Array.from({ length: extra }, (_, i) =>
    Array.from({ length: width }, (_, c) => (c === key ? `'in_other${i}` : '')),
  );
  sheet.getRange(2, 1, extra, width).setValues(rows);
}

function syncCost(extraRows: number): { callsPerPage: number; pages: number } {
  const { events, seeds } = schoolMonth();
  world = syncWorld(seeds);
  if (extraRows > 0) growLedger(world, extraRows);
  world.stripe.addEvents(...events);
  world.harness.fakes.counters.reset();
  const summary = runSync();
  const pages = summary.events?.pagesApplied ?? 0;
  const calls = world.harness.fakes.counters.spreadsheetCalls;
  world.harness.close();
  world = null;
  return { callsPerPage: calls / pages, pages };
}

describe('the cost of a sync', () => {
  it('stays within 30 Spreadsheet calls per page of 100 events', () => {
    const cost = syncCost(0);
    expect(cost.pages).toBe(3);
    expect(cost.callsPerPage).toBeLessThanOrEqual(30);
  });

  it('does not grow with the ledger', () => {
    expect(syncCost(900).callsPerPage).toBe(syncCost(0).callsPerPage);
  });

  it('writes each page’s log rows, audit rows and exceptions in one call each', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    world.harness.fakes.counters.reset();
    runSync();
    // Per page: its log rows written as queued, exceptions and audit appended, the ledger block written, and the log
    // rows' results written last (the commit record): 3 pages × 5 writes at most.
    expect(world.harness.fakes.counters.calls['Range.setValues'] ?? 0).toBeLessThanOrEqual(3 * 5);
    expect(world.harness.fakes.counters.calls['Sheet.appendRow'] ?? 0).toBe(0);
  });
});

describe('a run that died after writing a page but before saving its cursor', () => {
  it('reads the page again and doubles nothing', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    runSync();
    world.harness.fakes.lock.endExecution();
    const ledger = ledgerCells(world.harness);
    world.harness.fakes.properties.script.delete(BOOKKEEPING.syncCursor);

    const again = runSync();

    expect(again.events?.duplicates).toBe(250);
    expect(again.events?.processed).toBe(0);
    expect(world.harness.records('Stripe Events')).toHaveLength(250);
    expect(ledgerCells(world.harness)).toEqual(ledger);
  });
});

describe('a run that finds the script lock held by a webhook', () => {
  it('stops without applying and the next run catches up', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    world.harness.fakes.lock.holdScriptLock(true);
    const blocked = runSync();
    expect(blocked.events?.stopped).toBe('busy');
    expect(world.harness.records('Stripe Events')).toHaveLength(0);
    world.harness.fakes.lock.holdScriptLock(false);
    expect(runSync().events?.processed).toBe(250);
  });
});

describe('what a sync asks Stripe', () => {
  it('one list request a page and nothing per event, however many payments, charges and Checkout purchases it reads', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    const purchases = Array.from({ length: 30 }, (_, k) => [
      chargeSucceededEvent({
        chargeId: `ch_cost${k}`,
        paymentIntent: `pi_cost${k}`,
        amount: 2500,
        created: T0 + 50_000 + k * 10,
      }),
      checkoutSessionCompletedEvent({
        paymentIntent: `pi_cost${k}`,
        amount: 2500,
        created: T0 + 50_001 + k * 10,
      }),
    ]).flat();
    world.stripe.addEvents(...events, ...purchases);
    const summary = runSync();
    const total = events.length + purchases.length;
    expect(summary.events?.processed).toBe(total);
    // Besides the once-a-day drift check's invoice list.
    expect(world.stripe.requests.map((r) => r.path).filter((path) => path !== '/v1/invoices')).toEqual(
      Array.from({ length: Math.ceil(total / 100) }, () => '/v1/events'),
    );
    expect(world.harness.records('Exceptions').filter((e) => e.Reason === 'UNMATCHED_PAYMENT')).toHaveLength(
      30,
    );
  });

  it('reads a payout’s balance transactions 100 at a time: one request for the payout, ⌈N/100⌉ for its transactions', () => {
    world = syncWorld([]);
    const payout = payoutObject({ payoutId: 'po_cost', amount: 250 * 941, status: 'paid', created: T0 });
    world.stripe.addPayouts(payout);
    world.stripe.addBalanceTransactions(
      ...Array.from({ length: 250 }, (_, k) =>
        balanceTransaction({
          amount: 1000,
          fee: 59,
          source: { id: `ch_p${k}`, object: 'charge', payment_intent: `pi_p${k}` },
          payout: 'po_cost',
        }),
      ),
    );
    world.stripe.addEvents(
      payoutEvent('payout.paid', { payoutId: 'po_cost', amount: 250 * 941, created: T0 }),
    );
    runSync();
    const paths = world.stripe.requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/v1/payouts/po_cost')).toHaveLength(1);
    expect(paths.filter((p) => p === '/v1/balance_transactions')).toHaveLength(3);
    expect(world.harness.records('Payouts')[0]).toMatchObject({
      Payments: 250,
      Gross: 2500,
      Fees: 147.5,
      Net: 2352.5,
      Amount: 2352.5,
    });
  });
});
