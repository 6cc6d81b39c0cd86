// The normaliser on the new shapes: money received (charge, payment intent, Checkout session) in the old, basil and
// clover shapes, payouts with and without the balance transactions sync read, and what is not money.

import { describe, expect, it } from 'vitest';
import { normaliseEvent } from '../../../src/core/normalise';
import { payoutReconciliationEvent } from '../../../src/core/sync/snapshots';
import {
  balanceTransaction,
  chargeSucceededEvent,
  checkoutSessionCompletedEvent,
  paymentIntentSucceededEvent,
  payoutEvent,
  payoutObject,
  stripeEvent,
} from '../../fixtures/events';

function fact(event: unknown) {
  const normalised = normaliseEvent(event);
  if (normalised.kind !== 'fact') throw new Error(`not a fact: ${JSON.stringify(normalised)}`);
  return normalised.fact;
}

describe('a charge that succeeded', () => {
  it('in the old shape names its invoice and settles it', () => {
    const event = chargeSucceededEvent({
      apiVersion: 'old',
      invoiceId: 'in_old',
      paymentIntent: 'pi_old',
      amount: 5000,
      currency: 'jpy',
    });
    expect(fact(event)).toMatchObject({
      kind: 'receipt',
      source: 'charge',
      paymentId: 'pi_old',
      invoiceId: 'in_old',
      settlesInvoice: true,
      amount: { minor: 5000, currency: 'JPY' },
      invoiceless: false,
      payer: 'Jenny Rosen',
    });
  });

  it('in basil names no invoice, and is known by its payment intent', () => {
    const event = chargeSucceededEvent({
      chargeId: 'ch_b',
      paymentIntent: 'pi_b',
      amount: 12_345,
      currency: 'kwd',
    });
    expect(fact(event)).toMatchObject({
      paymentId: 'pi_b',
      chargeId: 'ch_b',
      invoiceId: null,
      settlesInvoice: false,
      amount: { minor: 12_345, currency: 'KWD' },
    });
  });

  it('made without a payment intent (the Charges API) is known by the charge', () => {
    expect(fact(chargeSucceededEvent({ chargeId: 'ch_legacy', paymentIntent: null }))).toMatchObject({
      paymentId: 'ch_legacy',
    });
  });

  it('reads the ledger row its metadata names, trimmed, and keeps a name that looks like a formula as text', () => {
    const event = chargeSucceededEvent({
      metadata: { ledger_invoice_id: '  STU-042 ' },
      customerName: '=SUM(A1)',
    });
    expect(fact(event)).toMatchObject({ reference: 'STU-042', payer: '=SUM(A1)' });
  });

  it('only authorised (not captured) moves no money: ignored', () => {
    const event = chargeSucceededEvent();
    (event.data.object as Record<string, unknown>).captured = false;
    expect(normaliseEvent(event).kind).toBe('ignored');
  });
});

describe('a payment intent that succeeded', () => {
  it('counts amount_received, in the clover shape too', () => {
    const event = paymentIntentSucceededEvent({
      apiVersion: 'clover',
      paymentIntent: 'pi_c',
      amount: 60_000,
      currency: 'jpy',
    });
    expect(fact(event)).toMatchObject({
      source: 'payment_intent',
      paymentId: 'pi_c',
      amount: { minor: 60_000, currency: 'JPY' },
    });
  });

  it('in the old shape settles the invoice it names', () => {
    const event = paymentIntentSucceededEvent({ apiVersion: 'old', invoiceId: 'in_x' });
    expect(fact(event)).toMatchObject({ invoiceId: 'in_x', settlesInvoice: true });
  });
});

describe('a Checkout session', () => {
  it('in payment mode with no invoice is Stripe’s word that the money belongs to none', () => {
    const event = checkoutSessionCompletedEvent({
      paymentIntent: 'pi_cs',
      amount: 2500,
      clientReferenceId: 'in_camp',
      customerName: '김민준',
    });
    expect(fact(event)).toMatchObject({
      source: 'checkout_session',
      paymentId: 'pi_cs',
      invoiceless: true,
      reference: 'in_camp',
      payer: '김민준',
      amount: { minor: 2500, currency: 'USD' },
    });
  });

  it('that created an invoice belongs to it', () => {
    expect(fact(checkoutSessionCompletedEvent({ invoiceId: 'in_created' }))).toMatchObject({
      invoiceId: 'in_created',
      invoiceless: false,
    });
  });

  it('still waiting for a bank debit brings no money yet', () => {
    expect(fact(checkoutSessionCompletedEvent({ paymentStatus: 'unpaid', amount: 9900 }))).toMatchObject({
      amount: { minor: 0 },
    });
  });

  it('in subscription or setup mode is not money received: ignored', () => {
    expect(normaliseEvent(checkoutSessionCompletedEvent({ mode: 'subscription' })).kind).toBe('ignored');
    expect(normaliseEvent(checkoutSessionCompletedEvent({ mode: 'setup' })).kind).toBe('ignored');
  });
});

describe('a payout', () => {
  it('is read with its status, amount, arrival and failure', () => {
    const normalised = normaliseEvent(
      payoutEvent('payout.failed', { payoutId: 'po_f', amount: 12_345, currency: 'kwd' }),
    );
    expect(normalised).toMatchObject({
      kind: 'payout',
      fact: {
        payoutId: 'po_f',
        status: 'failed',
        amount: { minor: 12_345, currency: 'KWD' },
        automatic: true,
        failureCode: 'account_closed',
        transactions: null,
      },
    });
  });

  it('with the balance transactions sync read, each put where the Payouts sheet counts it', () => {
    const payout = payoutObject({ payoutId: 'po_r', amount: 1000, status: 'paid' });
    const event = payoutReconciliationEvent(
      payout,
      [
        balanceTransaction({
          id: 'txn_c',
          amount: 2000,
          fee: 88,
          source: { id: 'ch_1', object: 'charge', payment_intent: 'pi_1' },
        }),
        balanceTransaction({
          id: 'txn_r',
          type: 'refund',
          amount: -500,
          fee: 0,
          source: { id: 're_1', object: 'refund', charge: 'ch_1', payment_intent: 'pi_1' },
        }),
        balanceTransaction({ id: 'txn_f', type: 'stripe_fee', amount: -412, fee: 0, source: null }),
        balanceTransaction({ id: 'txn_p', type: 'payout', amount: -1000, fee: 0, source: 'po_r' }),
      ],
      '2025-03-31.basil',
    );
    const normalised = normaliseEvent(event);
    expect(normalised.kind).toBe('payout');
    expect(normalised.kind === 'payout' && normalised.fact.transactions).toEqual([
      { id: 'txn_c', category: 'payment', amount: 2000, fee: 88, net: 1912, paymentId: 'pi_1' },
      { id: 'txn_r', category: 'refund', amount: -500, fee: 0, net: -500, paymentId: 'pi_1' },
      { id: 'txn_f', category: 'fee', amount: -412, fee: 0, net: -412, paymentId: null },
    ]);
  });

  it('of another type is not used', () => {
    expect(normaliseEvent(stripeEvent('balance.available', { id: 'bal' })).kind).toBe('ignored');
  });
});
