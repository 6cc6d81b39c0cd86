// The one apply step, on books kept in memory: what it writes, that a batch stopped at any write is completed exactly by
// recovery, and that the open exceptions do not depend on the order events arrive in.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChanges, recoverJournal } from '../../src/core/apply/apply-step';
import type { Delivery } from '../../src/core/apply/changes';
import {
  chargeRefundedEvent,
  FIXTURE_TIME,
  invoiceEvent,
  invoicePaymentPaidEvent,
  paymentIntentProcessingEvent,
  type StripeEventJson,
} from '../fixtures/events';
import { MemoryBooks } from './memory-books';

const T0 = FIXTURE_TIME;

function delivery(event: StripeEventJson, logRow: number | null = null): Delivery {
  return {
    payload: JSON.stringify(event),
    receivedAt: new Date('2026-01-02T00:00:00Z'),
    source: 'webhook',
    verification: 'valid',
    logRow,
  };
}

function openExceptions(books: MemoryBooks): string[] {
  return books.exceptions
    .filter((e) => e.status === 'open')
    .map((e) => e.openKey)
    .sort();
}

describe('an event for an invoice no row has', () => {
  it('is parked in UNKNOWN_INVOICE keyed by its payment when it names no invoice', () => {
    const books = new MemoryBooks();
    const event = paymentIntentProcessingEvent({ paymentIntent: 'pi_orphan', amount: 125_050 });
    const [outcome] = applyChanges(books.ports(), [delivery(event)]).deliveries;
    expect(outcome).toMatchObject({ result: 'processed', eventId: event.id });
    expect(books.exceptions).toEqual([
      expect.objectContaining({ openKey: 'UNKNOWN_INVOICE:pi_orphan', amount: 1250.5, currency: 'USD' }),
    ]);
  });

  it('gathers the invoice’s later events on the open exception, and opens another once it is settled', () => {
    const books = new MemoryBooks();
    const first = invoiceEvent('invoice.finalized', { invoiceId: 'in_x', amountDue: 5000, currency: 'jpy' });
    const second = invoiceEvent('invoice.paid', {
      invoiceId: 'in_x',
      created: T0 + 60,
      amountDue: 5000,
      currency: 'jpy',
    });
    applyChanges(books.ports(), [delivery(first)]);
    applyChanges(books.ports(), [delivery(second)]);
    expect(books.exceptions).toHaveLength(1);
    expect(books.exceptions[0]).toMatchObject({
      eventIds: [first.id, second.id],
      amount: 5000,
      currency: 'JPY',
    });
    expect(books.audit.filter((a) => a.action === 'add_evidence')).toHaveLength(1);

    (books.exceptions[0] as { status: string }).status = 'dismissed';
    const third = invoiceEvent('invoice.updated', { invoiceId: 'in_x', created: T0 + 120, currency: 'jpy' });
    applyChanges(books.ports(), [delivery(third)]);
    expect(openExceptions(books)).toEqual(['UNKNOWN_INVOICE:in_x']);
    expect(books.exceptions).toHaveLength(2);
  });
});

describe('a batch', () => {
  it('applies an event listed twice once, and answers the second a duplicate', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_1', expected: 10 }]);
    const paid = invoiceEvent('invoice.paid', { invoiceId: 'in_1', amountDue: 1000, amountPaid: 1000 });
    const result = applyChanges(books.ports(), [delivery(paid), delivery(paid)]);
    expect(result.deliveries.map((d) => d.result)).toEqual(['processed', 'duplicate']);
    expect(books.audit.filter((a) => a.field === 'Payment Status')).toHaveLength(1);
    expect(books.log.size).toBe(2);
  });

  it('answers a later delivery of an applied event duplicate from the row’s own index, with no log lookup', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_1' }]);
    const paid = invoiceEvent('invoice.paid', { invoiceId: 'in_1', amountDue: 1000, amountPaid: 1000 });
    applyChanges(books.ports(), [delivery(paid)]);
    const ports = books.ports();
    let asked = 0;
    const counted = {
      ...ports,
      log: {
        ...ports.log,
        alreadyLogged: (...a: Parameters<typeof ports.log.alreadyLogged>) => {
          asked += 1;
          return ports.log.alreadyLogged(...a);
        },
      },
    };
    expect(applyChanges(counted, [delivery(paid)]).deliveries[0]?.result).toBe('duplicate');
    expect(asked).toBe(0);
  });

  it('fails a delivery whose invoice Stripe could not be asked for, writing only its log row', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_1' }]);
    books.links.set('pi_b', { kind: 'unavailable', message: 'Address unavailable' });
    const refund = chargeRefundedEvent({ chargeId: 'ch_b', paymentIntent: 'pi_b', amountRefunded: 500 });
    const [outcome] = applyChanges(books.ports(), [delivery(refund)]).deliveries;
    expect(outcome).toMatchObject({ result: 'error', message: expect.stringMatching(/Stripe will retry/) });
    expect(books.exceptions).toEqual([]);
    expect(books.audit).toEqual([]);
  });

  it('keeps a recorded (queued) delivery queued when Stripe cannot be asked, since Stripe will not retry it', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_1' }]);
    books.links.set('pi_b', { kind: 'unavailable', message: '503' });
    const refund = chargeRefundedEvent({ chargeId: 'ch_b', paymentIntent: 'pi_b', amountRefunded: 500 });
    books.log.set(7, { ...logged(refund), result: 'queued' });
    const [outcome] = applyChanges(books.ports(), [delivery(refund, 7)]).deliveries;
    expect(outcome?.result).toBe('queued');
    expect(books.log.get(7)?.result).toBe('queued');
  });
});

describe('a cure', () => {
  it('resolves the exception it cures with Resolution auto and Audit rows', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_1', expected: 100 }]);
    const part = invoicePaymentPaidEvent({
      invoiceId: 'in_1',
      amount: 4000,
      paymentIntent: 'pi_1',
      created: T0,
    });
    const rest = invoicePaymentPaidEvent({
      invoiceId: 'in_1',
      amount: 6000,
      paymentIntent: 'pi_2',
      created: T0 + 60,
    });
    applyChanges(books.ports(), [delivery(part)]);
    expect(openExceptions(books)).toEqual(['UNDERPAID:in_1']);
    applyChanges(books.ports(), [delivery(rest)]);
    expect(openExceptions(books)).toEqual([]);
    expect(books.exceptions[0]).toMatchObject({ status: 'resolved', resolution: 'auto' });
    expect(books.audit.filter((a) => a.action === 'auto_resolve').map((a) => [a.field, a.evidence])).toEqual([
      ['Status', rest.id],
      ['Resolution', rest.id],
      ['Resolved By', rest.id],
      ['Resolved At', rest.id],
    ]);
  });
});

/** A month's worth of trouble for three invoices, in Stripe-time order. */
function troubledMonth(): StripeEventJson[] {
  return [
    invoiceEvent('invoice.finalized', { invoiceId: 'in_a', amountDue: 15_000, created: T0 }),
    invoiceEvent('invoice.payment_failed', {
      invoiceId: 'in_a',
      amountDue: 15_000,
      status: 'open',
      created: T0 + 10,
    }),
    invoicePaymentPaidEvent({ invoiceId: 'in_a', amount: 15_000, paymentIntent: 'pi_a', created: T0 + 20 }),
    invoiceEvent('invoice.paid', { invoiceId: 'in_a', amountDue: 15_000, created: T0 + 21 }),
    invoiceEvent('invoice.created', {
      invoiceId: 'in_b',
      amountDue: 9_000,
      status: 'draft',
      created: T0 + 30,
    }),
    invoiceEvent('invoice.finalized', { invoiceId: 'in_b', amountDue: 9_000, created: T0 + 40 }),
    invoicePaymentPaidEvent({ invoiceId: 'in_b', amount: 4_000, paymentIntent: 'pi_b', created: T0 + 50 }),
    chargeRefundedEvent({
      chargeId: 'ch_b',
      paymentIntent: 'pi_b',
      invoiceId: 'in_b',
      apiVersion: 'old',
      amount: 4_000,
      amountRefunded: 1_000,
      created: T0 + 60,
    }),
    invoicePaymentPaidEvent({ invoiceId: 'in_c', amount: 2_000, paymentIntent: 'pi_c', created: T0 + 70 }),
  ];
}

function ledger(): MemoryBooks {
  return new MemoryBooks([
    { invoiceId: 'in_a', expected: 150 },
    { invoiceId: 'in_b', expected: 100 },
  ]);
}

function logged(event: StripeEventJson) {
  return {
    receivedAt: new Date(0),
    source: 'webhook' as const,
    eventId: event.id,
    eventType: event.type,
    verification: 'valid' as const,
    result: 'processed' as const,
    message: '',
    payload: JSON.stringify(event),
  };
}

describe('the open exceptions do not depend on delivery order', () => {
  const events = troubledMonth();
  const inOrder = ledger();
  for (const event of events) applyChanges(inOrder.ports(), [delivery(event)]);

  it('opens what Stripe-time order gives: billing, underpayment and refund for in_b, an unknown in_c', () => {
    expect(openExceptions(inOrder)).toEqual([
      'BILLING_MISMATCH:in_b',
      'REFUNDED:in_b',
      'UNDERPAID:in_b',
      'UNKNOWN_INVOICE:in_c',
    ]);
    // in_a's failure was cured by its payment.
    expect(inOrder.exceptions.find((e) => e.openKey === 'PAYMENT_FAILED:in_a')).toMatchObject({
      resolution: 'auto',
    });
  });

  it('gives the same open exceptions and cells for any order, one delivery at a time', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length }), (shuffled) => {
        const books = ledger();
        for (const event of shuffled) applyChanges(books.ports(), [delivery(event)]);
        expect(openExceptions(books)).toEqual(openExceptions(inOrder));
        expect(books.rows.map((r) => r.cells)).toEqual(inOrder.rows.map((r) => r.cells));
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('gives the same open exceptions and cells when the whole month comes as one batch in any order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length }), (shuffled) => {
        const books = ledger();
        applyChanges(
          books.ports(),
          shuffled.map((event) => delivery(event)),
        );
        expect(openExceptions(books)).toEqual(openExceptions(inOrder));
        expect(books.rows.map((r) => r.cells)).toEqual(inOrder.rows.map((r) => r.cells));
      }),
      { numRuns: 50, seed: 11 },
    );
  });
});

describe('a batch stopped at any write', () => {
  const events = troubledMonth();

  function run(failAt: number): MemoryBooks {
    const books = ledger();
    // The first half is already applied; the second half is one batch of queued deliveries.
    for (const event of events.slice(0, 4)) applyChanges(books.ports(), [delivery(event)]);
    const queued = events.slice(4).map((event, i) => {
      books.log.set(100 + i, { ...logged(event), result: 'queued' });
      return delivery(event, 100 + i);
    });
    books.writes = 0;
    books.failAt = failAt;
    try {
      applyChanges(books.ports(), queued);
    } catch {
      // Stopped: what it wrote stays; the journal says what it was writing.
    }
    books.failAt = Number.POSITIVE_INFINITY;
    recoverJournal(books.ports());
    // What a lock holder does next: apply whatever is still queued.
    const still = [...books.log]
      .filter(([, e]) => e.result === 'queued')
      .map(([row, e]) => delivery(JSON.parse(e.payload), row));
    if (still.length > 0) applyChanges(books.ports(), still);
    return books;
  }

  it('ends exactly like the run without the failure, whichever write failed', () => {
    const clean = run(Number.POSITIVE_INFINITY);
    const positions = clean.writes;
    expect(positions).toBeGreaterThanOrEqual(5);
    const mismatches: number[] = [];
    for (let k = 1; k <= positions; k++) {
      const faulty = run(k);
      if (JSON.stringify(faulty.visible()) !== JSON.stringify(clean.visible())) {
        mismatches.push(k);
        if (process.env.DEBUG_FAULTS)
          console.log(k, JSON.stringify(faulty.visible(), null, 1), JSON.stringify(clean.visible(), null, 1));
      }
      expect(faulty.journal).toBeNull();
    }
    expect(mismatches).toEqual([]);
  });
});

describe('a reviewer', () => {
  function parked(): { books: MemoryBooks; exceptionId: string; events: StripeEventJson[] } {
    const books = new MemoryBooks([{ invoiceId: 'in_known', expected: 50 }]);
    const finalized = invoiceEvent('invoice.finalized', {
      invoiceId: 'in_late_row',
      amountDue: 5000,
      created: T0,
    });
    const paid = invoiceEvent('invoice.paid', {
      invoiceId: 'in_late_row',
      amountDue: 5000,
      amountPaid: 5000,
      created: T0 + 60,
    });
    for (const event of [finalized, paid]) {
      const [outcome] = applyChanges(books.ports(), [delivery(event)]).deliveries;
      books.log.set(books.nextLogRow++, { ...logged(event), result: outcome?.result ?? 'processed' });
    }
    const exception = books.exceptions[0];
    if (!exception) throw new Error('nothing parked');
    return { books, exceptionId: exception.exceptionId, events: [finalized, paid] };
  }

  it('matches a parked exception to a row with a blank invoice id: the key is written, the events applied, the exception resolved as matched', () => {
    const { books, exceptionId } = parked();
    books.rows.push({ ...new MemoryBooks([{ invoiceId: '' }]).rows[0]!, expectedAmount: 50 });
    const rowNumber = books.rows.length + 1;
    const result = applyChanges(books.ports(), [], {
      reviews: [
        {
          exceptionId,
          actor: 'bursar@school.example',
          action: {
            kind: 'match',
            target: { rowNumber, invoiceId: 'in_late_row' },
            note: 'New student, row added',
          },
        },
      ],
    });
    expect(result.reviews).toEqual([expect.objectContaining({ result: 'applied' })]);
    const row = books.rows[rowNumber - 2]!;
    expect(row.invoiceId).toBe('in_late_row');
    expect(row.cells).toMatchObject({ 'Payment Status': 'paid', 'Amount Paid': 50 });
    expect(books.exceptions[0]).toMatchObject({
      status: 'resolved',
      resolution: 'matched',
      resolvedBy: 'bursar@school.example',
    });
    const byReviewer = books.audit.filter((a) => a.actor === 'bursar@school.example');
    expect(byReviewer.map((a) => a.field)).toEqual(
      expect.arrayContaining([
        'Status',
        'Resolution',
        'Resolved By',
        'Resolved At',
        'Note',
        'Stripe Invoice ID',
      ]),
    );
    const statusChanges = books.audit.filter(
      (a) => a.target === 'Ledger:in_late_row' && a.field === 'Payment Status',
    );
    expect(statusChanges.map((a) => `${String(a.before)}→${String(a.after)}`)).toEqual([
      '→open',
      'open→paid',
    ]);
  });

  it('is refused when another reviewer changed the exception since it was shown', () => {
    const { books, exceptionId } = parked();
    const stale = applyChanges(books.ports(), [], {
      reviews: [
        {
          exceptionId,
          actor: 'a@school.example',
          action: { kind: 'dismiss', note: 'not ours' },
          version: 'old',
        },
      ],
    });
    expect(stale.reviews[0]).toMatchObject({ result: 'stale' });
    expect(books.exceptions[0]?.status).toBe('open');
  });

  it('cannot resolve an exception twice: the second is refused and changes nothing', () => {
    const { books, exceptionId } = parked();
    const resolve = { kind: 'resolve' as const, resolution: 'written off', note: 'Small balance' };
    applyChanges(books.ports(), [], {
      reviews: [{ exceptionId, actor: 'a@school.example', action: resolve }],
    });
    const auditBefore = books.audit.length;
    const again = applyChanges(books.ports(), [], {
      reviews: [{ exceptionId, actor: 'b@school.example', action: resolve }],
    });
    expect(again.reviews[0]).toMatchObject({ result: 'refused' });
    expect(books.audit).toHaveLength(auditBefore);
  });

  it('assigns an owner and reopens a dismissed exception, each with its Audit row', () => {
    const { books, exceptionId } = parked();
    const actor = 'head@school.example';
    applyChanges(books.ports(), [], {
      reviews: [{ exceptionId, actor, action: { kind: 'assign', owner: 'bursar@school.example' } }],
    });
    applyChanges(books.ports(), [], {
      reviews: [{ exceptionId, actor, action: { kind: 'dismiss', note: 'duplicate' } }],
    });
    applyChanges(books.ports(), [], {
      reviews: [{ exceptionId, actor, action: { kind: 'reopen', note: 'not a duplicate' } }],
    });
    expect(books.exceptions[0]).toMatchObject({ status: 'open', owner: 'bursar@school.example' });
    expect(books.audit.filter((a) => a.actor === actor).map((a) => `${a.action}:${a.field}`)).toEqual(
      expect.arrayContaining(['review_assign:Owner', 'review_dismiss:Status', 'review_reopen:Status']),
    );
  });
});
