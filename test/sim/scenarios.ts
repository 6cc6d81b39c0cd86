// The situations the simulation measures, with Stripe-shaped events (test/fixtures/events.ts, API version basil):
// - a month-start burst: invoices already in the Ledger paid within two minutes, four events each;
// - the same burst with forged requests to the public URL mixed in;
// - a stress of events that raise exceptions, delivered in random order.

import { DOUBLE_SECRET_KEY } from '../../fakes/stripe-double';
import {
  chargeRefundedEvent,
  disputeEvent,
  FIXTURE_TIME,
  invoiceEvent,
  invoicePaymentPaidEvent,
  type JsonObject,
  type StripeEventJson,
} from '../fixtures/events';
import { seededRandom } from './virtual-clock';

export interface ScheduledEvent {
  event: StripeEventJson;
  /** When Stripe first sends it (epoch ms). */
  sendAt: number;
}

export interface Scenario {
  name: string;
  /** Virtual time the run starts at (epoch ms), before the first event. */
  start: number;
  /** The Ledger sheet as the user typed it: a header row, then one row per expected invoice. */
  ledger: (string | number)[][];
  /** Script properties besides the webhook secret (e.g. STRIPE_API_KEY). */
  properties?: Record<string, string>;
  /** What Stripe's API answers (invoice_payments for basil refunds and disputes), when the key is set. */
  invoicePayments?: JsonObject[];
  events: ScheduledEvent[];
  forged?: { at: number; body: StripeEventJson | JsonObject }[];
}

/** 2026-01-01T00:00:00Z: the first of a month. */
export const MONTH_START = FIXTURE_TIME * 1000;
const LEDGER_HEADER = ['Student', 'Stripe Invoice ID', 'Expected Amount', 'Currency'];

export interface BurstOptions {
  invoices?: number;
  /** All events are created within this window from the month start. */
  windowMs?: number;
  seed?: number;
}

/**
 * Invoices in the Ledger ($10.00 expected each), paid at the start of the month: for each, `invoice.finalized`,
 * then two to six seconds later `invoice.paid`, `invoice.payment_succeeded` and `invoice_payment.paid` in the same
 * second, as Stripe emits them. Stripe sends each event within the second it was created.
 */
export function monthStartBurst(options: BurstOptions = {}): Scenario {
  const invoices = options.invoices ?? 500;
  const windowS = Math.floor((options.windowMs ?? 120_000) / 1000);
  const random = seededRandom(options.seed ?? 1);
  const ledger: (string | number)[][] = [LEDGER_HEADER];
  const events: ScheduledEvent[] = [];
  const send = (event: StripeEventJson) =>
    events.push({ event, sendAt: event.created * 1000 + Math.floor(random() * 1000) });
  for (let i = 0; i < invoices; i++) {
    const invoiceId = `in_burst${String(i + 1).padStart(5, '0')}`;
    ledger.push([`Student ${i + 1}`, `'${invoiceId}`, 10, 'USD']);
    const finalized = FIXTURE_TIME + Math.floor((i * (windowS - 7)) / invoices);
    const paid = finalized + 2 + Math.floor(random() * 5);
    const common = { invoiceId, amountDue: 1000 };
    send(invoiceEvent('invoice.finalized', { ...common, created: finalized }));
    send(invoiceEvent('invoice.paid', { ...common, created: paid }));
    send(invoiceEvent('invoice.payment_succeeded', { ...common, created: paid }));
    send(invoicePaymentPaidEvent({ invoiceId, amount: 1000, created: paid }));
  }
  return { name: `month-start burst (${events.length} events)`, start: MONTH_START - 1000, ledger, events };
}

/** The same scenario with `count` forged requests (bad signatures) at random moments of its first `windowMs`. */
export function withForgery(scenario: Scenario, count = 300, windowMs = 120_000, seed = 1001): Scenario {
  const random = seededRandom(seed);
  const invoices = scenario.ledger.slice(1).map((row) => String(row[1]).replace(/^'/, ''));
  const forged = Array.from({ length: count }, (_, i) => ({
    at: MONTH_START + Math.floor(random() * windowMs),
    body: invoiceEvent('invoice.paid', {
      id: `evt_forged${String(i + 1).padStart(5, '0')}`,
      invoiceId: invoices[Math.floor(random() * invoices.length)],
      amountDue: 1000,
      created: FIXTURE_TIME,
    }),
  }));
  return { ...scenario, name: `${scenario.name} + ${count} forged requests`, forged };
}

export interface StressOptions {
  /** Invoices of each kind; about 20 deliveries per unit. Default 10 (≈200 deliveries). */
  perKind?: number;
  /** Deliveries are spread at random over this window. */
  windowMs?: number;
  seed?: number;
}

/**
 * Histories that raise exceptions, created within a minute from the month start, then delivered concurrently in
 * random order over the next minute: a failed payment then a paid invoice; a draft billed wrong then corrected and
 * paid; underpayments, half of them made up later; partial refunds and disputes of basil payments (linked through
 * Stripe's invoice_payments); payments of invoices the Ledger does not have.
 */
export function randomOrderStress(options: StressOptions = {}): Scenario {
  const n = options.perKind ?? 10;
  const random = seededRandom(options.seed ?? 7);
  const windowMs = options.windowMs ?? 60_000;
  const ledger: (string | number)[][] = [LEDGER_HEADER];
  const histories: StripeEventJson[][] = [];
  const invoicePayments: JsonObject[] = [];
  let k = 0;
  const invoice = (kind: string, inLedger = true) => {
    k += 1;
    const invoiceId = `in_${kind}${String(k).padStart(4, '0')}`;
    if (inLedger) ledger.push([`Student ${k}`, `'${invoiceId}`, 10, 'USD']);
    // About 5n invoices over 55 s, each history's steps a second apart.
    return { invoiceId, at: (step: number) => FIXTURE_TIME + Math.floor((k * 55) / (5 * n)) + step };
  };
  const paidWith = (invoiceId: string, amount: number, created: number) => {
    const payment = invoicePaymentPaidEvent({ invoiceId, amount, created });
    invoicePayments.push(payment.data.object);
    return payment;
  };
  const intentOf = (payment: StripeEventJson) =>
    String((payment.data.object.payment as { payment_intent: string }).payment_intent);

  for (let i = 0; i < n; i++) {
    const failed = invoice('failed');
    histories.push([
      invoiceEvent('invoice.finalized', { invoiceId: failed.invoiceId, created: failed.at(0) }),
      invoiceEvent('invoice.payment_failed', { invoiceId: failed.invoiceId, created: failed.at(1) }),
      invoiceEvent('invoice.paid', { invoiceId: failed.invoiceId, created: failed.at(2) }),
      paidWith(failed.invoiceId, 1000, failed.at(2)),
    ]);

    const billed = invoice('billed');
    histories.push([
      invoiceEvent('invoice.created', {
        invoiceId: billed.invoiceId,
        amountDue: 1200,
        created: billed.at(0),
      }),
      invoiceEvent('invoice.updated', {
        invoiceId: billed.invoiceId,
        amountDue: 1000,
        created: billed.at(1),
      }),
      invoiceEvent('invoice.finalized', { invoiceId: billed.invoiceId, created: billed.at(2) }),
      invoiceEvent('invoice.paid', { invoiceId: billed.invoiceId, created: billed.at(3) }),
      paidWith(billed.invoiceId, 1000, billed.at(3)),
    ]);

    const short = invoice('short');
    const history = [
      invoiceEvent('invoice.finalized', { invoiceId: short.invoiceId, created: short.at(0) }),
      paidWith(short.invoiceId, 600, short.at(1)),
    ];
    if (i % 2 === 0) {
      history.push(
        paidWith(short.invoiceId, 400, short.at(2)),
        invoiceEvent('invoice.paid', { invoiceId: short.invoiceId, created: short.at(2) }),
      );
    }
    histories.push(history);

    const refunded = invoice('refund');
    const refundedPayment = paidWith(refunded.invoiceId, 1000, refunded.at(1));
    histories.push([
      invoiceEvent('invoice.finalized', { invoiceId: refunded.invoiceId, created: refunded.at(0) }),
      invoiceEvent('invoice.paid', { invoiceId: refunded.invoiceId, created: refunded.at(1) }),
      refundedPayment,
      chargeRefundedEvent({
        paymentIntent: intentOf(refundedPayment),
        amountRefunded: 300,
        created: refunded.at(2),
      }),
    ]);

    if (i % 2 === 0) {
      const disputed = invoice('dispute');
      const disputedPayment = paidWith(disputed.invoiceId, 1000, disputed.at(1));
      histories.push([
        invoiceEvent('invoice.finalized', { invoiceId: disputed.invoiceId, created: disputed.at(0) }),
        invoiceEvent('invoice.paid', { invoiceId: disputed.invoiceId, created: disputed.at(1) }),
        disputedPayment,
        disputeEvent('charge.dispute.created', {
          paymentIntent: intentOf(disputedPayment),
          created: disputed.at(2),
        }),
      ]);

      const stranger = invoice('unknown', false);
      histories.push([
        invoiceEvent('invoice.paid', { invoiceId: stranger.invoiceId, created: stranger.at(0) }),
        paidWith(stranger.invoiceId, 1000, stranger.at(0)),
      ]);
    }
  }
  const window0 = MONTH_START + 65_000;
  const events = histories
    .flat()
    .map((event) => ({ event, sendAt: window0 + Math.floor(random() * windowMs) }));
  return {
    name: `random-order stress (${events.length} events)`,
    start: MONTH_START - 1000,
    ledger,
    properties: { STRIPE_API_KEY: DOUBLE_SECRET_KEY },
    invoicePayments,
    events,
  };
}

/** Stripe-time order: by `created`, ties in the order Stripe emitted them (the scenario's order). */
export function inStripeOrder(events: ScheduledEvent[]): StripeEventJson[] {
  return events
    .map((scheduled, index) => ({ event: scheduled.event, index }))
    .sort((x, y) => x.event.created - y.event.created || x.index - y.index)
    .map((item) => item.event);
}
