import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  DisputeFact,
  InvoiceFact,
  Normalised,
  PaymentFact,
  ProcessingFact,
  RefundFact,
  StripeFact,
} from '../../src/core/facts';
import { normaliseEvent } from '../../src/core/normalise';
import {
  API_VERSIONS,
  chargeRefundedEvent,
  disputeEvent,
  type InvoiceEventType,
  invoiceEvent,
  invoicePaymentPaidEvent,
  type JsonObject,
  paymentIntentProcessingEvent,
  type StripeEventJson,
  stripeEvent,
} from '../fixtures/events';
import chargeSample from '../fixtures/stripe-samples/charge.json' with { type: 'json' };
import disputeSample from '../fixtures/stripe-samples/dispute.json' with { type: 'json' };
import eventSample from '../fixtures/stripe-samples/event.json' with { type: 'json' };
import invoiceSample from '../fixtures/stripe-samples/invoice.json' with { type: 'json' };
import paymentIntentSample from '../fixtures/stripe-samples/payment_intent.json' with { type: 'json' };

function factOf<K extends StripeFact['kind']>(event: unknown, kind: K): Extract<StripeFact, { kind: K }> {
  const result = normaliseEvent(event);
  if (result.kind !== 'fact') throw new Error(`expected a fact, got ${JSON.stringify(result)}`);
  expect(result.fact.kind).toBe(kind);
  return result.fact as Extract<StripeFact, { kind: K }>;
}

function malformedMessage(event: unknown): string {
  const result = normaliseEvent(event);
  if (result.kind !== 'malformed') throw new Error(`expected malformed, got ${JSON.stringify(result)}`);
  return result.message;
}

/** The event with its object's fields replaced (undefined deletes). */
function withObject(event: StripeEventJson, fields: JsonObject): StripeEventJson {
  const object: JsonObject = { ...event.data.object, ...fields };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete object[key];
  return { ...event, data: { object } };
}

describe('normaliseEvent: what is not a Stripe event', () => {
  it('calls a body that is not a JSON object malformed', () => {
    for (const body of [null, 'evt_1', 42, [invoiceEvent('invoice.paid')]]) {
      expect(malformedMessage(body)).toMatch(/not a JSON object/);
    }
  });

  it('calls an event whose id does not start with evt_ malformed', () => {
    expect(malformedMessage({ ...invoiceEvent('invoice.paid'), id: 'in_123' })).toMatch(/evt_/);
    expect(malformedMessage({ ...invoiceEvent('invoice.paid'), id: 7 })).toMatch(/evt_/);
  });

  it('calls an event without a type malformed', () => {
    expect(malformedMessage({ ...invoiceEvent('invoice.paid'), type: undefined })).toMatch(/type/);
  });

  it('calls an event whose created is not a number malformed', () => {
    expect(malformedMessage({ ...invoiceEvent('invoice.paid'), created: '1767225600' })).toMatch(/created/);
  });

  it('calls an event without data.object malformed', () => {
    expect(malformedMessage({ ...invoiceEvent('invoice.paid'), data: {} })).toMatch(/data\.object/);
    expect(malformedMessage({ ...invoiceEvent('invoice.paid'), data: { object: 'in_1' } })).toMatch(
      /data\.object/,
    );
  });

  it("ignores a type the ledger does not use, such as Stripe's sample plan.created, saying why", () => {
    expect(normaliseEvent(eventSample)).toEqual({
      kind: 'ignored',
      eventId: 'evt_1Pgc76B7WZ01zgkWwyRHS12y',
      eventType: 'plan.created',
      reason: expect.stringContaining('plan.created'),
    });
  });

  it('ignores a type named like a built-in object member', () => {
    const event = stripeEvent('constructor', { id: 'in_1', currency: 'usd' });
    expect(normaliseEvent(event).kind).toBe('ignored');
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(['fact', 'ignored', 'malformed']).toContain(normaliseEvent(value).kind);
      }),
    );
  });

  it('never throws when any field of a known event holds any JSON value', () => {
    const events = [
      invoiceEvent('invoice.paid', { apiVersion: 'old' }),
      invoicePaymentPaidEvent(),
      chargeRefundedEvent({ apiVersion: 'old', invoiceId: 'in_1' }),
      disputeEvent('charge.dispute.closed', { apiVersion: 'old', invoiceId: 'in_1' }),
      paymentIntentProcessingEvent({ apiVersion: 'old', invoiceId: 'in_1' }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...events), fc.nat(), fc.jsonValue(), (event, index, value) => {
        const keys = Object.keys(event.data.object);
        const key = keys[index % keys.length] ?? 'id';
        const result: Normalised = normaliseEvent(withObject(event, { [key]: value }));
        expect(['fact', 'malformed']).toContain(result.kind);
      }),
    );
  });
});

describe('normaliseEvent: invoices', () => {
  it("reads Stripe's own sample invoice as a draft of 10.00 USD", () => {
    const fact = factOf(stripeEvent('invoice.created', invoiceSample, { id: 'evt_sample' }), 'invoice');
    expect(fact).toMatchObject({
      invoiceId: 'in_1Pgc6tB7WZ01zgkWu9fdqL6I',
      status: 'draft',
      amountDue: { minor: 1000, currency: 'USD' },
      amountPaid: { minor: 0, currency: 'USD' },
      paidAt: null,
      paymentId: null,
      chargeId: null,
    });
  });

  const triggers: [InvoiceEventType, InvoiceFact['trigger']][] = [
    ['invoice.created', 'created'],
    ['invoice.updated', 'updated'],
    ['invoice.finalized', 'finalized'],
    ['invoice.paid', 'paid'],
    ['invoice.payment_succeeded', 'payment_succeeded'],
    ['invoice.payment_failed', 'payment_failed'],
    ['invoice.voided', 'voided'],
    ['invoice.marked_uncollectible', 'marked_uncollectible'],
  ];
  it.each(triggers)('turns %s into an invoice fact triggered by %s', (type, trigger) => {
    const event = invoiceEvent(type, { invoiceId: 'in_T', created: 1_767_300_000 });
    const fact = factOf(event, 'invoice');
    expect(fact).toMatchObject({
      trigger,
      eventId: event.id,
      eventType: type,
      created: 1_767_300_000,
      invoiceId: 'in_T',
    });
  });

  it('keeps the status Stripe states, e.g. a draft on invoice.updated', () => {
    expect(factOf(invoiceEvent('invoice.updated', { status: 'draft' }), 'invoice').status).toBe('draft');
    expect(factOf(invoiceEvent('invoice.voided'), 'invoice').status).toBe('void');
  });

  it('reads a basil invoice.paid with no payment link', () => {
    const event = invoiceEvent('invoice.paid', {
      apiVersion: 'basil',
      amountDue: 125050,
      amountPaid: 125050,
    });
    expect(event.api_version).toBe(API_VERSIONS.basil);
    expect(factOf(event, 'invoice')).toMatchObject({
      status: 'paid',
      amountDue: { minor: 125050, currency: 'USD' },
      amountPaid: { minor: 125050, currency: 'USD' },
      paymentId: null,
      chargeId: null,
    });
  });

  it('reads a dahlia invoice as it reads a basil one', () => {
    const event = invoiceEvent('invoice.paid', { apiVersion: 'dahlia', invoiceId: 'in_D', amountDue: 700 });
    expect(factOf(event, 'invoice')).toMatchObject({
      invoiceId: 'in_D',
      amountPaid: { minor: 700 },
      paymentId: null,
    });
  });

  it("takes an old-API invoice's payment intent as its payment and its charge as the charge", () => {
    const event = invoiceEvent('invoice.paid', {
      apiVersion: 'old',
      paymentIntent: 'pi_OLD',
      charge: 'ch_OLD',
    });
    expect(factOf(event, 'invoice')).toMatchObject({ paymentId: 'pi_OLD', chargeId: 'ch_OLD' });
  });

  it('falls back to the charge when an old-API invoice has no payment intent', () => {
    const event = invoiceEvent('invoice.paid', { apiVersion: 'old', paymentIntent: null, charge: 'ch_ONLY' });
    expect(factOf(event, 'invoice')).toMatchObject({ paymentId: 'ch_ONLY', chargeId: 'ch_ONLY' });
  });

  it('reads expanded payment intent and charge objects by their ids', () => {
    const event = withObject(invoiceEvent('invoice.paid', { apiVersion: 'old' }), {
      payment_intent: { id: 'pi_EXP', object: 'payment_intent' },
      charge: { id: 'ch_EXP', object: 'charge' },
    });
    expect(factOf(event, 'invoice')).toMatchObject({ paymentId: 'pi_EXP', chargeId: 'ch_EXP' });
  });

  it('takes paidAt from status_transitions.paid_at, not from the event time', () => {
    const event = invoiceEvent('invoice.paid', { created: 1_767_300_000, paidAt: 1_767_299_000 });
    expect(factOf(event, 'invoice').paidAt).toBe(1_767_299_000);
  });

  it('gives a null paidAt when status_transitions is absent', () => {
    const event = withObject(invoiceEvent('invoice.paid'), { status_transitions: undefined });
    expect(factOf(event, 'invoice').paidAt).toBeNull();
  });

  it('keeps a zero-decimal JPY invoice in whole yen', () => {
    const fact = factOf(invoiceEvent('invoice.paid', { currency: 'jpy', amountDue: 5000 }), 'invoice');
    expect(fact.amountDue).toEqual({ minor: 5000, currency: 'JPY' });
  });

  it('keeps a three-decimal KWD invoice in fils', () => {
    const fact = factOf(invoiceEvent('invoice.finalized', { currency: 'kwd', amountDue: 12345 }), 'invoice');
    expect(fact.amountDue).toEqual({ minor: 12345, currency: 'KWD' });
  });

  it('passes a non-ASCII customer name through unchanged', () => {
    const fact = factOf(invoiceEvent('invoice.paid', { customerName: 'Zoë Ñúñez 山田' }), 'invoice');
    expect(fact.customerName).toBe('Zoë Ñúñez 山田');
  });

  it('keeps formula-looking customer names as plain text', () => {
    for (const name of ['=HYPERLINK("x")', '=SUM(A1)', '+1-2', '@import']) {
      expect(factOf(invoiceEvent('invoice.paid', { customerName: name }), 'invoice').customerName).toBe(name);
    }
  });

  it('gives a null customer name when Stripe has none', () => {
    expect(factOf(invoiceEvent('invoice.paid', { customerName: null }), 'invoice').customerName).toBeNull();
  });

  it('calls an invoice without an id malformed', () => {
    const event = withObject(invoiceEvent('invoice.paid'), { id: undefined });
    expect(malformedMessage(event)).toMatch(/invoice id/);
  });

  it('calls an invoice without a currency, or with a placeholder one, malformed', () => {
    expect(malformedMessage(withObject(invoiceEvent('invoice.paid'), { currency: undefined }))).toMatch(
      /currency/,
    );
    expect(malformedMessage(withObject(invoiceEvent('invoice.paid'), { currency: 'currency' }))).toMatch(
      /currency/,
    );
  });

  it('calls an invoice whose amount is text or a fraction malformed', () => {
    expect(malformedMessage(withObject(invoiceEvent('invoice.paid'), { amount_due: '1000' }))).toMatch(
      /amount_due/,
    );
    expect(malformedMessage(withObject(invoiceEvent('invoice.paid'), { amount_paid: 10.5 }))).toMatch(
      /amount_paid/,
    );
  });

  it('calls an invoice with a status Stripe does not define malformed', () => {
    expect(malformedMessage(withObject(invoiceEvent('invoice.paid'), { status: 'settled' }))).toMatch(
      /status/,
    );
  });
});

describe('normaliseEvent: invoice payments (basil and later)', () => {
  it('turns invoice_payment.paid into a payment by its payment intent', () => {
    const event = invoicePaymentPaidEvent({
      invoicePaymentId: 'inpay_1',
      invoiceId: 'in_1',
      paymentIntent: 'pi_1',
      amount: 125050,
      created: 1_767_300_000,
      paidAt: 1_767_299_999,
    });
    expect(factOf(event, 'payment')).toEqual<PaymentFact>({
      kind: 'payment',
      eventId: event.id,
      eventType: 'invoice_payment.paid',
      created: 1_767_300_000,
      invoiceId: 'in_1',
      invoicePaymentId: 'inpay_1',
      paymentId: 'pi_1',
      chargeId: null,
      amount: { minor: 125050, currency: 'USD' },
      paidAt: 1_767_299_999,
    });
  });

  it('takes the charge as the payment when no payment intent is involved', () => {
    const fact = factOf(invoicePaymentPaidEvent({ charge: 'ch_1', apiVersion: 'dahlia' }), 'payment');
    expect(fact).toMatchObject({ paymentId: 'ch_1', chargeId: 'ch_1' });
  });

  it('reads an expanded payment intent, its latest charge and an expanded invoice by their ids', () => {
    const event = withObject(invoicePaymentPaidEvent(), {
      invoice: { id: 'in_EXP', object: 'invoice' },
      payment: { type: 'payment_intent', payment_intent: { id: 'pi_EXP', latest_charge: 'ch_EXP' } },
    });
    expect(factOf(event, 'payment')).toMatchObject({
      invoiceId: 'in_EXP',
      paymentId: 'pi_EXP',
      chargeId: 'ch_EXP',
    });
  });

  it('names a payment recorded outside Stripe by its payment record, else by the invoice payment', () => {
    const recorded = withObject(invoicePaymentPaidEvent(), {
      payment: { type: 'payment_record', payment_record: 'pr_1' },
    });
    expect(factOf(recorded, 'payment').paymentId).toBe('pr_1');
    const bare = withObject(invoicePaymentPaidEvent({ invoicePaymentId: 'inpay_BARE' }), { payment: null });
    expect(factOf(bare, 'payment').paymentId).toBe('inpay_BARE');
  });

  it('keeps JPY and KWD payments in their minor units', () => {
    expect(factOf(invoicePaymentPaidEvent({ currency: 'jpy', amount: 5000 }), 'payment').amount).toEqual({
      minor: 5000,
      currency: 'JPY',
    });
    expect(factOf(invoicePaymentPaidEvent({ currency: 'kwd', amount: 12345 }), 'payment').amount).toEqual({
      minor: 12345,
      currency: 'KWD',
    });
  });

  it('calls an invoice payment without an invoice malformed', () => {
    expect(malformedMessage(withObject(invoicePaymentPaidEvent(), { invoice: null }))).toMatch(/no invoice/);
  });

  it('calls an invoice payment without amount_paid malformed, as in the placeholder sample', () => {
    expect(malformedMessage(withObject(invoicePaymentPaidEvent(), { amount_paid: null }))).toMatch(
      /amount_paid/,
    );
  });
});

describe('normaliseEvent: refunds', () => {
  it('turns a basil charge.refunded into a refund with no invoice link', () => {
    const event = chargeRefundedEvent({
      chargeId: 'ch_1',
      paymentIntent: 'pi_1',
      amount: 1000,
      amountRefunded: 400,
    });
    expect(factOf(event, 'refund')).toEqual<RefundFact>({
      kind: 'refund',
      eventId: event.id,
      eventType: 'charge.refunded',
      created: event.created,
      invoiceId: null,
      paymentId: 'pi_1',
      chargeId: 'ch_1',
      amountRefunded: { minor: 400, currency: 'USD' },
      amountCaptured: { minor: 1000, currency: 'USD' },
    });
  });

  it("takes the invoice from an old-API charge's invoice field", () => {
    const event = chargeRefundedEvent({ apiVersion: 'old', invoiceId: 'in_OLD' });
    expect(factOf(event, 'refund').invoiceId).toBe('in_OLD');
  });

  it('names a charge made without a payment intent by the charge', () => {
    expect(factOf(chargeRefundedEvent({ chargeId: 'ch_2', paymentIntent: null }), 'refund').paymentId).toBe(
      'ch_2',
    );
  });

  it("reads Stripe's own sample charge", () => {
    const fact = factOf(stripeEvent('charge.refunded', chargeSample), 'refund');
    expect(fact).toMatchObject({
      chargeId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      invoiceId: null,
      paymentId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
    });
  });

  it('keeps a JPY refund in whole yen', () => {
    const fact = factOf(
      chargeRefundedEvent({ currency: 'jpy', amount: 5000, amountRefunded: 2000 }),
      'refund',
    );
    expect(fact.amountRefunded).toEqual({ minor: 2000, currency: 'JPY' });
  });

  it('calls a charge without amount_refunded malformed', () => {
    const event = withObject(chargeRefundedEvent(), { amount_refunded: undefined });
    expect(malformedMessage(event)).toMatch(/amount_refunded/);
  });
});

describe('normaliseEvent: disputes', () => {
  it('turns charge.dispute.created into an open dispute with no outcome', () => {
    const event = disputeEvent('charge.dispute.created', {
      disputeId: 'dp_1',
      chargeId: 'ch_1',
      paymentIntent: 'pi_1',
      amount: 12345,
      currency: 'kwd',
    });
    expect(factOf(event, 'dispute')).toEqual<DisputeFact>({
      kind: 'dispute',
      eventId: event.id,
      eventType: 'charge.dispute.created',
      created: event.created,
      invoiceId: null,
      paymentId: 'pi_1',
      chargeId: 'ch_1',
      disputeId: 'dp_1',
      phase: 'created',
      outcome: null,
      amount: { minor: 12345, currency: 'KWD' },
    });
  });

  it('takes the outcome of charge.dispute.closed from the dispute status', () => {
    const fact = factOf(disputeEvent('charge.dispute.closed', { status: 'won' }), 'dispute');
    expect(fact).toMatchObject({ phase: 'closed', outcome: 'won' });
  });

  it('reads an old-API expanded charge for its id and invoice', () => {
    const event = disputeEvent('charge.dispute.created', {
      apiVersion: 'old',
      chargeId: 'ch_X',
      invoiceId: 'in_X',
    });
    expect(typeof event.data.object.charge).toBe('object');
    expect(factOf(event, 'dispute')).toMatchObject({ chargeId: 'ch_X', invoiceId: 'in_X' });
  });

  it("reads Stripe's own sample dispute, naming the payment by its charge", () => {
    const fact = factOf(stripeEvent('charge.dispute.created', disputeSample), 'dispute');
    expect(fact).toMatchObject({
      disputeId: 'dp_1Pgc71B7WZ01zgkWMevJiAUx',
      chargeId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      paymentId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      amount: { minor: 1000, currency: 'USD' },
    });
  });

  it('calls a dispute that names no charge malformed', () => {
    expect(malformedMessage(withObject(disputeEvent('charge.dispute.created'), { charge: null }))).toMatch(
      /no charge/,
    );
  });
});

describe('normaliseEvent: processing payments', () => {
  it('turns payment_intent.processing into a processing fact on its rail', () => {
    const event = paymentIntentProcessingEvent({ paymentIntent: 'pi_ACH', amount: 125050 });
    expect(factOf(event, 'processing')).toEqual<ProcessingFact>({
      kind: 'processing',
      eventId: event.id,
      eventType: 'payment_intent.processing',
      created: event.created,
      invoiceId: null,
      paymentId: 'pi_ACH',
      chargeId: null,
      amount: { minor: 125050, currency: 'USD' },
      rail: 'us_bank_account',
    });
  });

  it("takes the invoice from an old-API payment intent's invoice field", () => {
    const event = paymentIntentProcessingEvent({
      apiVersion: 'old',
      invoiceId: 'in_OLD',
      rail: 'sepa_debit',
      currency: 'eur',
    });
    expect(factOf(event, 'processing')).toMatchObject({ invoiceId: 'in_OLD', rail: 'sepa_debit' });
  });

  it('leaves the rail unknown when several payment method types are allowed and none is named', () => {
    const event = paymentIntentProcessingEvent({ paymentMethodTypes: ['card', 'us_bank_account'] });
    expect(factOf(event, 'processing').rail).toBeNull();
  });

  it("takes the rail from an expanded latest charge's payment_method_details", () => {
    const event = withObject(paymentIntentProcessingEvent({ paymentMethodTypes: ['card', 'sepa_debit'] }), {
      latest_charge: { id: 'ch_L', payment_method_details: { type: 'sepa_debit' } },
    });
    expect(factOf(event, 'processing')).toMatchObject({ rail: 'sepa_debit', chargeId: 'ch_L' });
  });

  it("reads Stripe's own sample payment intent, whose processing hash names a card", () => {
    const fact = factOf(stripeEvent('payment_intent.processing', paymentIntentSample), 'processing');
    expect(fact).toMatchObject({
      paymentId: 'pi_1PgafyB7WZ01zgkWSjxsAJo3',
      rail: 'card',
      amount: { minor: 1099 },
    });
  });

  it('keeps a JPY processing amount in whole yen', () => {
    const fact = factOf(paymentIntentProcessingEvent({ currency: 'jpy', amount: 5000 }), 'processing');
    expect(fact.amount).toEqual({ minor: 5000, currency: 'JPY' });
  });
});

describe('fixtures: both API shapes', () => {
  it('gives old-API invoices their payment links and basil ones none', () => {
    const old = invoiceEvent('invoice.paid', { apiVersion: 'old' }).data.object;
    const basil = invoiceEvent('invoice.paid', { apiVersion: 'basil' }).data.object;
    expect(old).toMatchObject({
      paid: true,
      charge: expect.stringMatching(/^ch_/),
      payment_intent: expect.stringMatching(/^pi_/),
    });
    expect(['charge', 'payment_intent', 'paid'].filter((field) => field in basil)).toEqual([]);
  });

  it('refuses old-API fields on a basil fixture, so a test cannot mix the shapes by mistake', () => {
    expect(() => invoiceEvent('invoice.paid', { apiVersion: 'basil', charge: 'ch_1' })).toThrow(/old API/);
    expect(() => chargeRefundedEvent({ invoiceId: 'in_1' })).toThrow(/old-API/);
  });

  it('gives every event a fresh evt_ id', () => {
    const ids = new Set([
      invoiceEvent('invoice.paid').id,
      invoiceEvent('invoice.paid').id,
      chargeRefundedEvent().id,
    ]);
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^evt_/);
  });
});
