// The performance model (DESIGN.md): a sync of N events costs ⌈N/100⌉ list requests and O(1) Spreadsheet calls per
// page, whatever the ledger's size; a webhook costs ~20 calls per event, so per-event calls would not fit in 6 minutes.

import { afterEach, describe, expect, it } from 'vitest';
import { BOOKKEEPING } from '../../src/core/settings';
import { runSync } from '../../src/gas/sync';
import { ledgerCells, type SyncWorld, schoolMonth, syncWorld } from './scenario';

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
