// A move to the archive stopped anywhere: one Apps Script call fails (or the execution ends there), and the next runs
// of the report's trigger end exactly where a run without the failure ends. Also: a reservation still being written
// holds the delete back, and a refresh from the menu moves nothing.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ledgerContext } from '../../src/gas/context';
import { archiveLog } from '../../src/gas/log-archive';
import { refreshReport } from '../../src/gas/report';
import { runSync } from '../../src/gas/sync';
import { archiveRows, type History, historyWorld, text } from './log-archive-world';

let world: History | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
  vi.useRealTimers();
});

/** What the move is judged by: both logs' rows in order, the next row to reserve, and the waiting payment. */
function outcome(w: History): unknown {
  const archived = archiveRows(w).map(text);
  // The waiting delivery's message says how it was applied (at once, or completed after a failed drain): not judged.
  const log = w.harness.fakes.spreadsheet
    .sheetValues('Stripe Events')
    .slice(1)
    .map((row) => text(row[2] === 'evt_1Waiting' ? row.map((cell, i) => (i === 6 ? '' : cell)) : row));
  const waiting = w.harness.ledgerRow('in_waiting');
  return {
    log,
    archived,
    nextRow: w.harness.fakes.properties.script.get('STRIPE_EVENTS_NEXT_ROW'),
    waiting: [waiting['Payment Status'], waiting['Amount Paid']],
  };
}

function small(): History {
  return historyWorld({ bulk: 2_600, oldBulk: 2_400, logArchiveRows: 1_000 });
}

/**
 * Runs as the report's trigger would, until a run has nothing left to do; then a sync, as its trigger would (it
 * applies a delivery a failed drain left queued, archive or not).
 */
function runUntilDone(w: History): number {
  let moved = 0;
  for (let i = 0; i < 5; i++) {
    const run = archiveLog(ledgerContext());
    w.harness.fakes.lock.endExecution();
    moved += run.moved;
    if (run.moved === 0 && !run.state.pending) break;
  }
  runSync();
  w.harness.fakes.lock.endExecution();
  return moved;
}

describe('a move to the archive that stops part-way', () => {
  it('is completed by the next runs, whichever call failed: nothing lost, nothing copied twice', () => {
    world = small();
    // The calls of the first run (the whole move, here, and the queue's drain after it) are the ones to fail.
    let calls = 0;
    const count = world.harness.fakes.onCall(() => {
      calls += 1;
    });
    const first = archiveLog(ledgerContext());
    count();
    world.harness.fakes.lock.endExecution();
    expect(first.moved + runUntilDone(world)).toBe(1_805);
    const clean = outcome(world);
    expect((clean as { log: unknown[] }).log.length).toBe(800);
    expect((clean as { waiting: unknown[] }).waiting).toEqual(['paid', 18.785]);
    world.harness.close();
    world = null;

    let failures = 0;
    for (let failAt = 1; failAt <= calls; failAt++) {
      const w = small();
      let n = 0;
      const stop = w.harness.fakes.onCall(() => {
        n += 1;
        if (n === failAt)
          throw w.harness.fakes.error('Service Spreadsheets failed while accessing document.');
      });
      try {
        archiveLog(ledgerContext());
      } catch {
        failures += 1;
      } finally {
        stop();
        w.harness.fakes.lock.endExecution();
      }
      runUntilDone(w);
      expect(outcome(w), `failure at call ${failAt}`).toEqual(clean);
      w.harness.close();
    }
    // Most calls are inside the move; the rest (the queue's drain) are caught and retried by design.
    console.log(
      `archive fault campaign: ${calls} calls, ${failures} failed runs, all completed by the next runs`,
    );
    expect(calls).toBeGreaterThan(40);
    expect(failures).toBeGreaterThan(calls / 2);
  });

  it('holds the delete back while a reserved row is still blank, then moves each row once', () => {
    world = small();
    const w = world;
    // Another delivery has reserved the next row and not written it yet.
    const next = Number(w.harness.fakes.properties.script.get('STRIPE_EVENTS_NEXT_ROW'));
    w.harness.fakes.properties.script.set('STRIPE_EVENTS_NEXT_ROW', String(next + 1));
    const held = archiveLog(ledgerContext());
    w.harness.fakes.lock.endExecution();
    expect(held).toMatchObject({ moved: 0, stopped: 'deliveries were being recorded' });
    expect(held.state.pending).not.toBeNull();
    expect(w.harness.fakes.spreadsheet.sheetValues('Stripe Events').length).toBe(2_606);

    // Thirteen minutes on, a later delivery has come and gone: the blank row's execution has surely ended.
    vi.setSystemTime(Date.now() + 13 * 60_000);
    w.harness.fakes.properties.script.set('STRIPE_EVENTS_NEXT_ROW', String(next));
    expect(runUntilDone(w)).toBe(1_805);
    const archived = w.harness.fakes.created()[0]?.getSheetByName('Stripe Events');
    const ids = archived
      ?.getRange(2, 3, (archived?.getLastRow() ?? 2) - 1, 1)
      .getValues()
      .map(([id]) => id);
    // The first chunk was copied twice to the same rows: each row is there once.
    expect(ids?.length).toBe(1_805);
    expect(new Set(ids?.filter((id) => id !== '')).size).toBe(ids?.filter((id) => id !== '').length);
  });

  it('leaves the log alone when the report is refreshed from the menu, and only links what is archived', () => {
    world = small();
    refreshReport();
    expect(world.harness.fakes.created()).toEqual([]);
    expect(world.harness.fakes.spreadsheet.sheetValues('Stripe Events').length).toBe(2_606);
    refreshReport({ triggerUid: 'report-trigger' });
    expect(world.harness.fakes.spreadsheet.sheetValues('Stripe Events').length).toBe(801);
    const report = world.harness.fakes.spreadsheet.sheetValues('Reconciliation Report').flat().join('\n');
    expect(report).toContain(
      '1,805 older rows of Stripe Events in 1 archive spreadsheet; this refresh moved 1,805.',
    );
  });
});
