// Parked evidence without the sidebar: an event for an invoice no row had waits in UNKNOWN_INVOICE; a row typed in
// later claims it at the latest on the next sync (CONTRACT.md, "Parked evidence").

import { afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../../src/gas/sync';
import { invoiceEvent } from '../fixtures/events';
import { type SyncWorld, syncWorld } from './scenario';

let world: SyncWorld | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
});

describe('a ledger row added after its invoice’s events', () => {
  it('claims the parked events on the next sync: the row is paid, the exception resolved as matched, with Audit rows', () => {
    world = syncWorld([{ invoiceId: 'in_other' }]);
    const paid = invoiceEvent('invoice.paid', {
      invoiceId: 'in_new_pupil',
      amountDue: 25_000,
      amountPaid: 25_000,
    });
    expect(world.harness.post(paid).result).toBe('processed');
    expect(world.harness.records('Exceptions')).toEqual([
      expect.objectContaining({
        Reason: 'UNKNOWN_INVOICE',
        'Stripe Invoice ID': 'in_new_pupil',
        Status: 'open',
      }),
    ]);

    const ledger = world.harness.fakes.spreadsheet.getSheetByName('Ledger')!;
    ledger.appendRow(['New pupil', "'in_new_pupil", 250, 'USD']);
    runSync();

    expect(world.harness.ledgerRow('in_new_pupil')).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 250,
    });
    expect(world.harness.records('Exceptions')[0]).toMatchObject({
      Status: 'resolved',
      Resolution: 'matched',
    });
    const audit = world.harness.records('Audit');
    expect(audit).toContainEqual(
      expect.objectContaining({
        Target: 'Ledger:in_new_pupil',
        Field: 'Payment Status',
        After: 'paid',
        Evidence: paid.id,
      }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({
        Action: 'review_match',
        Field: 'Resolution',
        After: 'matched',
        Actor: 'system',
      }),
    );
    // The event keeps its one log row; a second sync claims nothing more.
    expect(world.harness.records('Stripe Events').filter((r) => r['Event ID'] === paid.id)).toHaveLength(1);
    const auditRows = audit.length;
    runSync();
    expect(world.harness.records('Audit')).toHaveLength(auditRows);
  });
});
