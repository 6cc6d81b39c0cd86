// The Stripe client over the UrlFetchApp fake and the Stripe double: keys, version, retries and error messages.

import { afterEach, describe, expect, it } from 'vitest';
import { createGasFakes, type GasFakes } from '../../fakes/gas';
import { StripeDouble } from '../../fakes/stripe-double';
import { readSettings } from '../../src/core/settings';
import { paymentLinksVia } from '../../src/gas/payment-links';
import { StripeApiError, type StripeClient, stripeClientFor } from '../../src/gas/stripe-client';
import { invoicePaymentPaidEvent } from '../fixtures/events';

let fakes: GasFakes | null = null;
afterEach(() => {
  fakes?.uninstall();
  fakes = null;
});

const RESTRICTED = 'rk_test_51ReadOnlyKey0000abcd';

function client(stripe: StripeDouble, key: string, version?: string): StripeClient {
  fakes = createGasFakes({ fetch: stripe.handler, now: () => new Date('2026-01-01T00:00:00Z') });
  fakes.install();
  fakes.properties.script.set('STRIPE_API_KEY', key);
  if (version) fakes.properties.script.set('STRIPE_API_VERSION', version);
  const made = stripeClientFor(readSettings(Object.fromEntries(fakes.properties.script)), {
    random: () => 0.5,
  });
  if (!made) throw new Error('no client');
  return made;
}

function failure(call: () => unknown): StripeApiError {
  try {
    call();
  } catch (error) {
    if (error instanceof StripeApiError) return error;
    throw error;
  }
  throw new Error('expected a StripeApiError');
}

describe('the Stripe client', () => {
  it('reads with a restricted read-only key that has the permission', () => {
    const stripe = new StripeDouble({ keys: { [RESTRICTED]: ['rak_event_read'] } });
    const page = client(stripe, RESTRICTED).get('/v1/events', [['limit', '100']]);
    expect(page).toMatchObject({ object: 'list', data: [], has_more: false });
  });

  it('names the missing permission when a restricted key may not read invoices, without the key', () => {
    const stripe = new StripeDouble({ keys: { [RESTRICTED]: ['rak_event_read'] } });
    const error = failure(() => client(stripe, RESTRICTED).get('/v1/invoices'));
    expect(error.status).toBe(403);
    expect(error.isConfiguration).toBe(true);
    expect(error.message).toContain('"Invoices: Read"');
    expect(error.message).toContain('rak_invoice_read');
    expect(error.message).not.toContain('abcd');
  });

  it('says the key is wrong on a 401 and does not retry', () => {
    const stripe = new StripeDouble();
    const error = failure(() => client(stripe, 'sk_test_Wr0ngKeyZz9').get('/v1/events'));
    expect(error.status).toBe(401);
    expect(error.message).toContain('STRIPE_API_KEY');
    expect(error.message).not.toContain('Wr0ngKeyZz9');
    expect(stripe.requests).toHaveLength(1);
  });

  it('sends the pinned Stripe-Version, from STRIPE_API_VERSION when set', () => {
    const stripe = new StripeDouble();
    client(stripe, 'sk_test_double', '2024-06-20').get('/v1/events');
    expect(stripe.requests[0]?.headers['stripe-version']).toBe('2024-06-20');
  });

  it('retries a 500 and a timeout, then answers', () => {
    const stripe = new StripeDouble();
    stripe.inject({ status: 500 });
    stripe.inject('timeout');
    const stripeClient = client(stripe, 'sk_test_double');
    expect(stripeClient.get('/v1/events')).toMatchObject({ object: 'list' });
    expect(stripeClient.fetches).toBe(3);
    expect(stripeClient.retries).toBe(2);
  });

  it('does not retry a 429 that Stripe says not to retry', () => {
    const stripe = new StripeDouble();
    stripe.inject({ status: 429, shouldRetry: false });
    const error = failure(() => client(stripe, 'sk_test_double').get('/v1/events'));
    expect(error.status).toBe(429);
    expect(stripe.requests).toHaveLength(1);
  });

  it('waits as long as Retry-After asks before trying again', () => {
    const stripe = new StripeDouble();
    stripe.inject({ status: 429, retryAfter: '3' });
    const stripeClient = client(stripe, 'sk_test_double');
    const before = fakes?.clock.now().getTime() ?? 0;
    stripeClient.get('/v1/events');
    expect((fakes?.clock.now().getTime() ?? 0) - before).toBeGreaterThanOrEqual(3000);
  });

  it('gives up after four attempts when Stripe keeps failing', () => {
    const stripe = new StripeDouble();
    stripe.inject({ status: 503 }, 10);
    const error = failure(() => client(stripe, 'sk_test_double').get('/v1/events'));
    expect(error.status).toBe(503);
    expect(stripe.requests).toHaveLength(4);
  });

  it('refuses a publishable key before any request, and says why in the settings', () => {
    const settings = readSettings({ STRIPE_API_KEY: 'pk_test_123' });
    expect(stripeClientFor(settings)).toBeNull();
    expect(settings.problems.join(' ')).toMatch(
      /STRIPE_API_KEY is not a secret \(sk_…\) or restricted \(rk_…\) key/,
    );
  });

  it('finds the invoice a basil charge paid through invoice_payments', () => {
    const stripe = new StripeDouble();
    stripe.addCharges({ id: 'ch_links1', object: 'charge', payment_intent: 'pi_links1' });
    stripe.addInvoicePayments(
      invoicePaymentPaidEvent({ invoiceId: 'in_links1', paymentIntent: 'pi_links1' }).data.object,
    );
    const stripeClient = client(stripe, 'sk_test_double');
    expect(paymentLinksVia(() => stripeClient).invoiceForPayment('ch_links1')).toEqual({
      kind: 'invoice',
      invoiceId: 'in_links1',
    });
    expect(paymentLinksVia(() => stripeClient).invoiceForPayment('pi_unknown')).toMatchObject({
      kind: 'none',
    });
  });

  it('answers unavailable, not "no invoice", when Stripe cannot be asked, so the delivery is retried', () => {
    const stripe = new StripeDouble();
    stripe.inject({ status: 503 }, 5);
    const stripeClient = client(stripe, 'sk_test_double');
    expect(paymentLinksVia(() => stripeClient).invoiceForPayment('pi_links2')).toMatchObject({
      kind: 'unavailable',
    });
  });
});
