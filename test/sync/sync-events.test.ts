// syncStripe() end to end on the Apps Script fakes and the Stripe double: catching up on 250 events of which 40
// came by webhook, surviving a 429, an idle second run, and runs cut off at every page boundary.

import { afterEach, describe, expect, it } from 'vitest';
import { BOOKKEEPING } from '../../src/core/settings';
import { PAGE_SIZE, USED_EVENT_TYPES } from '../../src/core/sync/query';
import { runSync } from '../../src/gas/sync';
import { ledgerCells, type SyncWorld, schoolMonth, sheetsSnapshot, syncWorld } from './scenario';

let world: SyncWorld | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
});

/** Every 6th event, 40 in all, reached the ledger by webhook before the sync. */
function deliveredByWebhook<T>(events: T[]): T[] {
  return events.filter((_, i) => i % 6 === 0).slice(0, 40);
}

/** The same month delivered entirely by webhook: what the ledger must look like. */
function referenceLedger(): Record<string, Record<string, unknown>> {
  const { events, seeds } = schoolMonth();
  const reference = syncWorld(seeds);
  try {
    for (const event of events) reference.harness.post(event);
    return ledgerCells(reference.harness);
  } finally {
    reference.harness.close();
  }
}

function logRows(w: SyncWorld): Record<string, unknown>[] {
  return w.harness.records('Stripe Events');
}

describe('syncStripe catches up on events the webhook missed', () => {
  it('applies each of 250 events exactly once when 40 came by webhook, through ⌈N/100⌉ list requests and one 429', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    for (const event of deliveredByWebhook(events)) {
      expect(world.harness.post(event).result).toBe('processed');
    }
    world.stripe.inject({ status: 429, shouldRetry: true }, 1, '/v1/events');

    const summary = runSync({ random: () => 0 });

    expect(summary.ok).toBe(true);
    expect(summary.events?.processed).toBe(210);
    expect(summary.events?.duplicates).toBe(40);
    expect(summary.events?.listRequests).toBe(Math.ceil(250 / PAGE_SIZE));
    expect(world.stripe.count('/v1/events')).toBe(Math.ceil(250 / PAGE_SIZE) + 1);
    expect(summary.retries).toBe(1);
    const rows = logRows(world);
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((r) => r['Event ID'])).size).toBe(250);
    expect(rows.filter((r) => r.Source === 'sync').every((r) => r.Verification === 'api')).toBe(true);
    expect(rows.filter((r) => r.Source === 'webhook')).toHaveLength(40);
    expect(ledgerCells(world.harness)).toEqual(referenceLedger());
  });

  it('asks Stripe only for the event types the pipeline uses, 100 at a time, with the pinned version', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    runSync();
    const request = world.stripe.requests.find((r) => r.path === '/v1/events');
    expect(request?.query.getAll('types[]')).toEqual([...USED_EVENT_TYPES]);
    expect(request?.query.get('limit')).toBe('100');
    expect(request?.headers['stripe-version']).toBe('2025-03-31.basil');
    expect(request?.headers.authorization).toBe('Bearer sk_test_double');
  });

  it('fetches nothing new and changes nothing on a second run: one list request, and sheets only read to look for rows that claim parked events', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    runSync();
    world.harness.fakes.lock.endExecution();
    const before = sheetsSnapshot(world.harness);
    const requestsBefore = world.stripe.count('/v1/events');
    world.harness.fakes.counters.reset();

    const summary = runSync();

    expect(summary.events?.processed).toBe(0);
    expect(world.stripe.count('/v1/events') - requestsBefore).toBe(1);
    expect(sheetsSnapshot(world.harness)).toBe(before);
    // Two invoices of the month have no row: their UNKNOWN_INVOICE waits, so each run reads whether a row came.
    expect(world.harness.fakes.counters.cellsWritten).toBe(0);
    expect(world.harness.fakes.counters.spreadsheetCalls).toBeLessThanOrEqual(15);
  });

  it('reads no sheet at all on an idle run when nothing waits for a row', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld([...seeds, { invoiceId: 'in_a058' }, { invoiceId: 'in_a059' }]);
    world.stripe.addEvents(...events);
    runSync();
    const parked = world.harness.records('Exceptions').filter((r) => r.Reason === 'UNKNOWN_INVOICE');
    expect(parked).toEqual([]);
    world.harness.fakes.lock.endExecution();
    world.harness.fakes.counters.reset();
    runSync();
    expect(world.harness.fakes.counters.spreadsheetCalls).toBe(0);
  });

  it('reads from the saved cursor minus the overlap window on the next run', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    runSync();
    const newest = Math.max(...events.map((e) => e.created));
    runSync();
    const last = world.stripe.requests.filter((r) => r.path === '/v1/events').at(-1);
    expect(last?.query.get('created[gte]')).toBe(String(newest - 300));
  });

  it('applies an event that appears late inside the overlap window', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    const late = events.find((e) => e.id === 'evt_apf1');
    world.stripe.addEvents(...events.filter((e) => e !== late));
    runSync();
    if (!late) throw new Error('scenario lost its late event');
    world.stripe.addEvents(late);
    const summary = runSync();
    expect(summary.events?.processed).toBe(1);
    expect(world.harness.ledgerRow('in_af1')['Payment Status']).toBe('payment_failed');
  });
});

describe('a run cut off by the time limit resumes where it stopped', () => {
  it('loses and doubles nothing when cut after any page', () => {
    const { events, seeds } = schoolMonth();
    const reference = referenceLedger();
    const pages = Math.ceil(events.length / PAGE_SIZE);
    for (let cut = 1; cut <= pages; cut++) {
      world = syncWorld(seeds);
      world.stripe.addEvents(...events);
      for (const event of deliveredByWebhook(events)) world.harness.post(event);
      // Each applied page ends with SpreadsheetApp.flush(): the budget's clock jumps past the limit after `cut`.
      const counters = world.harness.fakes.counters;
      counters.reset();
      const stopAfter = (): number =>
        (counters.calls['SpreadsheetApp.flush'] ?? 0) >= cut ? 10 * 60_000 : 0;
      const first = runSync({ nowMs: stopAfter });
      world.harness.fakes.lock.endExecution();
      expect(first.events?.stopped, `cut after page ${cut}`).toBe(cut < pages ? 'time' : null);

      const second = runSync();
      expect(second.events?.caughtUp).toBe(true);
      const rows = logRows(world);
      expect(new Set(rows.map((r) => r['Event ID'])).size, `cut after page ${cut}`).toBe(250);
      expect(rows, `cut after page ${cut}`).toHaveLength(250);
      expect(ledgerCells(world.harness), `cut after page ${cut}`).toEqual(reference);
      expect(world.harness.fakes.properties.script.get(BOOKKEEPING.syncCursor)).toContain(
        String(Math.max(...events.map((e) => e.created))),
      );
      world.harness.close();
      world = null;
    }
  });
});
