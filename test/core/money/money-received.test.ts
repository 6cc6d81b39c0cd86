// Money that arrives without an invoice (CONTRACT.md `UNMATCHED_PAYMENT`): a Checkout or Payment Link purchase, a
// bare charge or payment intent. One exception per payment whatever its events and their order; never one for a
// payment that belongs to an invoice; placed on the ledger row the payer's side names.

import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../../src/core/apply/apply-step';
import type { Delivery } from '../../../src/core/apply/changes';
import { HELD_MARK } from '../../../src/core/apply/held-payments';
import {
  chargeRefundedEvent,
  chargeSucceededEvent,
  checkoutSessionCompletedEvent,
  FIXTURE_TIME,
  invoicePaymentPaidEvent,
  paymentIntentSucceededEvent,
  type StripeEventJson,
} from '../../fixtures/events';
import { MemoryBooks } from '../memory-books';

const T0 = FIXTURE_TIME;

function delivery(event: StripeEventJson, source: 'webhook' | 'sync' = 'webhook'): Delivery {
  return {
    payload: JSON.stringify(event),
    receivedAt: new Date('2026-01-02T00:00:00Z'),
    source,
    verification: source === 'sync' ? 'api' : 'valid',
    logRow: null,
  };
}

function apply(books: MemoryBooks, ...events: StripeEventJson[]) {
  return events.map((event) => applyChanges(books.ports(), [delivery(event)]).deliveries[0]);
}

function open(books: MemoryBooks): string[] {
  return books.exceptions
    .filter((e) => e.status === 'open')
    .map((e) => e.openKey)
    .sort();
}

/** A Payment Link purchase: the charge, the payment intent and the session, as Stripe sends them (basil). */
function purchase(options: { amount?: number; currency?: string; reference?: string | null; name?: string }) {
  const pi = `pi_purchase_${Math.random().toString(36).slice(2, 8)}`;
  const ch = `ch_purchase_${pi.slice(-6)}`;
  const amount = options.amount ?? 25_000;
  const currency = options.currency ?? 'usd';
  return {
    pi,
    charge: chargeSucceededEvent({
      chargeId: ch,
      paymentIntent: pi,
      amount,
      currency,
      customerName: options.name,
      created: T0,
    }),
    intent: paymentIntentSucceededEvent({
      paymentIntent: pi,
      latestCharge: ch,
      amount,
      currency,
      created: T0 + 1,
    }),
    session: checkoutSessionCompletedEvent({
      paymentIntent: pi,
      amount,
      currency,
      clientReferenceId: options.reference ?? null,
      customerName: options.name,
      paymentLink: 'plink_1Summer',
      created: T0 + 2,
    }),
  };
}

describe('a Payment Link purchase that names no ledger row', () => {
  it('opens one UNMATCHED_PAYMENT for the payment, with its three events as evidence, in any order', () => {
    const p = purchase({ amount: 25_000 });
    for (const order of [
      [p.charge, p.intent, p.session],
      [p.session, p.charge, p.intent],
      [p.intent, p.session, p.charge],
    ]) {
      const books = new MemoryBooks([{ invoiceId: 'in_tuition' }]);
      books.links.set(p.pi, { kind: 'none', why: 'No invoice payment names it.' });
      const all = applyChanges(
        books.ports(),
        order.map((e) => delivery(e)),
      );
      expect(all.deliveries.every((d) => d.result === 'processed')).toBe(true);
      expect(open(books)).toEqual([`UNMATCHED_PAYMENT:${p.pi}`]);
      const [exception] = books.exceptions;
      expect(exception).toMatchObject({ amount: 250, currency: 'USD' });
      expect([...(exception?.eventIds ?? [])].sort()).toEqual(
        [p.charge.id, p.intent.id, p.session.id].sort(),
      );
    }
  });

  it('opens it at once from the session, and gathers the charge and intent delivered one by one afterwards', () => {
    const p = purchase({ amount: 5000, currency: 'jpy', name: '山田 太郎' });
    const books = new MemoryBooks();
    books.links.set(p.pi, { kind: 'none', why: 'No invoice payment names it.' });
    apply(books, p.session, p.charge, p.intent);
    expect(open(books)).toEqual([`UNMATCHED_PAYMENT:${p.pi}`]);
    expect(books.exceptions).toHaveLength(1);
    expect(books.exceptions[0]).toMatchObject({ amount: 5000, currency: 'JPY' });
    expect(books.exceptions[0]?.note).toContain('山田 太郎');
    expect(books.exceptions[0]?.eventIds).toHaveLength(3);
  });

  it('keeps a payer name that looks like a formula as it is, in the note', () => {
    const p = purchase({ name: '=HYPERLINK("http://evil.example")' });
    const books = new MemoryBooks();
    apply(books, p.session);
    expect(books.exceptions[0]?.note).toContain('=HYPERLINK("http://evil.example")');
  });

  it('holds a charge and intent that come before the session until it says there is no invoice', () => {
    const p = purchase({});
    const books = new MemoryBooks();
    books.links.set(p.pi, { kind: 'none', why: 'No invoice payment names it.' });
    const [charge] = apply(books, p.charge);
    expect(charge?.message.startsWith(HELD_MARK)).toBe(true);
    expect(books.exceptions).toEqual([]);
    expect(books.heldNoted).toBe(1);
  });
});

describe('a purchase that names its ledger row', () => {
  it('lands on the row named by client_reference_id, with its charge and intent, and opens nothing', () => {
    const p = purchase({ amount: 12_345, reference: 'in_summer_camp' });
    const books = new MemoryBooks([{ invoiceId: 'in_summer_camp', expected: 123.45, currency: 'USD' }]);
    books.links.set(p.pi, { kind: 'none', why: 'No invoice payment names it.' });
    apply(books, p.session, p.charge, p.intent);
    expect(books.exceptions).toEqual([]);
    expect(books.rows[0]?.cells).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 123.45,
      'Stripe Payment ID': p.pi,
    });
  });

  it('lands on the row its metadata ledger_invoice_id names, from the charge alone', () => {
    const books = new MemoryBooks([{ invoiceId: 'STU-042', expected: 5000, currency: 'JPY' }]);
    const charge = chargeSucceededEvent({
      amount: 5000,
      currency: 'jpy',
      metadata: { ledger_invoice_id: 'STU-042' },
    });
    apply(books, charge);
    expect(books.rows[0]?.cells).toMatchObject({ 'Payment Status': 'paid', 'Amount Paid': 5000 });
    expect(books.stripeAsks.filter((a) => a.startsWith('invoice_payments'))).toEqual([]);
  });

  it('opens UNMATCHED_PAYMENT naming the reference when no row has it', () => {
    const p = purchase({ reference: 'in_not_in_ledger' });
    const books = new MemoryBooks([{ invoiceId: 'in_other' }]);
    apply(books, p.session);
    expect(open(books)).toEqual([`UNMATCHED_PAYMENT:${p.pi}`]);
    expect(books.exceptions[0]?.note).toContain('in_not_in_ledger');
  });
});

describe('a basil card payment of an invoice', () => {
  it('never opens UNMATCHED_PAYMENT: with a key, its charge is linked through invoice_payments', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_fall', expected: 400, currency: 'USD' }]);
    books.links.set('pi_fall', { kind: 'invoice', invoiceId: 'in_fall' });
    const charge = chargeSucceededEvent({ chargeId: 'ch_fall', paymentIntent: 'pi_fall', amount: 40_000 });
    const [outcome] = apply(books, charge);
    expect(outcome?.result).toBe('processed');
    expect(books.exceptions).toEqual([]);
    expect(books.rows[0]?.cells).toMatchObject({ 'Payment Status': 'paid', 'Stripe Payment ID': 'pi_fall' });
  });
});

describe('an old-shape charge.succeeded that names its invoice', () => {
  it('applies like invoice.paid: the row is paid, Paid At the charge’s time', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_old' }]);
    const charge = chargeSucceededEvent({
      apiVersion: 'old',
      invoiceId: 'in_old',
      chargeId: 'ch_old',
      paymentIntent: 'pi_old',
      amount: 125_050,
      created: T0 + 300,
    });
    apply(books, charge);
    expect(books.rows[0]?.cells).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 1250.5,
      'Paid At': new Date((T0 + 300) * 1000),
      'Stripe Payment ID': 'pi_old',
    });
    expect(books.stripeAsks).toEqual(['balance pi_old']);
  });
});

describe('Paid At', () => {
  it('is the invoice payment’s paid_at, not the time of its event', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_p', expected: 10 }]);
    apply(
      books,
      invoicePaymentPaidEvent({ invoiceId: 'in_p', amount: 1000, paidAt: T0 + 5, created: T0 + 3600 }),
    );
    expect(books.rows[0]?.cells['Paid At']).toEqual(new Date((T0 + 5) * 1000));
  });
});

describe('a refund recorded before its payment', () => {
  it('does not show the row refunded (nor paid) while no payment is recorded, and does once it is', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_r', expected: 30 }]);
    const refund = chargeRefundedEvent({
      apiVersion: 'old',
      invoiceId: 'in_r',
      chargeId: 'ch_r',
      paymentIntent: 'pi_r',
      amount: 3000,
      created: T0 + 60,
    });
    apply(books, refund);
    expect(books.rows[0]?.cells['Payment Status']).toBe('open');
    expect(books.rows[0]?.cells['Amount Refunded']).toBe(30);
    apply(
      books,
      invoicePaymentPaidEvent({ invoiceId: 'in_r', paymentIntent: 'pi_r', amount: 3000, created: T0 }),
    );
    expect(books.rows[0]?.cells['Payment Status']).toBe('refunded');
  });
});

describe('a payment record (API clover)', () => {
  it('applies like any payment: an invoice paid out of band and attached in Stripe is paid, with no fee read', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_cash', expected: 12.345, currency: 'KWD' }], true);
    apply(
      books,
      invoicePaymentPaidEvent({
        apiVersion: 'clover',
        invoiceId: 'in_cash',
        paymentRecord: 'pr_cash_1',
        amount: 12_345,
        currency: 'kwd',
        paidAt: T0 - 86_400,
      }),
    );
    expect(books.rows[0]?.cells).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 12.345,
      'Stripe Payment ID': 'pr_cash_1',
      'Paid At': new Date((T0 - 86_400) * 1000),
      'Stripe Fee': '',
    });
    expect(books.stripeAsks).toEqual([]);
  });
});

describe('money that belongs to an invoice by another way', () => {
  it('a Checkout session that created its invoice goes to that invoice, never to UNMATCHED_PAYMENT', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_created', expected: 25 }]);
    apply(
      books,
      checkoutSessionCompletedEvent({ invoiceId: 'in_created', paymentIntent: 'pi_cr', amount: 2500 }),
    );
    expect(books.exceptions).toEqual([]);
    expect(books.rows[0]?.cells).toMatchObject({ 'Payment Status': 'paid', 'Stripe Payment ID': 'pi_cr' });
  });

  it('a held charge whose invoice the ledger does not list joins that invoice’s UNKNOWN_INVOICE when sync decides', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_listed' }]);
    books.links.set('pi_elsewhere', { kind: 'unasked', why: 'No STRIPE_API_KEY.' });
    const charge = chargeSucceededEvent({ paymentIntent: 'pi_elsewhere', amount: 7000, created: T0 });
    const payment = invoicePaymentPaidEvent({
      invoiceId: 'in_not_listed',
      paymentIntent: 'pi_elsewhere',
      amount: 7000,
      created: T0 + 1,
    });
    apply(books, charge, payment);
    const held = [...books.log].filter(([, e]) => e.message.startsWith(HELD_MARK)).map(([row]) => row);
    expect(held).toHaveLength(1);
    const decided = applyChanges(books.ports(), [], { releases: held });
    expect(decided.releases.map((r) => r.result)).toEqual(['processed']);
    expect(open(books)).toEqual(['UNKNOWN_INVOICE:in_not_listed']);
    expect(books.exceptions[0]?.eventIds).toEqual([payment.id, charge.id]);
    expect([...books.log.values()].some((e) => e.message.startsWith(HELD_MARK))).toBe(false);
  });

  it('a session still waiting for a bank debit that names its row tells the row whose payment intent is coming', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_ach', expected: 300 }]);
    books.links.set('pi_ach', { kind: 'none', why: 'No invoice payment.' });
    apply(
      books,
      checkoutSessionCompletedEvent({
        paymentIntent: 'pi_ach',
        amount: 30_000,
        paymentStatus: 'unpaid',
        clientReferenceId: 'in_ach',
      }),
    );
    expect(books.rows[0]?.cells).toMatchObject({ 'Payment Status': 'open', 'Stripe Payment ID': 'pi_ach' });
    apply(
      books,
      paymentIntentSucceededEvent({ paymentIntent: 'pi_ach', amount: 30_000, created: T0 + 3 * 86_400 }),
    );
    expect(books.rows[0]?.cells).toMatchObject({ 'Payment Status': 'paid', 'Amount Paid': 300 });
    expect(books.exceptions).toEqual([]);
  });
});

describe('a reviewer', () => {
  it('matches an UNMATCHED_PAYMENT to the row it pays: its events land there and the exception is resolved as matched', () => {
    const p = purchase({ amount: 18_000 });
    const books = new MemoryBooks([{ invoiceId: 'in_summer', expected: 180 }]);
    for (const event of [p.session, p.charge]) {
      const [outcome] = applyChanges(books.ports(), [delivery(event)]).deliveries;
      expect(outcome?.result).toBe('processed');
    }
    const exception = books.exceptions[0];
    if (!exception) throw new Error('no exception');
    const result = applyChanges(books.ports(), [], {
      reviews: [
        {
          exceptionId: exception.exceptionId,
          actor: 'bursar@school.example',
          action: { kind: 'match', target: { invoiceId: 'in_summer' }, note: 'Summer camp, paid by link' },
        },
      ],
    });
    expect(result.reviews[0]).toMatchObject({ result: 'applied' });
    expect(books.rows[0]?.cells).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 180,
      'Stripe Payment ID': p.pi,
    });
    expect(books.exceptions[0]).toMatchObject({ status: 'resolved', resolution: 'matched' });
  });
});

describe('fees and net', () => {
  it('stay blank when Stripe settled the payment in another currency than the invoice’s', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_fx', expected: 60_000, currency: 'JPY' }], true);
    books.fees.set('pi_fx', {
      kind: 'found',
      transactionId: 'txn_fx',
      amount: { minor: 40_500, currency: 'USD' },
      fee: { minor: 1205, currency: 'USD' },
      net: { minor: 39_295, currency: 'USD' },
    });
    apply(
      books,
      invoicePaymentPaidEvent({
        invoiceId: 'in_fx',
        paymentIntent: 'pi_fx',
        amount: 60_000,
        currency: 'jpy',
      }),
    );
    expect(books.rows[0]?.cells).toMatchObject({
      'Payment Status': 'paid',
      'Stripe Fee': '',
      'Net Amount': '',
    });
    expect(books.exceptions).toEqual([]);
  });

  it('are neither written nor audited on a ledger set up before those columns existed', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_old_sheet', expected: 10 }]);
    books.fees.set('pi_os', {
      kind: 'found',
      transactionId: 'txn_os',
      amount: { minor: 1000, currency: 'USD' },
      fee: { minor: 59, currency: 'USD' },
      net: { minor: 941, currency: 'USD' },
    });
    apply(
      books,
      invoicePaymentPaidEvent({ invoiceId: 'in_old_sheet', paymentIntent: 'pi_os', amount: 1000 }),
    );
    expect(books.rows[0]?.cells).not.toHaveProperty('Stripe Fee');
    expect(books.audit.map((a) => a.field)).not.toContain('Stripe Fee');
    expect(books.rows[0]?.state?.settlements?.pi_os).toMatchObject({ fee: 59 });
  });

  it('a fee Stripe could not be read fails the delivery (Stripe retries), writing only its log row', () => {
    const books = new MemoryBooks([{ invoiceId: 'in_down', expected: 10 }], true);
    books.fees.set('pi_down', { kind: 'unavailable', message: 'Address unavailable' });
    const [outcome] = apply(
      books,
      invoicePaymentPaidEvent({ invoiceId: 'in_down', paymentIntent: 'pi_down', amount: 1000 }),
    );
    expect(outcome).toMatchObject({ result: 'error', message: expect.stringMatching(/Stripe will retry/) });
    expect(books.rows[0]?.state).toBeNull();
    expect(books.audit).toEqual([]);
  });
});
