// Retention of `Stripe Events` on a log of 200,000 rows: runs of the report's trigger move the old rows to an archive
// spreadsheet until the log is below its size, each run at a bounded cost; what moved is exactly what left, in order;
// dedupe, the queue, parked evidence and verify-from-log keep working across the move.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ledgerContext } from '../../src/gas/context';
import { archiveLog, MAX_CHUNKS_PER_RUN } from '../../src/gas/log-archive';
import { refreshReport } from '../../src/gas/report';
import { claimParkedEvidence, verifyFromLog } from '../../src/gas/sync';
import { invoiceEvent } from '../fixtures/events';
import { archiveRows, type History, historyWorld, NOW, type Row, text } from './log-archive-world';

let world: History | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
  vi.useRealTimers();
});

const isBlank = (row: Row) => row.every((cell) => cell === '');

function logRows(w: History): Row[] {
  return w.harness.fakes.spreadsheet.sheetValues('Stripe Events').slice(1);
}

describe('archiving a log of 200,000 rows', () => {
  it('moves the old rows in runs of bounded cost, keeps the rest, and every path still works', () => {
    world = historyWorld({ bulk: 200_000, oldBulk: 170_000 });
    const w = world;
    const before = logRows(w);
    expect(before.length).toBe(200_005);
    const verifiedBefore = verifyFromLog();

    const runs: { moved: number; calls: number; spreadsheetCalls: number; stopped: string | null }[] = [];
    for (let i = 0; i < 10; i++) {
      w.harness.fakes.counters.reset();
      const run = archiveLog(ledgerContext());
      w.harness.fakes.lock.endExecution();
      const calls = Object.values(w.harness.fakes.counters.calls).reduce((sum, n) => sum + n, 0);
      runs.push({
        moved: run.moved,
        calls,
        spreadsheetCalls: w.harness.fakes.counters.spreadsheetCalls,
        stopped: run.stopped,
      });
      if (run.moved === 0) break;
    }
    console.log(`archive runs: ${JSON.stringify(runs)}`);

    // Runs go on while the log is over LOG_ARCHIVE_ROWS (100,000), at most 30 chunks of 1,000 rows each.
    const after = logRows(w);
    expect(after.length).toBe(80_005);
    expect(runs.map((r) => r.moved)).toEqual([30_000, 30_000, 30_000, 30_000, 0]);
    for (const run of runs) expect(run.stopped).toBeNull();
    // Bounded: a run's calls do not grow with the log (the biggest run is the one that makes the archive).
    const perChunk = Math.max(...runs.map((r) => r.calls)) / MAX_CHUNKS_PER_RUN;
    expect(perChunk).toBeLessThanOrEqual(23);
    // A run with nothing due reads two properties and no sheet.
    expect(runs[runs.length - 1]).toMatchObject({ spreadsheetCalls: 0 });
    expect(runs[runs.length - 1]?.calls).toBeLessThanOrEqual(5);

    // What left is what the archive holds, in order (the abandoned reservations, blank, are dropped); the rest stayed.
    const moved = before.slice(0, 120_000);
    // (The queued delivery, last, has been applied since: its row now says so.)
    expect(after.slice(0, -1).map(text)).toEqual(before.slice(120_000, -1).map(text));
    const archived = archiveRows(w);
    expect(archived.length).toBe(moved.filter((row) => !isBlank(row)).length);
    expect(archived.map(text)).toEqual(moved.filter((row) => !isBlank(row)).map(text));
    // Text that looks like a formula is still text in the archive.
    expect(archived.some((row) => String(row[6]).startsWith('=IMPORTXML'))).toBe(true);
    const archive = w.harness.fakes.created()[0];
    expect(archive?.getSheetByName('Stripe Events')?.getRange('A1:H1').getValues()[0]).toEqual([
      'Received At',
      'Source',
      'Event ID',
      'Event Type',
      'Verification',
      'Result',
      'Message',
      'Payload',
    ]);
    expect(
      JSON.stringify(archive?.getSheetByName('Stripe Events')?.getDataRange().getFormulas()),
    ).not.toMatch(/=/);

    // The delivery that waited in the queue was applied by the first run's lock holder, at its moved row.
    expect(w.harness.ledgerRow('in_waiting')).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 18.785,
    });
    expect(after.filter((row) => row[2] === w.queued.id).map((row) => row[5])).toEqual(['processed']);

    // Dedupe across the move: an archived event redelivered is a duplicate, and so is a recent one.
    expect(w.harness.post(w.oldPaid)).toMatchObject({ result: 'duplicate' });
    expect(w.harness.post(w.oldYen)).toMatchObject({ result: 'duplicate' });
    expect(w.harness.post(w.recentPaid)).toMatchObject({ result: 'duplicate' });
    expect(w.harness.ledgerRow('in_old_zoe')).toMatchObject({
      'Amount Paid': 1250.5,
      'Payment Status': 'paid',
    });
    expect(w.harness.ledgerRow('in_old_kyoto')).toMatchObject({ 'Amount Paid': 96_220 });

    // New deliveries land after the kept rows: nothing overwritten, no gap.
    const fresh = invoiceEvent('invoice.paid', {
      invoiceId: 'in_after',
      amountDue: 9_000,
      created: Math.floor(NOW / 1000),
    });
    expect(w.harness.post(fresh)).toMatchObject({ result: 'processed' });
    const latest = logRows(w);
    expect(latest.length).toBe(80_009);
    expect(latest[latest.length - 1]?.[2]).toBe(fresh.id);
    expect(w.harness.fakes.properties.script.get('STRIPE_EVENTS_NEXT_ROW')).toBe(String(latest.length + 2));

    // Parked long ago, claimed now from the archive: the row typed in today gets the money.
    w.harness.fakes.spreadsheet
      .getSheetByName('Ledger')
      ?.appendRow(['Søren Kierkegaard', "'in_typed_later", 640, 'usd']);
    expect(claimParkedEvidence(ledgerContext())).toBe(1);
    expect(w.harness.ledgerRow('in_typed_later')).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 640,
    });
    const found = ledgerContext().log.findEvents([w.parked.id]);
    expect(found).toEqual([expect.objectContaining({ row: 0 })]);
    expect(JSON.parse(String(found[0]?.entry.payload))).toEqual(w.parked);

    // Verify-from-log reads the archive first: the same verdict as before the move (nothing differs).
    const verifiedAfter = verifyFromLog();
    expect(verifiedAfter.differences).toEqual(
      verifiedBefore.differences.filter((d) => d.invoiceId !== 'in_waiting'),
    );
    expect(verifiedAfter.differences).toEqual([]);

    // The report links the archive.
    w.harness.fakes.counters.reset();
    refreshReport();
    const report = w.harness.fakes.spreadsheet
      .sheetValues('Reconciliation Report')
      .map((row) => row.join(' | '));
    expect(report.join('\n')).toContain('119,995 older rows of Stripe Events in 1 archive spreadsheet');
    expect(report.join('\n')).toContain(`https://docs.google.com/spreadsheets/d/${archive?.getId()}/edit`);
  });
});
