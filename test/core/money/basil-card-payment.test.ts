// The four events of one basil card payment of an invoice (charge.succeeded, payment_intent.succeeded,
// invoice_payment.paid, invoice.paid), delivered one at a time in each of their 24 orders: never an
// UNMATCHED_PAYMENT, with a key (Stripe's invoice_payments asked) and without (held, then decided by sync), and the
// row ends the same. Each delivery asks Stripe at most once.

import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../../src/core/apply/apply-step';
import type { Delivery } from '../../../src/core/apply/changes';
import { HELD_MARK } from '../../../src/core/apply/held-payments';
import {
  chargeSucceededEvent,
  FIXTURE_TIME,
  invoiceEvent,
  invoicePaymentPaidEvent,
  paymentIntentSucceededEvent,
  type StripeEventJson,
} from '../../fixtures/events';
import { MemoryBooks } from '../memory-books';

const T0 = FIXTURE_TIME;

function cardPayment(): StripeEventJson[] {
  const common = { paymentIntent: 'pi_3Card', amount: 48_000 };
  return [
    chargeSucceededEvent({ id: 'evt_card_ch', chargeId: 'ch_3Card', ...common, created: T0 }),
    paymentIntentSucceededEvent({ id: 'evt_card_pi', latestCharge: 'ch_3Card', ...common, created: T0 }),
    invoicePaymentPaidEvent({
      id: 'evt_card_ip',
      invoiceId: 'in_card',
      invoicePaymentId: 'inpay_card',
      ...common,
      created: T0 + 1,
    }),
    invoiceEvent('invoice.paid', {
      id: 'evt_card_pd',
      invoiceId: 'in_card',
      amountDue: 48_000,
      created: T0 + 1,
    }),
  ];
}

function permutations<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list];
  return list.flatMap((head, i) =>
    permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [head, ...rest]),
  );
}

function delivery(event: StripeEventJson): Delivery {
  return {
    payload: JSON.stringify(event),
    receivedAt: new Date('2026-01-02T00:00:00Z'),
    source: 'webhook',
    verification: 'valid',
    logRow: null,
  };
}

/** Delivers the events one by one as webhooks, logging each as the webhook path would, then lets sync decide. */
function run(order: StripeEventJson[], withKey: boolean): { books: MemoryBooks; asksPerDelivery: number[] } {
  const books = new MemoryBooks([{ invoiceId: 'in_card', expected: 480, currency: 'USD' }], true);
  if (withKey) {
    books.links.set('pi_3Card', { kind: 'invoice', invoiceId: 'in_card' });
    books.fees.set('pi_3Card', {
      kind: 'found',
      transactionId: 'txn_3Card',
      amount: { minor: 48_000, currency: 'USD' },
      fee: { minor: 1422, currency: 'USD' },
      net: { minor: 46_578, currency: 'USD' },
    });
  } else {
    books.links.set('pi_3Card', { kind: 'unasked', why: 'No STRIPE_API_KEY.' });
  }
  const asksPerDelivery: number[] = [];
  for (const event of order) {
    const before = books.stripeAsks.length;
    applyChanges(books.ports(), [delivery(event)]);
    asksPerDelivery.push(books.stripeAsks.length - before);
  }
  // Sync, after the grace window: every held payment's row is decided.
  const held = [...books.log].filter(([, e]) => e.message.startsWith(HELD_MARK)).map(([row]) => row);
  if (held.length > 0) applyChanges(books.ports(), [], { releases: held });
  return { books, asksPerDelivery };
}

describe.each([
  ['with a key', true],
  ['without a key', false],
])('a basil card payment of an invoice, %s', (_, withKey) => {
  const orders = permutations(cardPayment());
  const reference = run(cardPayment(), withKey).books;

  it('in each of the 24 orders opens no UNMATCHED_PAYMENT (nor anything else) and ends with the same row', () => {
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const { books, asksPerDelivery } = run(order, withKey);
      const label = order.map((e) => e.id).join(' → ');
      expect(
        books.exceptions.map((e) => e.openKey),
        label,
      ).toEqual([]);
      expect(books.rows[0]?.cells, label).toEqual(reference.rows[0]?.cells);
      expect(Math.max(...asksPerDelivery), label).toBeLessThanOrEqual(1);
      // No row is left held: sync decided every one.
      expect(
        [...books.log.values()].some((e) => e.message.startsWith(HELD_MARK)),
        label,
      ).toBe(false);
    }
  });

  it('shows the row paid, in full', () => {
    expect(reference.rows[0]?.cells).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 480,
      'Stripe Payment ID': 'pi_3Card',
      ...(withKey ? { 'Stripe Fee': 14.22, 'Net Amount': 465.78 } : { 'Stripe Fee': '', 'Net Amount': '' }),
    });
  });
});
