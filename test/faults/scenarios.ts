// The deliveries and the sync the fault-injection test breaks, each from a prepared state: the ledger set up, and
// the events that came before already applied without faults. Stripe-shaped events (API version basil).

import { StripeDouble } from '../../fakes/stripe-double';
import {
  balanceTransaction,
  chargeRefundedEvent,
  chargeSucceededEvent,
  checkoutSessionCompletedEvent,
  disputeEvent,
  FIXTURE_TIME,
  invoiceEvent,
  invoicePaymentPaidEvent,
  type JsonObject,
  paymentIntentSucceededEvent,
  payoutEvent,
  payoutObject,
  type StripeEventJson,
  thinEvent,
} from '../fixtures/events';
import { createWorld, type LedgerSeed, setUpLedger } from './world';

export interface Prepared {
  name: string;
  kind: 'delivery' | 'sync';
  /** The sheets, properties and cache after set-up and the earlier events. */
  snapshot: string;
  /** Stripe as the scenario needs it: it only reads, so every run shares one double. */
  stripe(): StripeDouble;
  /** A delivery: its raw body, as Stripe sends it (redelivered byte for byte with a fresh signature). */
  body: string;
  /** Every event the scenario delivers or syncs: each must end with one applied row in the log. */
  eventIds: string[];
  /** A sync: its events in Stripe-time order, and the ledger invoice each one changes (null: none). */
  events: StripeEventJson[];
  invoiceOf: Map<string, string | null>;
  /** Per ledger invoice, events the sync itself logs that change its row (a payout's reconciliation). */
  alsoChangedBy: Map<string, string[]>;
}

export interface ScenarioSpec {
  name: string;
  seeds: LedgerSeed[];
  /** Delivered, fault-free and in this order, before the one under test. */
  before: StripeEventJson[];
  /** The delivery under test; absent for the sync. */
  delivery?: StripeEventJson | JsonObject;
  /** The events the delivery is logged as, when not its own id (a thin event's snapshot event). */
  eventIds?: string[];
  /** Events `syncStripe()` finds at Stripe. */
  synced?: StripeEventJson[];
  invoiceOf?: Map<string, string | null>;
  alsoChangedBy?: Map<string, string[]>;
  stripe?: (double: StripeDouble) => void;
}

const T = FIXTURE_TIME;

export function deliveryScenarios(): ScenarioSpec[] {
  const refundPayment = invoicePaymentPaidEvent({
    invoiceId: 'in_refund',
    amount: 3000,
    paymentIntent: 'pi_refund',
    invoicePaymentId: 'inpay_refund',
    created: T + 120,
  });
  return [
    {
      name: 'payment to a known row',
      seeds: [{ invoiceId: 'in_known', expected: 12.5, currency: 'USD' }],
      before: [
        invoiceEvent('invoice.finalized', { id: 'evt_known_f', invoiceId: 'in_known', amountDue: 1250 }),
      ],
      delivery: invoiceEvent('invoice.paid', {
        id: 'evt_known_p',
        invoiceId: 'in_known',
        amountDue: 1250,
        created: T + 120,
      }),
    },
    {
      name: 'underpayment',
      seeds: [{ invoiceId: 'in_under', expected: 500, currency: 'USD' }],
      before: [
        invoiceEvent('invoice.finalized', { id: 'evt_under_f', invoiceId: 'in_under', amountDue: 45_000 }),
      ],
      delivery: invoiceEvent('invoice.paid', {
        id: 'evt_under_p',
        invoiceId: 'in_under',
        amountDue: 45_000,
        created: T + 120,
      }),
    },
    {
      name: 'unknown invoice',
      seeds: [{ invoiceId: 'in_other', expected: 10, currency: 'USD' }],
      before: [],
      delivery: invoiceEvent('invoice.paid', {
        id: 'evt_unknown_p',
        invoiceId: 'in_nowhere',
        amountDue: 7700,
        created: T + 120,
      }),
    },
    {
      name: 'basil invoice_payment.paid',
      seeds: [{ invoiceId: 'in_inpay', expected: 20, currency: 'USD' }],
      before: [
        invoiceEvent('invoice.finalized', { id: 'evt_inpay_f', invoiceId: 'in_inpay', amountDue: 2000 }),
      ],
      delivery: invoicePaymentPaidEvent({
        id: 'evt_inpay_p',
        invoiceId: 'in_inpay',
        amount: 2000,
        paymentIntent: 'pi_inpay',
        invoicePaymentId: 'inpay_inpay',
        created: T + 120,
      }),
    },
    {
      // The row was paid by `invoice.paid` (basil: no payment intent on it), so only Stripe's invoice_payments
      // list links the refunded charge's payment intent to the invoice.
      name: 'basil refund linked through the API',
      seeds: [{ invoiceId: 'in_refund', expected: 30, currency: 'USD' }],
      before: [
        invoiceEvent('invoice.finalized', { id: 'evt_refund_f', invoiceId: 'in_refund', amountDue: 3000 }),
        invoiceEvent('invoice.paid', {
          id: 'evt_refund_p',
          invoiceId: 'in_refund',
          amountDue: 3000,
          created: T + 121,
        }),
      ],
      delivery: chargeRefundedEvent({
        id: 'evt_refund_r',
        chargeId: 'ch_refund',
        paymentIntent: 'pi_refund',
        amount: 3000,
        amountRefunded: 3000,
        created: T + 3600,
      }),
      stripe: (double) => double.addInvoicePayments(refundPayment.data.object),
    },
    {
      // Older than the row's newest event (Stripe delivers in no guaranteed order).
      name: 'late older event',
      seeds: [{ invoiceId: 'in_late', expected: 15, currency: 'USD' }],
      before: [
        invoiceEvent('invoice.finalized', { id: 'evt_late_f', invoiceId: 'in_late', amountDue: 1500 }),
        invoiceEvent('invoice.paid', {
          id: 'evt_late_p',
          invoiceId: 'in_late',
          amountDue: 1500,
          created: T + 300,
        }),
      ],
      delivery: invoiceEvent('invoice.payment_failed', {
        id: 'evt_late_x',
        invoiceId: 'in_late',
        amountDue: 1500,
        created: T + 120,
      }),
    },
    ...moneyScenarios(),
  ];
}

/** Issue 9's write paths: money without an invoice, a charge linked through Stripe, a fee, a thin event, payouts. */
function moneyScenarios(): ScenarioSpec[] {
  const snapshot = invoiceEvent('invoice.paid', {
    id: 'evt_1ThinSnap',
    invoiceId: 'in_thin',
    amountDue: 6000,
    currency: 'jpy',
    created: T + 120,
    apiVersion: 'clover',
  });
  return [
    {
      // Its charge and payment intent came first and are held; the session says no invoice exists.
      name: 'Payment Link purchase',
      seeds: [{ invoiceId: 'in_other_pl', expected: 10, currency: 'USD' }],
      before: [
        chargeSucceededEvent({ id: 'evt_pl_ch', chargeId: 'ch_pl', paymentIntent: 'pi_pl', amount: 35_000 }),
        paymentIntentSucceededEvent({
          id: 'evt_pl_pi',
          paymentIntent: 'pi_pl',
          latestCharge: 'ch_pl',
          amount: 35_000,
        }),
      ],
      delivery: checkoutSessionCompletedEvent({
        id: 'evt_pl_cs',
        paymentIntent: 'pi_pl',
        amount: 35_000,
        customerName: 'Zoë Çelik',
        created: T + 2,
      }),
    },
    {
      name: 'basil charge linked through the API',
      seeds: [{ invoiceId: 'in_chlink', expected: 480, currency: 'USD' }],
      before: [
        invoiceEvent('invoice.finalized', { id: 'evt_chl_f', invoiceId: 'in_chlink', amountDue: 48_000 }),
      ],
      delivery: chargeSucceededEvent({
        id: 'evt_chl_ch',
        chargeId: 'ch_chlink',
        paymentIntent: 'pi_chlink',
        amount: 48_000,
        created: T + 120,
      }),
      stripe: (double) =>
        double.addInvoicePayments(
          invoicePaymentPaidEvent({ invoiceId: 'in_chlink', paymentIntent: 'pi_chlink', amount: 48_000 }).data
            .object,
        ),
    },
    {
      name: 'payment with its fee',
      seeds: [{ invoiceId: 'in_fee', expected: 12.345, currency: 'KWD' }],
      before: [
        invoiceEvent('invoice.finalized', {
          id: 'evt_fee_f',
          invoiceId: 'in_fee',
          amountDue: 12_345,
          currency: 'kwd',
        }),
      ],
      delivery: invoicePaymentPaidEvent({
        id: 'evt_fee_ip',
        invoiceId: 'in_fee',
        paymentIntent: 'pi_fee',
        amount: 12_345,
        currency: 'kwd',
        created: T + 120,
      }),
      stripe: (double) => {
        double.addCharges(
          chargeSucceededEvent({
            chargeId: 'ch_fee',
            paymentIntent: 'pi_fee',
            amount: 12_345,
            currency: 'kwd',
            balanceTransaction: 'txn_fee',
          }).data.object,
        );
        double.addBalanceTransactions(
          balanceTransaction({ id: 'txn_fee', amount: 12_345, fee: 358, currency: 'kwd', source: 'ch_fee' }),
        );
      },
    },
    {
      name: 'thin v1.invoice.paid',
      seeds: [{ invoiceId: 'in_thin', expected: 6000, currency: 'JPY' }],
      before: [
        invoiceEvent('invoice.finalized', {
          id: 'evt_thin_f',
          invoiceId: 'in_thin',
          amountDue: 6000,
          currency: 'jpy',
        }),
      ],
      delivery: thinEvent('v1.invoice.paid', {
        id: 'evt_test_65ThinPaid',
        snapshotEvent: 'evt_1ThinSnap',
        relatedObject: { id: 'in_thin', type: 'invoice', url: '/v1/invoices/in_thin' },
        created: new Date((T + 120) * 1000).toISOString(),
      }),
      eventIds: ['evt_1ThinSnap'],
      stripe: (double) => double.addEvents(snapshot),
    },
    {
      name: 'payout paid',
      seeds: [],
      before: [payoutEvent('payout.created', { id: 'evt_po_c', payoutId: 'po_paid', amount: 70_872 })],
      delivery: payoutEvent('payout.paid', {
        id: 'evt_po_p',
        payoutId: 'po_paid',
        amount: 70_872,
        created: T + 86_400,
      }),
    },
    {
      name: 'payout failed',
      seeds: [],
      before: [payoutEvent('payout.paid', { id: 'evt_pf_p', payoutId: 'po_bounce', amount: 70_872 })],
      delivery: payoutEvent('payout.failed', {
        id: 'evt_pf_f',
        payoutId: 'po_bounce',
        amount: 70_872,
        created: T + 86_400,
      }),
    },
  ];
}

/**
 * About 160 events of 32 invoices for `syncStripe()`: drafts, finalisations, payments (most through
 * invoice_payment.paid, some through invoice.paid alone, two also reported by charge.succeeded), two underpayments,
 * two failures before the payment, six refunds (three linked only through Stripe's invoice_payments, one to no invoice
 * at all), two disputes, two invoices the ledger does not list, a Payment Link purchase (UNMATCHED_PAYMENT), and a
 * payout of two payments that sync reconciles from its balance transactions. Every event has its own second, so
 * Stripe-time order is one order.
 */
export function syncScenario(): ScenarioSpec {
  const events: StripeEventJson[] = [];
  const invoiceOf = new Map<string, string | null>();
  const seeds: LedgerSeed[] = [];
  const payments: ReturnType<typeof invoicePaymentPaidEvent>[] = [];
  const add = (event: StripeEventJson, invoice: string | null) => {
    events.push(event);
    invoiceOf.set(event.id, invoice);
  };
  const amountOf = (i: number) => 40_000 + i * 100;
  for (let i = 0; i < 32; i++) {
    const invoiceId = `in_s${String(i).padStart(2, '0')}`;
    const listed = i < 30;
    const at = T + i * 600;
    const amount = amountOf(i);
    const underpaid = i === 3 || i === 13;
    if (listed) seeds.push({ invoiceId, expected: (amount + (underpaid ? 5000 : 0)) / 100, currency: 'USD' });
    const on = listed ? invoiceId : null;
    const payment = invoicePaymentPaidEvent({
      id: `evt_s${i}_ip`,
      invoiceId,
      amount,
      paymentIntent: `pi_s${i}`,
      invoicePaymentId: `inpay_s${i}`,
      created: at + 120,
    });
    payments.push(payment);
    add(
      invoiceEvent('invoice.created', { id: `evt_s${i}_c`, invoiceId, amountDue: amount, created: at }),
      on,
    );
    if (i < 18)
      add(
        invoiceEvent('invoice.updated', {
          id: `evt_s${i}_u`,
          invoiceId,
          amountDue: amount,
          created: at + 30,
        }),
        on,
      );
    add(
      invoiceEvent('invoice.finalized', {
        id: `evt_s${i}_f`,
        invoiceId,
        amountDue: amount,
        created: at + 60,
      }),
      on,
    );
    if (i === 10 || i === 11)
      add(
        invoiceEvent('invoice.payment_failed', {
          id: `evt_s${i}_x`,
          invoiceId,
          amountDue: amount,
          created: at + 90,
        }),
        on,
      );
    if (i % 5 !== 4) add(payment, on);
    add(
      invoiceEvent('invoice.paid', { id: `evt_s${i}_p`, invoiceId, amountDue: amount, created: at + 121 }),
      on,
    );
  }
  const refunds: [number | null, boolean][] = [
    [0, true],
    [7, false],
    [4, true],
    [9, false],
    [14, true],
    [null, true],
  ];
  refunds.forEach(([i, full], k) => {
    const amount = i === null ? 9900 : amountOf(i);
    add(
      chargeRefundedEvent({
        id: `evt_sr${k}`,
        chargeId: `ch_sr${k}`,
        paymentIntent: i === null ? 'pi_nowhere' : `pi_s${i}`,
        amount,
        amountRefunded: full ? amount : 10_000,
        created: T + 40_000 + k * 30,
      }),
      i === null ? null : `in_s${String(i).padStart(2, '0')}`,
    );
  });
  [20, 21].forEach((i, k) => {
    add(
      disputeEvent('charge.dispute.created', {
        id: `evt_sd${k}`,
        disputeId: `dp_s${k}`,
        chargeId: `ch_sd${k}`,
        paymentIntent: `pi_s${i}`,
        amount: amountOf(i),
        created: T + 41_000 + k * 30,
      }),
      `in_s${i}`,
    );
  });
  // Two card charges reported after their invoices were paid (so each lands on its row through its payment).
  for (const i of [2, 5]) {
    add(
      chargeSucceededEvent({
        id: `evt_s${i}_zc`,
        chargeId: `ch_s${i}`,
        paymentIntent: `pi_s${i}`,
        amount: amountOf(i),
        created: T + i * 600 + 122,
      }),
      `in_s${String(i).padStart(2, '0')}`,
    );
  }
  // A Payment Link purchase: money that belongs to no invoice.
  add(
    chargeSucceededEvent({
      id: 'evt_sx_ch',
      chargeId: 'ch_sx',
      paymentIntent: 'pi_sx',
      amount: 12_000,
      created: T + 43_000,
    }),
    null,
  );
  add(
    checkoutSessionCompletedEvent({
      id: 'evt_sx_cs',
      paymentIntent: 'pi_sx',
      amount: 12_000,
      customerName: '김민준',
      created: T + 43_001,
    }),
    null,
  );
  // The payout that carried in_s00's and in_s01's payments, reconciled by sync from its balance transactions.
  const carried = [0, 1].map((i) => ({ i, fee: Math.round(amountOf(i) * 0.029) + 30 }));
  const payoutAmount = carried.reduce((sum, c) => sum + amountOf(c.i) - c.fee, 0);
  add(
    payoutEvent('payout.created', {
      id: 'evt_spo_c',
      payoutId: 'po_s',
      amount: payoutAmount,
      created: T + 44_000,
    }),
    null,
  );
  add(
    payoutEvent('payout.paid', {
      id: 'evt_spo_p',
      payoutId: 'po_s',
      amount: payoutAmount,
      created: T + 44_000 + 86_400,
    }),
    null,
  );
  events.sort((a, b) => a.created - b.created);
  return {
    name: `sync of ${events.length} events`,
    seeds,
    before: [],
    synced: events,
    invoiceOf,
    alsoChangedBy: new Map(
      carried.map(({ i }) => [`in_s${String(i).padStart(2, '0')}`, ['evt_reconcile_po_s']]),
    ),
    stripe: (double) => {
      double.addEvents(...events);
      double.addInvoicePayments(...payments.map((p) => p.data.object));
      double.addPayouts(
        payoutObject({
          payoutId: 'po_s',
          amount: payoutAmount,
          status: 'paid',
          created: T + 44_000,
          arrivalDate: T + 44_000 + 86_400,
        }),
      );
      double.addBalanceTransactions(
        ...carried.map(({ i, fee }) =>
          balanceTransaction({
            id: `txn_s${i}`,
            amount: amountOf(i),
            fee,
            source: { id: `ch_s${i}`, object: 'charge', payment_intent: `pi_s${i}` },
            payout: 'po_s',
          }),
        ),
        balanceTransaction({ type: 'payout', amount: -payoutAmount, fee: 0, source: 'po_s', payout: 'po_s' }),
      );
    },
  };
}

/** Sets up the ledger and applies the earlier events without faults: the state every run of the scenario starts from. */
export function prepare(spec: ScenarioSpec): Prepared {
  const double = new StripeDouble();
  spec.stripe?.(double);
  const stripe = () => {
    // Requests are recorded; nothing else in the double changes, and nobody here reads the record.
    double.requests.length = 0;
    return double;
  };
  const world = createWorld(stripe(), { snapshot: setUpLedger(stripe(), spec.seeds) });
  for (const event of spec.before) {
    const output = world.execute('doPost', world.webhookEvent(JSON.stringify(event, null, 2))) as {
      getContent(): string;
    };
    const answer = JSON.parse(output.getContent()) as { result: string };
    if (answer.result !== 'processed')
      throw new Error(`${spec.name}: earlier event ${event.id} answered ${answer.result}`);
    world.advance(60_000);
  }
  const synced = spec.synced ?? [];
  return {
    name: spec.name,
    kind: spec.delivery ? 'delivery' : 'sync',
    snapshot: world.snapshot(),
    stripe,
    body: spec.delivery ? JSON.stringify(spec.delivery, null, 2) : '',
    eventIds: spec.eventIds ?? (spec.delivery ? [String(spec.delivery.id)] : synced.map((e) => e.id)),
    events: synced,
    invoiceOf: spec.invoiceOf ?? new Map(),
    alsoChangedBy: spec.alsoChangedBy ?? new Map(),
  };
}
