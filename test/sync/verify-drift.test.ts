// The ledger explained by its evidence: verify-from-log replays `Stripe Events` into scratch cells, and the drift check
// compares Payment Status with Stripe's current invoice.

import { afterEach, describe, expect, it } from 'vitest';
import { checkDrift, runSync, verifyFromLog } from '../../src/gas/sync';
import { invoiceEvent } from '../fixtures/events';
import { type SyncWorld, schoolMonth, syncWorld } from './scenario';

let world: SyncWorld | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
});

/** Row number (1-based, header = 1) of an invoice in the Ledger sheet, and the column of a header. */
function cellOf(w: SyncWorld, invoiceId: string, header: string): GoogleAppsScript.Spreadsheet.Range {
  const values = w.harness.fakes.spreadsheet.sheetValues('Ledger');
  const column = (values[0] ?? []).indexOf(header) + 1;
  const row = values.findIndex((r) => r.includes(invoiceId)) + 1;
  const sheet = w.harness.fakes.spreadsheet.getSheetByName('Ledger');
  if (!sheet || column < 1 || row < 1) throw new Error(`no cell ${invoiceId}/${header}`);
  return sheet.getRange(row, column);
}

function syncedMonth(): SyncWorld {
  const { events, seeds } = schoolMonth();
  const w = syncWorld(seeds);
  w.stripe.addEvents(...events);
  for (const event of events.filter((_, i) => i % 6 === 0).slice(0, 40)) w.harness.post(event);
  runSync();
  w.harness.fakes.lock.endExecution();
  return w;
}

describe('verify from the log', () => {
  it('reproduces every maintained cell after the 250-event month', () => {
    world = syncedMonth();
    const report = verifyFromLog();
    expect(report.eventsReplayed).toBe(250);
    expect(report.rowsCompared).toBe(60);
    expect(report.cellsCompared).toBe(360);
    expect(report.differences).toEqual([]);
    expect(report.unplaced).toEqual([]);
  });

  it('reports one hand edit as the only difference, with no audit row to explain it', () => {
    world = syncedMonth();
    cellOf(world, 'in_a010', 'Amount Paid').setValue(1);
    const report = verifyFromLog();
    expect(report.differences).toHaveLength(1);
    expect(report.differences[0]).toMatchObject({
      invoiceId: 'in_a010',
      field: 'Amount Paid',
      ledger: 1,
      replayed: 510,
      audit: { actor: 'system', field: 'Amount Paid', after: 510 },
    });
  });
});

describe('the drift check', () => {
  it('opens one DRIFT exception for a hand-edited Payment Status, and only once', () => {
    const now = Math.floor(Date.now() / 1000);
    const paid = invoiceEvent('invoice.paid', { invoiceId: 'in_d1', amountDue: 20_000, created: now - 3600 });
    const open = invoiceEvent('invoice.finalized', {
      invoiceId: 'in_d2',
      amountDue: 20_000,
      created: now - 3600,
    });
    world = syncWorld([
      { invoiceId: 'in_d1', expected: 200, currency: 'USD' },
      { invoiceId: 'in_d2', expected: 200, currency: 'USD' },
    ]);
    world.stripe.addEvents(paid, open);
    world.stripe.addInvoices(paid.data.object, open.data.object);
    runSync();
    world.harness.fakes.lock.endExecution();
    cellOf(world, 'in_d1', 'Payment Status').setValue('open');

    const first = checkDrift(7);
    const second = checkDrift(7);

    expect(first?.invoicesChecked).toBe(2);
    expect(first?.opened).toHaveLength(1);
    expect(second?.opened).toHaveLength(0);
    expect(second?.alreadyOpen).toBe(1);
    const drift = world.harness.records('Exceptions').filter((r) => r.Reason === 'DRIFT');
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ 'Stripe Invoice ID': 'in_d1', Status: 'open' });
    expect(String(drift[0]?.Note)).toContain('"open"');
    expect(
      world.harness.records('Audit').filter((r) => r.Action === 'open_exception' && r.Evidence === paid.id),
    ).toHaveLength(1);
  });

  it('opens DRIFT when Stripe moved on and the ledger never heard', () => {
    const now = Math.floor(Date.now() / 1000);
    const open = invoiceEvent('invoice.finalized', {
      invoiceId: 'in_d3',
      amountDue: 20_000,
      created: now - 7200,
    });
    world = syncWorld([{ invoiceId: 'in_d3', expected: 200, currency: 'USD' }]);
    world.stripe.addEvents(open);
    runSync();
    world.harness.fakes.lock.endExecution();
    // Voided in Stripe, but the event never reached the ledger.
    const voided = invoiceEvent('invoice.voided', {
      invoiceId: 'in_d3',
      amountDue: 20_000,
      created: now - 60,
    });
    world.stripe.addInvoices(voided.data.object);
    const report = checkDrift(7);
    expect(report?.opened).toHaveLength(1);
    expect(world.harness.ledgerRow('in_d3')['Payment Status']).toBe('open');
  });

  it('finds no drift where the ledger agrees with Stripe', () => {
    const now = Math.floor(Date.now() / 1000);
    const paid = invoiceEvent('invoice.paid', { invoiceId: 'in_d4', amountDue: 20_000, created: now - 3600 });
    world = syncWorld([{ invoiceId: 'in_d4', expected: 200, currency: 'USD' }]);
    world.stripe.addEvents(paid);
    world.stripe.addInvoices(paid.data.object);
    runSync();
    const report = checkDrift(7);
    expect(report?.invoicesChecked).toBe(1);
    expect(report?.opened).toEqual([]);
  });
});
