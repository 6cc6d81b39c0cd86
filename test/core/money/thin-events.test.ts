// Thin events (CONTRACT.md "Thin events"): the ledger applies the v1 event a thin notice stands for, fetched with the
// key; the log row keeps the thin body and names that event; without a key the delivery fails naming STRIPE_API_KEY.

import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../../src/core/apply/apply-step';
import type { Delivery } from '../../../src/core/apply/changes';
import { readThinEvent } from '../../../src/core/thin-event';
import { invoiceEvent, type JsonObject, thinEvent } from '../../fixtures/events';
import { MemoryBooks } from '../memory-books';

function delivery(body: JsonObject): Delivery {
  return {
    payload: JSON.stringify(body, null, 2),
    receivedAt: new Date('2026-01-02T00:00:00Z'),
    source: 'webhook',
    verification: 'valid',
    logRow: null,
  };
}

const paid = invoiceEvent('invoice.paid', {
  id: 'evt_1SnapshotPaid',
  invoiceId: 'in_thin',
  amountDue: 600_000,
  currency: 'jpy',
  apiVersion: 'clover',
});
const thin = thinEvent('v1.invoice.paid', {
  id: 'evt_test_65ThinPaid',
  snapshotEvent: 'evt_1SnapshotPaid',
  relatedObject: { id: 'in_thin', type: 'invoice', url: '/v1/invoices/in_thin' },
});

describe('reading a thin event', () => {
  it('knows it by the snapshot event it stands for, and its v1 type', () => {
    expect(readThinEvent(thin)).toMatchObject({
      id: 'evt_test_65ThinPaid',
      type: 'v1.invoice.paid',
      v1Type: 'invoice.paid',
      snapshotEvent: 'evt_1SnapshotPaid',
      relatedObject: { id: 'in_thin', url: '/v1/invoices/in_thin' },
    });
  });

  it('is not a snapshot event', () => {
    expect(readThinEvent(paid)).toBeNull();
  });
});

describe('a thin v1.invoice.paid with a key', () => {
  it('applies the fetched event: the row paid, one log row with the thin body, one Stripe request', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_thin', expected: 600_000, currency: 'JPY' }]);
    books.fullEvents.set('evt_1SnapshotPaid', { kind: 'found', payload: JSON.stringify(paid) });
    const [outcome] = applyChanges(books.ports(), [delivery(thin)]).deliveries;
    expect(outcome).toMatchObject({
      result: 'processed',
      eventId: 'evt_1SnapshotPaid',
      eventType: 'v1.invoice.paid',
    });
    expect(books.rows[0]?.cells).toMatchObject({ 'Payment Status': 'paid', 'Amount Paid': 600_000 });
    expect(books.log.size).toBe(1);
    const [row] = [...books.log.values()];
    expect(JSON.parse(row?.payload ?? '')).toEqual(thin);
    expect(row).toMatchObject({ eventId: 'evt_1SnapshotPaid', result: 'processed' });
    expect(books.stripeAsks).toEqual(['event evt_1SnapshotPaid']);
  });

  it('answers a redelivery duplicate, and the same event read by sync is a duplicate too', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_thin' }]);
    books.fullEvents.set('evt_1SnapshotPaid', { kind: 'found', payload: JSON.stringify(paid) });
    applyChanges(books.ports(), [delivery(thin)]);
    expect(applyChanges(books.ports(), [delivery(thin)]).deliveries[0]?.result).toBe('duplicate');
    const synced = {
      ...delivery(paid as unknown as JsonObject),
      source: 'sync' as const,
      verification: 'api' as const,
    };
    expect(applyChanges(books.ports(), [synced]).deliveries[0]?.result).toBe('duplicate');
  });

  it('is not fetched when its type is not one the ledger uses', () => {
    const books = new MemoryBooks();
    const other = thinEvent('v1.customer.updated', { snapshotEvent: 'evt_1Customer' });
    const [outcome] = applyChanges(books.ports(), [delivery(other)]).deliveries;
    expect(outcome?.result).toBe('ignored');
    expect(books.stripeAsks).toEqual([]);
  });
});

describe('a thin event without a key', () => {
  it('answers error naming STRIPE_API_KEY, logs its thin body, and changes nothing', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_thin' }]);
    const [outcome] = applyChanges(books.ports(), [delivery(thin)]).deliveries;
    expect(outcome?.result).toBe('error');
    expect(outcome?.message).toContain('STRIPE_API_KEY');
    expect(books.rows[0]?.state).toBeNull();
    expect([...books.log.values()].map((e) => e.result)).toEqual(['error']);
  });
});
