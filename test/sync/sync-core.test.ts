// The pure half of sync: retries, the cursor, trigger intervals, the event types asked for, failure messages, and
// the run itself over Stripe's pagination (driven through the Stripe double's list logic).

import { describe, expect, it } from 'vitest';
import { DOUBLE_SECRET_KEY, StripeDouble } from '../../fakes/stripe-double';
import { normaliseEvent } from '../../src/core/normalise';
import { RunBudget } from '../../src/core/sync/budget';
import {
  advanceCursor,
  type EventCursor,
  listedEvents,
  MAX_BUFFERED_PAGES,
  OVERLAP_SECONDS,
  RECENT_IDS_LIMIT,
} from '../../src/core/sync/cursor';
import { type AppliedPage, runEventSync } from '../../src/core/sync/event-sync';
import {
  type EventsPageRequest,
  encodeQuery,
  eventsQuery,
  MAX_TYPES_PER_REQUEST,
  USED_EVENT_TYPES,
} from '../../src/core/sync/query';
import { retryDelayMs } from '../../src/core/sync/retry';
import { permissionFor, stripeErrorMessage } from '../../src/core/sync/stripe-errors';
import { triggerInterval } from '../../src/core/sync/trigger-interval';
import {
  chargeRefundedEvent,
  chargeSucceededEvent,
  checkoutSessionCompletedEvent,
  disputeEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  paymentIntentProcessingEvent,
  payoutEvent,
  stripeEvent,
} from '../fixtures/events';

const response = (status: number, shouldRetry: string | null = null, retryAfter: string | null = null) =>
  ({ kind: 'response', status, shouldRetry, retryAfter }) as const;

describe('retry policy', () => {
  it('waits between half and all of the doubling delay, by the injected random', () => {
    expect(retryDelayMs(response(429), 1, () => 0)).toBe(250);
    expect(retryDelayMs(response(429), 1, () => 1)).toBe(500);
    expect(retryDelayMs(response(500), 3, () => 1)).toBe(2000);
  });

  it('retries a lost request and a 409, not a 400 or a 404', () => {
    expect(retryDelayMs({ kind: 'network' }, 1, () => 1)).toBe(500);
    expect(retryDelayMs(response(409), 1, () => 1)).toBe(500);
    expect(retryDelayMs(response(400), 1, () => 1)).toBeNull();
    expect(retryDelayMs(response(404), 1, () => 1)).toBeNull();
  });

  it('follows Stripe-Should-Retry over the status', () => {
    expect(retryDelayMs(response(500, 'false'), 1, () => 1)).toBeNull();
    expect(retryDelayMs(response(400, 'true'), 1, () => 1)).toBe(500);
  });

  it('stops after the last attempt', () => {
    expect(retryDelayMs(response(503), 4, () => 1)).toBeNull();
  });

  it('waits at least Retry-After, and not at all when it asks for too long', () => {
    expect(retryDelayMs(response(429, null, '3'), 1, () => 0)).toBe(3000);
    expect(retryDelayMs(response(429, null, '120'), 1, () => 0)).toBeNull();
  });
});

describe('the event cursor', () => {
  it('moves to the newest applied event and remembers only ids inside the overlap window', () => {
    const cursor = advanceCursor(null, [
      { id: 'evt_old', created: 1000 },
      { id: 'evt_mid', created: 2000 - OVERLAP_SECONDS },
      { id: 'evt_new', created: 2000 },
    ]);
    expect(cursor.created).toBe(2000);
    expect(cursor.recent.map(([id]) => id).sort()).toEqual(['evt_mid', 'evt_new']);
  });

  it('never moves back and keeps at most RECENT_IDS_LIMIT ids', () => {
    const many = Array.from({ length: RECENT_IDS_LIMIT + 20 }, (_, i) => ({ id: `evt_${i}`, created: 5000 }));
    const cursor = advanceCursor(advanceCursor(null, many), [{ id: 'evt_late', created: 10 }]);
    expect(cursor.created).toBe(5000);
    expect(cursor.recent).toHaveLength(RECENT_IDS_LIMIT);
  });
});

describe('what is asked of Stripe', () => {
  it('lists only the event types the pipeline turns into facts', () => {
    const samples = [
      ...USED_EVENT_TYPES.filter((t) => t.startsWith('invoice.')).map((t) => invoiceEvent(t as never)),
      invoicePaymentPaidEvent(),
      chargeRefundedEvent(),
      disputeEvent('charge.dispute.created'),
      disputeEvent('charge.dispute.closed'),
      paymentIntentProcessingEvent(),
      chargeSucceededEvent(),
      checkoutSessionCompletedEvent(),
      ...(
        [
          'payout.created',
          'payout.updated',
          'payout.paid',
          'payout.failed',
          'payout.canceled',
          'payout.reconciliation_completed',
        ] as const
      ).map((type) => payoutEvent(type)),
    ];
    expect(samples.map((event) => event.type).sort()).toEqual([...USED_EVENT_TYPES].sort());
    for (const event of samples) expect(normaliseEvent(event).kind, event.type).toMatch(/^(fact|payout)$/);
    expect(normaliseEvent(stripeEvent('customer.created', { id: 'cus_1' })).kind).toBe('ignored');
    expect(USED_EVENT_TYPES.length).toBeLessThanOrEqual(MAX_TYPES_PER_REQUEST);
    expect(MAX_TYPES_PER_REQUEST).toBe(20);
  });

  it('encodes brackets so that UrlFetchApp accepts the URL', () => {
    const query = encodeQuery(eventsQuery({ direction: 'back', since: 100, startingAfter: 'evt_1' }));
    expect(query).toContain('created%5Bgte%5D=100');
    expect(query).toContain('starting_after=evt_1');
    expect(query).not.toMatch(/[[\]]/);
  });

  it('snaps an interval to the ones Apps Script offers, never more often than asked', () => {
    expect(triggerInterval(15)).toEqual({ everyMinutes: 15 });
    expect(triggerInterval(7)).toEqual({ everyMinutes: 5 });
    expect(triggerInterval(45)).toEqual({ everyMinutes: 30 });
    expect(triggerInterval(180)).toEqual({ everyHours: 2 });
    expect(triggerInterval(0)).toEqual({ everyMinutes: 15 });
  });
});

describe('failure messages', () => {
  it('names the dashboard permission for each resource read', () => {
    expect(permissionFor('/v1/events?limit=100')).toBe('Events: Read');
    expect(permissionFor('/v1/invoice_payments')).toBe('Invoices: Read');
    expect(permissionFor('/v1/disputes')).toBe('Disputes: Read');
  });

  it('never repeats a key Stripe echoes back', () => {
    const message = stripeErrorMessage(400, 'GET', '/v1/events', {
      error: { message: "Bad thing with key 'rk_live_****5678' and sk_test_abc123" },
    });
    expect(message).not.toMatch(/5678|abc123/);
  });
});

describe('a run over Stripe pagination', () => {
  /** The double's list endpoint as the run's port, and an in-memory applier that records what it applied. */
  function ports(stripe: StripeDouble, applied: string[], budget = new RunBudget(() => 0)) {
    let saved: EventCursor | null = null;
    return {
      budget,
      loadCursor: () => saved,
      saveCursor: (cursor: EventCursor) => {
        saved = cursor;
      },
      listEvents: (request: EventsPageRequest) => {
        const answer = stripe.handler({
          url: `https://api.stripe.com/v1/events?${encodeQuery(eventsQuery(request))}`,
          method: 'GET',
          headers: { Authorization: `Bearer ${DOUBLE_SECRET_KEY}` },
          payload: undefined,
        });
        if (answer === 'timeout' || answer.status !== 200) throw new Error('list failed');
        const page = JSON.parse(answer.body) as { data: unknown; has_more: boolean };
        return { events: listedEvents(page.data), hasMore: page.has_more };
      },
      applyPage: (events: { id: string }[]): AppliedPage => {
        const fresh = events.filter((e) => !applied.includes(e.id));
        applied.push(...fresh.map((e) => e.id));
        return {
          processed: fresh.length,
          duplicate: events.length - fresh.length,
          ignored: 0,
          rejected: 0,
          error: 0,
          settled: events.length,
        };
      },
    };
  }

  it('applies a backlog deeper than the pages it may hold oldest first, each event once', () => {
    const stripe = new StripeDouble();
    const total = (MAX_BUFFERED_PAGES + 3) * 100 + 17;
    const ids = Array.from({ length: total }, (_, i) => `evt_b${String(i).padStart(5, '0')}`);
    stripe.addEvents(
      ...ids.map((id, i) => invoiceEvent('invoice.finalized', { id, created: 1_767_225_600 + i })),
    );
    const applied: string[] = [];
    const report = runEventSync(ports(stripe, applied));
    expect(applied).toEqual(ids);
    expect(report.caughtUp).toBe(true);
    // Walking back reads every page once; the pages not held are read again, forward.
    const pages = Math.ceil(total / 100);
    expect(report.listRequests).toBe(pages + (pages - MAX_BUFFERED_PAGES));
  });

  it('keeps events of the same second in Stripe order across a page boundary', () => {
    const stripe = new StripeDouble();
    const ids = Array.from({ length: 150 }, (_, i) => `evt_s${String(i).padStart(3, '0')}`);
    stripe.addEvents(...ids.map((id) => invoiceEvent('invoice.finalized', { id, created: 1_767_225_600 })));
    const applied: string[] = [];
    runEventSync(ports(stripe, applied));
    expect(applied).toEqual(ids);
  });

  it('stops before the budget when a page would not fit, saving what was applied', () => {
    const stripe = new StripeDouble();
    stripe.addEvents(
      ...Array.from({ length: 250 }, (_, i) =>
        invoiceEvent('invoice.finalized', { created: 1_767_225_600 + i }),
      ),
    );
    const applied: string[] = [];
    let now = 0;
    const budget = new RunBudget(() => now, 0, 60_000);
    const p = ports(stripe, applied, budget);
    const apply = p.applyPage;
    p.applyPage = (events) => {
      now += 40_000;
      return apply(events);
    };
    const report = runEventSync(p);
    expect(report.stopped).toBe('time');
    // The oldest page (the last 50) fits; the next would end past the budget.
    expect(applied).toHaveLength(50);
    expect(report.cursor?.created).toBe(1_767_225_600 + 49);
  });
});
