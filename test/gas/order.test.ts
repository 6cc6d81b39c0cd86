// Order-proof through the whole webhook path: every delivery order of an invoice's events, with retries, ends in
// the same Ledger row (the core's property test covers generated histories; this one runs doPost on the fakes).

import { afterEach, describe, expect, it } from 'vitest';
import type { FakeFetchHandler } from '../../fakes/fetch-types';
import {
  chargeRefundedEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  type StripeEventJson,
  stripeEvent,
} from '../fixtures/events';
import { createHarness, type Harness } from './harness';

const T0 = 1_767_225_600;
let harness: Harness | undefined;
afterEach(() => harness?.close());

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Stripe's invoice_payments API, as the pipeline asks it for a basil charge that arrives before its payment. */
const invoicePaymentsApi: FakeFetchHandler = (request) =>
  request.url.includes('/v1/invoice_payments')
    ? { status: 200, body: JSON.stringify({ object: 'list', data: [{ id: 'inpay_x', invoice: 'in_perm' }] }) }
    : { status: 404, body: '{"error":{"type":"invalid_request_error"}}' };

function finalRow(events: StripeEventJson[], expected: number | '' = ''): Record<string, unknown> {
  harness = createHarness([{ invoiceId: 'in_perm', expected, currency: 'EUR', student: 'Søren Nørgaard' }], {
    fetch: invoicePaymentsApi,
  });
  harness.fakes.properties.script.set('STRIPE_API_KEY', 'rk_test_readonly');
  for (const event of events) harness.post(event);
  const row = harness.ledgerRow('in_perm');
  harness.close();
  harness = undefined;
  // `raised` records which exceptions were opened, and those rightly depend on order (a failure delivered after the
  // payment raises nothing); the evidence and every visible column must not.
  const { raised: _raised, ...evidence } = JSON.parse(String(row['Stripe State']));
  return { ...row, 'Stripe State': evidence };
}

describe('every delivery order ends in the same ledger row', () => {
  // Without STRIPE_API_KEY a refund delivered before its payment cannot be linked and waits in UNKNOWN_INVOICE for a
  // reviewer; with it, Stripe's invoice_payments API links it whatever the order.
  it('for a basil instalment history: finalized, two partial payments, a partial refund (24 orders)', () => {
    const history = [
      invoiceEvent('invoice.finalized', {
        invoiceId: 'in_perm',
        amountDue: 96000,
        currency: 'eur',
        created: T0,
      }),
      invoicePaymentPaidEvent({
        invoiceId: 'in_perm',
        amount: 48000,
        currency: 'eur',
        paymentIntent: 'pi_p1',
        created: T0 + 100,
      }),
      invoicePaymentPaidEvent({
        invoiceId: 'in_perm',
        amount: 48000,
        currency: 'eur',
        paymentIntent: 'pi_p2',
        created: T0 + 200,
      }),
      chargeRefundedEvent({
        chargeId: 'ch_p2',
        paymentIntent: 'pi_p2',
        amount: 48000,
        amountRefunded: 10000,
        currency: 'eur',
        created: T0 + 300,
      }),
    ];
    const rows = permutations(history).map((order) => finalRow(order, 960));
    expect(rows[0]).toMatchObject({
      'Payment Status': 'partially_refunded',
      'Amount Paid': 960,
      'Amount Refunded': 100,
      'Stripe Payment ID': 'pi_p1, pi_p2',
    });
    for (const row of rows) expect(row).toEqual(rows[0]);
  });

  it('for an old-API history with retries and a same-second tie (finalized, failed, paid, retry)', () => {
    const paid = invoiceEvent('invoice.paid', {
      apiVersion: 'old',
      invoiceId: 'in_perm',
      amountDue: 5000,
      currency: 'eur',
      paymentIntent: 'pi_old',
      charge: 'ch_old',
      created: T0 + 60,
    });
    const history = [
      invoiceEvent('invoice.finalized', {
        apiVersion: 'old',
        invoiceId: 'in_perm',
        amountDue: 5000,
        currency: 'eur',
        created: T0,
      }),
      invoiceEvent('invoice.payment_failed', {
        apiVersion: 'old',
        invoiceId: 'in_perm',
        amountDue: 5000,
        currency: 'eur',
        paymentIntent: 'pi_old',
        charge: 'ch_failed',
        created: T0 + 30,
      }),
      paid,
      invoiceEvent('invoice.payment_succeeded', {
        apiVersion: 'old',
        invoiceId: 'in_perm',
        amountDue: 5000,
        currency: 'eur',
        paymentIntent: 'pi_old',
        charge: 'ch_old',
        created: T0 + 60,
      }),
      paid,
    ];
    const rows = permutations(history).map((order) => finalRow(order));
    expect(rows[0]).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 50,
      'Stripe Payment ID': 'pi_old',
    });
    for (const row of rows) expect(row).toEqual(rows[0]);
  });
});

describe('contract rows on answers', () => {
  it('answers duplicate for a repeat of an ignored event, since its id was seen verified', () => {
    harness = createHarness([]);
    const event = stripeEvent('customer.updated', { id: 'cus_1', object: 'customer' });
    expect(harness.post(event).result).toBe('ignored');
    expect(harness.post(event).result).toBe('duplicate');
  });

  it('opens BILLING_MISMATCH when a finalized invoice differs from the Expected Amount', () => {
    harness = createHarness([{ invoiceId: 'in_bill', expected: 500, currency: 'USD' }]);
    harness.post(invoiceEvent('invoice.finalized', { invoiceId: 'in_bill', amountDue: 45000, created: T0 }));
    expect(harness.records('Exceptions')).toEqual([
      expect.objectContaining({ Reason: 'BILLING_MISMATCH', Amount: 450, Currency: 'USD', Status: 'open' }),
    ]);
    expect(harness.ledgerRow('in_bill')['Payment Status']).toBe('open');
  });

  it('adds a repeated cause to the open exception of a ledger row instead of opening a second', () => {
    harness = createHarness([{ invoiceId: 'in_twice', expected: 100 }]);
    harness.post(
      invoicePaymentPaidEvent({ invoiceId: 'in_twice', amount: 2000, paymentIntent: 'pi_a', created: T0 }),
    );
    harness.post(
      invoicePaymentPaidEvent({
        invoiceId: 'in_twice',
        amount: 3000,
        paymentIntent: 'pi_b',
        created: T0 + 9,
      }),
    );
    const exceptions = harness.records('Exceptions');
    expect(exceptions.map((r) => r.Reason)).toEqual(['UNDERPAID']);
    expect(String(exceptions[0]!['Event ID']).split(', ')).toHaveLength(2);
  });
});
