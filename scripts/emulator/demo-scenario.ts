// The scenario `npm run demo` sends to a running emulator: signed deliveries, as Stripe would send them, against the
// demo ledger (demo-ledger.ts). Event ids are fixed, so running it again answers `duplicate` and changes nothing.

import {
  chargeRefundedEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  paymentIntentProcessingEvent,
  type StripeEventJson,
  signedDelivery,
} from '../../test/fixtures/events';

export interface DemoStep {
  label: string;
  /** Signed with a secret the emulator does not hold, on purpose: its answer must be 400. */
  forged: boolean;
  status: number;
  result: string;
  eventId: string | null;
  message: string;
}

export interface DemoOptions {
  /** The emulator, e.g. http://127.0.0.1:8787 */
  url: string;
  secret: string;
  /** Each answer as it arrives. */
  onStep?: (step: DemoStep) => void;
}

interface Delivery {
  label: string;
  event: StripeEventJson;
  /** Sign with another secret, as a forged request would be. */
  secret?: string;
}

function deliveries(nowSec: number): Delivery[] {
  const minutesAgo = (m: number): number => nowSec - m * 60;
  const zoePaid = invoiceEvent('invoice.paid', {
    id: 'evt_demo_01_zoe_paid',
    apiVersion: 'old',
    invoiceId: 'in_demo_zoe_autumn',
    amountDue: 125050,
    currency: 'usd',
    customerName: 'Zoë Ashford',
    paymentIntent: 'pi_demo_zoe',
    charge: 'ch_demo_zoe',
    created: minutesAgo(50),
  });
  return [
    { label: 'Zoë Ashford pays the autumn term, $1,250.50 (invoice.paid, API 2024-06-20)', event: zoePaid },
    { label: 'Stripe retries the same event (new signature, same event id)', event: zoePaid },
    {
      label: '山田 花子 pays ¥60,000 (invoice_payment.paid, API basil)',
      event: invoicePaymentPaidEvent({
        id: 'evt_demo_02_yamada_paid',
        invoiceId: 'in_demo_yamada',
        invoicePaymentId: 'inpay_demo_yamada',
        amount: 60000,
        currency: 'jpy',
        paymentIntent: 'pi_demo_yamada',
        created: minutesAgo(45),
      }),
    },
    {
      label: 'Out of order, 1 of 2: Søren Nørgaard’s instalment 1 is paid (the newer event arrives first)',
      event: invoiceEvent('invoice.paid', {
        id: 'evt_demo_03_soren_paid',
        invoiceId: 'in_demo_soren_1',
        amountDue: 48000,
        currency: 'eur',
        customerName: 'Søren Nørgaard',
        created: minutesAgo(40),
      }),
    },
    {
      label: 'Out of order, 2 of 2: the older invoice.finalized arrives late and changes nothing',
      event: invoiceEvent('invoice.finalized', {
        id: 'evt_demo_04_soren_finalized',
        invoiceId: 'in_demo_soren_1',
        amountDue: 48000,
        currency: 'eur',
        customerName: 'Søren Nørgaard',
        created: minutesAgo(24 * 60),
      }),
    },
    {
      label: 'Amélie Dubois pays €350 (no Expected Amount: the invoice’s amount_due is what is owed)',
      event: invoiceEvent('invoice.paid', {
        id: 'evt_demo_05_amelie_paid',
        invoiceId: 'in_demo_amelie',
        amountDue: 35000,
        currency: 'eur',
        customerName: 'Amélie Dubois',
        created: minutesAgo(35),
      }),
    },
    {
      label: 'A payment for an invoice that is not in the ledger',
      event: invoiceEvent('invoice.paid', {
        id: 'evt_demo_06_unknown_paid',
        invoiceId: 'in_demo_walk_in',
        amountDue: 15000,
        currency: 'usd',
        customerName: 'Walk-in workshop',
        created: minutesAgo(30),
      }),
    },
    {
      label:
        'Ömer Yılmaz’s family pays instalment 2, $450: the ledger row was typed without its invoice id, so the ' +
        'payment waits in Exceptions (match it in the review sidebar)',
      event: invoiceEvent('invoice.paid', {
        id: 'evt_demo_12_omer_paid',
        invoiceId: 'in_demo_omer_2',
        amountDue: 45000,
        currency: 'usd',
        customer: 'cus_demo_yilmaz',
        customerName: 'Omer Yilmaz',
        customerEmail: 'yilmaz.family@mail.example',
        created: minutesAgo(28),
      }),
    },
    {
      label: 'José Álvarez pays $400 of his $900 instalment (a partial payment)',
      event: invoicePaymentPaidEvent({
        id: 'evt_demo_07_jose_partial',
        invoiceId: 'in_demo_jose_1',
        invoicePaymentId: 'inpay_demo_jose_1',
        amount: 40000,
        currency: 'usd',
        paymentIntent: 'pi_demo_jose',
        created: minutesAgo(25),
      }),
    },
    {
      label: 'Ngozi Okafor pays her exam fees, $320',
      event: invoicePaymentPaidEvent({
        id: 'evt_demo_08_ngozi_paid',
        invoiceId: 'in_demo_ngozi',
        invoicePaymentId: 'inpay_demo_ngozi',
        amount: 32000,
        currency: 'usd',
        paymentIntent: 'pi_demo_ngozi',
        created: minutesAgo(20),
      }),
    },
    {
      label: '…and $120 of it is refunded (charge.refunded, found through the Stripe Payment ID)',
      event: chargeRefundedEvent({
        id: 'evt_demo_09_ngozi_refund',
        chargeId: 'ch_demo_ngozi',
        paymentIntent: 'pi_demo_ngozi',
        amount: 32000,
        amountRefunded: 12000,
        currency: 'usd',
        customerName: 'Ngozi Okafor',
        created: minutesAgo(10),
      }),
    },
    {
      label: 'Łukasz Wiśniewski’s ACH debit starts settling (payment_intent.processing)',
      event: paymentIntentProcessingEvent({
        id: 'evt_demo_10_lukasz_processing',
        apiVersion: 'old',
        invoiceId: 'in_demo_lukasz',
        paymentIntent: 'pi_demo_lukasz',
        amount: 110000,
        currency: 'usd',
        created: minutesAgo(5),
      }),
    },
    {
      label: 'A forged delivery, signed with the wrong secret',
      event: invoiceEvent('invoice.paid', {
        id: 'evt_demo_11_forged',
        invoiceId: 'in_demo_jose_2',
        amountDue: 90000,
        currency: 'usd',
        created: minutesAgo(1),
      }),
      secret: 'whsec_demo_forger_does_not_know_the_secret',
    },
  ];
}

/** Sends the scenario in order and returns each answer (HTTP status and doPost's verdict). */
export async function runDemoScenario(options: DemoOptions): Promise<DemoStep[]> {
  const endpoint = new URL('/webhook', options.url);
  const steps: DemoStep[] = [];
  for (const delivery of deliveries(Math.floor(Date.now() / 1000))) {
    // Signed at send time, as Stripe signs each attempt anew: a retry carries a new timestamp and signature.
    const signed = signedDelivery(
      delivery.event,
      delivery.secret ?? options.secret,
      Math.floor(Date.now() / 1000),
    );
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': signed.header },
      body: signed.body,
    });
    const text = await response.text();
    let answer: Partial<Omit<DemoStep, 'label' | 'status'>> = {};
    try {
      answer = JSON.parse(text);
    } catch {
      answer = { result: 'unreadable', message: text.slice(0, 200) };
    }
    const step: DemoStep = {
      label: delivery.label,
      forged: delivery.secret !== undefined,
      status: response.status,
      result: String(answer.result ?? ''),
      eventId: answer.eventId ?? null,
      message: String(answer.message ?? ''),
    };
    steps.push(step);
    options.onStep?.(step);
  }
  return steps;
}
