// Issue 9 end to end, through doPost and syncStripe() on the Apps Script fakes and the Stripe double: thin events
// with and without a key, money without an invoice decided after its grace window, fees read as payments land, and a
// payout reconciled to the cent by sync, with what each costs in Stripe requests.

import { afterEach, describe, expect, it } from 'vitest';
import { DOUBLE_SECRET_KEY, type StripeDouble } from '../../fakes/stripe-double';
import { HELD_MARK } from '../../src/core/apply/held-payments';
import { runSync } from '../../src/gas/sync';
import {
  balanceTransaction,
  chargeSucceededEvent,
  checkoutSessionCompletedEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  paymentIntentSucceededEvent,
  payoutEvent,
  payoutObject,
  thinEvent,
} from '../fixtures/events';
import { type SyncWorld, syncWorld } from './scenario';

let world: SyncWorld | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
});

const NOW = Math.floor(Date.now() / 1000);
const HOUR = 3600;
const DAY = 24 * HOUR;

function w(): SyncWorld {
  if (!world) throw new Error('no world');
  return world;
}

function logRows(): Record<string, unknown>[] {
  return w().harness.records('Stripe Events');
}

function exceptions(): Record<string, unknown>[] {
  return w().harness.records('Exceptions');
}

/** Stripe requests other than the event list, made by one call. */
function stripeRequests(run: () => unknown): string[] {
  const before = w().stripe.requests.length;
  run();
  return w()
    .stripe.requests.slice(before)
    .map((r) => `${r.path}${r.query.toString() ? `?${decodeURIComponent(r.query.toString())}` : ''}`);
}

describe('a thin v1.invoice.paid', () => {
  const paid = invoiceEvent('invoice.paid', {
    id: 'evt_1ThinSnapshot',
    invoiceId: 'in_thin',
    amountDue: 125_050,
    created: NOW - 60,
    apiVersion: 'clover',
  });
  const thin = thinEvent('v1.invoice.paid', {
    id: 'evt_test_65ThinNotice',
    snapshotEvent: 'evt_1ThinSnapshot',
    relatedObject: { id: 'in_thin', type: 'invoice', url: '/v1/invoices/in_thin' },
    created: new Date((NOW - 60) * 1000).toISOString(),
  });

  it('with a key: one log row with the thin body, the row paid, one Stripe request', () => {
    world = syncWorld([{ invoiceId: 'in_thin', expected: 1250.5, currency: 'USD' }]);
    w().stripe.addEvents(paid);
    let answer: { result: string; eventId: string | null } | undefined;
    const requests = stripeRequests(() => {
      answer = w().harness.post(thin);
    });
    expect(answer).toMatchObject({ result: 'processed', eventId: 'evt_1ThinSnapshot' });
    expect(requests).toEqual(['/v1/events/evt_1ThinSnapshot']);
    const rows = logRows();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(String(rows[0]?.Payload))).toEqual(thin);
    expect(rows[0]).toMatchObject({ 'Event ID': 'evt_1ThinSnapshot', 'Event Type': 'v1.invoice.paid' });
    expect(w().harness.ledgerRow('in_thin')).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 1250.5,
    });
    // Sync reads the same event and finds it applied: nothing logged again.
    runSync();
    expect(logRows()).toHaveLength(1);
  });

  it('without a key: error naming STRIPE_API_KEY; once the key is set, one sync applies it', () => {
    world = syncWorld([{ invoiceId: 'in_thin', expected: 1250.5, currency: 'USD' }]);
    w().stripe.addEvents(paid);
    w().harness.fakes.properties.script.delete('STRIPE_API_KEY');
    const answer = w().harness.post(thin);
    expect(answer.result).toBe('error');
    expect(answer.message).toContain('STRIPE_API_KEY');
    expect(w().harness.ledgerRow('in_thin')['Payment Status']).toBe('');
    w().harness.fakes.properties.script.set('STRIPE_API_KEY', DOUBLE_SECRET_KEY);
    const summary = runSync();
    expect(summary.events?.processed).toBe(1);
    expect(w().harness.ledgerRow('in_thin')).toMatchObject({
      'Payment Status': 'paid',
      'Amount Paid': 1250.5,
    });
    // Stripe's next retry of the thin event finds it applied.
    expect(w().harness.post(thin).result).toBe('duplicate');
  });
});

describe('money without an invoice, by webhook', () => {
  it('a Payment Link purchase opens one UNMATCHED_PAYMENT; its charge and intent, held, join it at the next sync', () => {
    world = syncWorld([{ invoiceId: 'in_tuition', expected: 500, currency: 'USD' }]);
    const pi = 'pi_3Camp';
    const charge = chargeSucceededEvent({
      chargeId: 'ch_3Camp',
      paymentIntent: pi,
      amount: 35_000,
      created: NOW - 2 * HOUR,
      customerName: 'Zoë Çelik',
    });
    const intent = paymentIntentSucceededEvent({
      paymentIntent: pi,
      latestCharge: 'ch_3Camp',
      amount: 35_000,
      created: NOW - 2 * HOUR,
    });
    const session = checkoutSessionCompletedEvent({
      paymentIntent: pi,
      amount: 35_000,
      created: NOW - 2 * HOUR + 1,
      customerName: 'Zoë Çelik',
      paymentLink: 'plink_1Camp',
    });
    for (const event of [charge, intent]) {
      const requests = stripeRequests(() => {
        expect(w().harness.post(event).result).toBe('processed');
      });
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatch(/^\/v1\/invoice_payments\?/);
    }
    expect(logRows().map((r) => String(r.Message).startsWith(HELD_MARK))).toEqual([true, true]);
    expect(w().harness.post(session).result).toBe('processed');
    expect(exceptions()).toHaveLength(1);
    expect(exceptions()[0]).toMatchObject({
      Reason: 'UNMATCHED_PAYMENT',
      'Stripe Invoice ID': '',
      Amount: 350,
      Currency: 'USD',
      Status: 'open',
      'Event ID': session.id,
    });
    runSync();
    expect(exceptions()).toHaveLength(1);
    expect(String(exceptions()[0]?.['Event ID']).split(', ').sort()).toEqual(
      [charge.id, intent.id, session.id].sort(),
    );
    expect(logRows().some((r) => String(r.Message).startsWith(HELD_MARK))).toBe(false);
  });

  it('keeps a payer name that looks like a formula as text in the exception’s Note', () => {
    world = syncWorld([]);
    w().harness.post(
      checkoutSessionCompletedEvent({ amount: 4200, customerName: '=IMPORTXML("http://x.example","//a")' }),
    );
    expect(String(exceptions()[0]?.Note)).toContain('=IMPORTXML("http://x.example","//a")');
    expect(w().harness.fakes.spreadsheet.formulas('Exceptions').flat().filter(Boolean)).toEqual([]);
  });

  it('a bare charge nothing links to an invoice waits out its grace window, then opens UNMATCHED_PAYMENT', () => {
    world = syncWorld([]);
    const charge = chargeSucceededEvent({ paymentIntent: 'pi_3Bare', amount: 9900, created: NOW - 10 * 60 });
    w().harness.post(charge);
    runSync();
    expect(exceptions()).toEqual([]);
    runSync({ nowMs: () => (NOW + 2 * HOUR) * 1000 });
    expect(exceptions().map((e) => [e.Reason, e.Amount, e.Status])).toEqual([
      ['UNMATCHED_PAYMENT', 99, 'open'],
    ]);
  });

  it('a basil charge of an invoice the ledger lists is linked at once (with a key) and brings no exception', () => {
    world = syncWorld([{ invoiceId: 'in_basil', expected: 480, currency: 'USD' }]);
    w().stripe.addInvoicePayments(
      invoicePaymentPaidEvent({ invoiceId: 'in_basil', paymentIntent: 'pi_3Basil', amount: 48_000 }).data
        .object,
    );
    w().harness.post(
      chargeSucceededEvent({ chargeId: 'ch_3Basil', paymentIntent: 'pi_3Basil', amount: 48_000 }),
    );
    expect(exceptions()).toEqual([]);
    expect(w().harness.ledgerRow('in_basil')).toMatchObject({
      'Payment Status': 'paid',
      'Stripe Payment ID': 'pi_3Basil',
    });
  });
});

describe('fees and a payout', () => {
  /** Two tuition payments by card, each charge with its balance transaction, paid out together. */
  function twoPayments(stripe: StripeDouble) {
    const payments = [
      { invoiceId: 'in_ana', pi: 'pi_3Ana', ch: 'ch_3Ana', txn: 'txn_3Ana', amount: 48_000, fee: 1422 },
      { invoiceId: 'in_ben', pi: 'pi_3Ben', ch: 'ch_3Ben', txn: 'txn_3Ben', amount: 25_050, fee: 756 },
    ];
    const amount = payments.reduce((sum, p) => sum + p.amount - p.fee, 0);
    const payout = payoutObject({
      payoutId: 'po_3Week',
      amount,
      status: 'paid',
      created: NOW - DAY,
      arrivalDate: NOW - DAY,
    });
    for (const p of payments) {
      const charge = chargeSucceededEvent({
        chargeId: p.ch,
        paymentIntent: p.pi,
        amount: p.amount,
        balanceTransaction: p.txn,
        created: NOW - 3 * DAY,
      }).data.object;
      stripe.addCharges(charge);
      stripe.addBalanceTransactions(
        balanceTransaction({
          id: p.txn,
          amount: p.amount,
          fee: p.fee,
          source: p.ch,
          payout: 'po_3Week',
          created: NOW - 3 * DAY,
        }),
      );
    }
    stripe.addBalanceTransactions(
      balanceTransaction({ type: 'payout', amount: -amount, fee: 0, source: 'po_3Week', payout: 'po_3Week' }),
    );
    stripe.addPayouts(payout);
    return { payments, payout, amount };
  }

  it('each payment’s fee is read in one expanded request as it lands; sync reconciles the payout to the cent', () => {
    world = syncWorld([
      { invoiceId: 'in_ana', expected: 480, currency: 'USD' },
      { invoiceId: 'in_ben', expected: 250.5, currency: 'USD' },
    ]);
    const { payments, amount } = twoPayments(w().stripe);
    for (const p of payments) {
      const event = invoicePaymentPaidEvent({
        invoiceId: p.invoiceId,
        paymentIntent: p.pi,
        amount: p.amount,
        created: NOW - 3 * DAY,
      });
      const requests = stripeRequests(() => w().harness.post(event));
      expect(requests).toEqual([
        `/v1/charges?payment_intent=${p.pi}&limit=10&expand[]=data.balance_transaction`,
      ]);
    }
    expect(w().harness.ledgerRow('in_ana')).toMatchObject({
      'Stripe Fee': 14.22,
      'Net Amount': 465.78,
      'Payout ID': '',
    });

    const paidOut = payoutEvent('payout.paid', {
      payoutId: 'po_3Week',
      amount,
      created: NOW - DAY,
      arrivalDate: NOW - DAY,
    });
    expect(w().harness.post(paidOut).result).toBe('processed');
    const beforeSync = w().harness.records('Payouts')[0];
    expect(beforeSync).toMatchObject({
      'Payout ID': 'po_3Week',
      Status: 'paid',
      Amount: 708.72,
      Payments: '',
    });

    const requests = stripeRequests(() => runSync());
    expect(requests.filter((r) => r.startsWith('/v1/balance_transactions'))).toEqual([
      '/v1/balance_transactions?payout=po_3Week&limit=100&expand[]=data.source',
    ]);
    const row = w().harness.records('Payouts')[0] ?? {};
    expect(row).toMatchObject({
      'Payout ID': 'po_3Week',
      Currency: 'USD',
      Status: 'paid',
      Payments: 2,
      Gross: 730.5,
      Fees: 21.78,
      Refunds: 0,
      Net: 708.72,
      Amount: 708.72,
    });
    const cents = (v: unknown) => Math.round(Number(v) * 100);
    expect(cents(row.Gross) - cents(row.Fees) - cents(row.Refunds)).toBe(cents(row.Net));
    expect(cents(row.Net)).toBe(cents(row.Amount));
    for (const id of ['in_ana', 'in_ben']) expect(w().harness.ledgerRow(id)['Payout ID']).toBe('po_3Week');
    // Reconciled once: the next run reads no balance transaction.
    expect(stripeRequests(() => runSync()).filter((r) => r.startsWith('/v1/balance_transactions'))).toEqual(
      [],
    );
  });

  it('a failed payout opens PAYOUT_FAILED with its amount and no invoice', () => {
    world = syncWorld([]);
    const failed = payoutEvent('payout.failed', {
      payoutId: 'po_3Bounce',
      amount: 70_872,
      failureCode: 'no_account',
      failureMessage: 'The bank account could not be located.',
    });
    expect(w().harness.post(failed).result).toBe('processed');
    expect(exceptions()).toEqual([
      expect.objectContaining({
        Reason: 'PAYOUT_FAILED',
        'Stripe Invoice ID': '',
        Amount: 708.72,
        Currency: 'USD',
        Status: 'open',
      }),
    ]);
    expect(String(exceptions()[0]?.Note)).toContain('no_account');
  });
});
