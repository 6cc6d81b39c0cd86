// Stripe delivers at least once and in no guaranteed order: the ledger must end the same whatever the order.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide';
import type { InvoiceFact, StripeFact } from '../../src/core/facts';
import type { LedgerRowView, MaintainedValues } from '../../src/core/ledger-row';
import { emptyState, mergeFact, serialiseState } from '../../src/core/merge';
import type { InvoiceState } from '../../src/core/state';

const INVOICE = 'in_1Pgc6tB7WZ01zgkWu9fdqL6I';
const T0 = 1_767_225_600;

/** One step of an invoice's history, before event ids and currency are attached. */
type Step =
  | {
      kind: 'invoice';
      trigger: InvoiceFact['trigger'];
      status: InvoiceFact['status'];
      paid: number;
      paidAt: boolean;
    }
  | { kind: 'payment'; n: number; minor: number; foreign: boolean }
  | { kind: 'processing'; n: number }
  | { kind: 'refund'; n: number; minor: number }
  | { kind: 'dispute'; n: number; phase: 'created' | 'closed'; outcome: string };

interface History {
  currency: string;
  due: number;
  expected: number | null;
  rowCurrency: boolean;
  facts: StripeFact[];
}

const invoiceSteps: [InvoiceFact['trigger'], InvoiceFact['status']][] = [
  ['created', 'draft'],
  ['updated', 'draft'],
  ['finalized', 'open'],
  ['updated', 'open'],
  ['payment_failed', 'open'],
  ['paid', 'paid'],
  ['payment_succeeded', 'paid'],
  ['voided', 'void'],
  ['marked_uncollectible', 'uncollectible'],
];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({
      kind: fc.constant('invoice' as const),
      lifecycle: fc.constantFrom(...invoiceSteps),
      paid: fc.integer({ min: 0, max: 3 }),
      paidAt: fc.boolean(),
    })
    .map(({ lifecycle: [trigger, status], ...rest }) => ({ ...rest, trigger, status })),
  fc.record({
    kind: fc.constant('payment' as const),
    n: fc.integer({ min: 0, max: 2 }),
    minor: fc.integer({ min: 1, max: 3 }),
    // Now and then a payment in another currency, so the row's currency cannot depend on arrival order either.
    foreign: fc.integer({ min: 0, max: 4 }).map((roll) => roll === 0),
  }),
  fc.record({ kind: fc.constant('processing' as const), n: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    kind: fc.constant('refund' as const),
    n: fc.integer({ min: 0, max: 1 }),
    minor: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('dispute' as const),
    n: fc.integer({ min: 0, max: 1 }),
    phase: fc.constantFrom('created' as const, 'closed' as const),
    outcome: fc.constantFrom('won', 'lost', 'warning_closed'),
  }),
);

/**
 * Histories over a handful of payments, charges and disputes, in quarters of the amount due so that partial, full
 * and over-payments all occur; `created` from a 4-second window so that ties are common.
 */
const historyArb: fc.Arbitrary<History> = fc
  .record({
    currency: fc.constantFrom('USD', 'JPY', 'KWD'),
    quarter: fc.integer({ min: 1, max: 50_000 }),
    expectedQuarters: fc.option(fc.integer({ min: 1, max: 6 })),
    rowCurrency: fc.boolean(),
    steps: fc.array(fc.tuple(stepArb, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 8 }),
  })
  .map(({ currency, quarter, expectedQuarters, rowCurrency, steps }) => {
    const due = quarter * 4;
    const divisor = currency === 'JPY' ? 1 : currency === 'KWD' ? 1000 : 100;
    const facts = steps.map(([step, dt], index) =>
      toFact(step, `evt_${String(index).padStart(2, '0')}`, T0 + dt, currency, due, quarter),
    );
    const expected = expectedQuarters === null ? null : (expectedQuarters * quarter) / divisor;
    return { currency, due, expected, rowCurrency, facts };
  });

function toFact(
  step: Step,
  eventId: string,
  created: number,
  currency: string,
  due: number,
  quarter: number,
): StripeFact {
  const base = { eventId, created, invoiceId: INVOICE, chargeId: null };
  const money = (minor: number) => ({ minor, currency });
  switch (step.kind) {
    case 'invoice':
      return {
        ...base,
        kind: 'invoice',
        eventType: `invoice.${step.trigger}`,
        paymentId: step.trigger === 'paid' && step.paid > 0 ? `pi_3Legacy${step.paid}` : null,
        trigger: step.trigger,
        status: step.status,
        amountDue: money(due),
        amountPaid: money(step.status === 'paid' ? step.paid * quarter : 0),
        paidAt: step.status === 'paid' && step.paidAt ? T0 + 2 : null,
        customerName: 'Ada Lovelace',
      };
    case 'payment':
      return {
        ...base,
        kind: 'payment',
        eventType: 'invoice_payment.paid',
        invoicePaymentId: `inpay_${step.n}`,
        paymentId: `pi_3Pay${step.n}`,
        amount: step.foreign ? { minor: step.minor * quarter, currency: 'EUR' } : money(step.minor * quarter),
        paidAt: created,
      };
    case 'processing':
      return {
        ...base,
        kind: 'processing',
        eventType: 'payment_intent.processing',
        paymentId: `pi_3Pay${step.n}`,
        amount: money(due),
        rail: 'us_bank_account',
      };
    case 'refund':
      return {
        ...base,
        kind: 'refund',
        eventType: 'charge.refunded',
        paymentId: `pi_3Pay${step.n}`,
        chargeId: `ch_3Pay${step.n}`,
        amountRefunded: money(step.minor * quarter),
        amountCaptured: money(4 * quarter),
      };
    case 'dispute':
      return {
        ...base,
        kind: 'dispute',
        eventType: `charge.dispute.${step.phase}`,
        paymentId: `pi_3Pay${step.n}`,
        chargeId: `ch_3Pay${step.n}`,
        disputeId: `du_${step.n}`,
        phase: step.phase,
        outcome: step.phase === 'closed' ? step.outcome : null,
        amount: money(quarter),
      };
  }
}

function blankCells(): MaintainedValues {
  return {
    'Payment Status': '',
    'Amount Paid': '',
    'Amount Refunded': '',
    'Paid At': '',
    'Stripe Payment ID': '',
    'Last Stripe Event': '',
  };
}

/** Delivers the facts one by one to a fresh row, writing each decision as the pipeline does. */
function deliver(history: History, order: StripeFact[]): { cells: MaintainedValues; state: string } {
  let row: LedgerRowView = {
    invoiceId: INVOICE,
    expectedAmount: history.expected,
    currency: history.rowCurrency ? history.currency : null,
    cells: blankCells(),
    state: null,
  };
  for (const fact of order) {
    const decision = decide(row, fact, {});
    const cells = { ...row.cells };
    for (const change of decision.changes) cells[change.field] = change.after;
    row = { ...row, cells, state: decision.state };
  }
  return { cells: row.cells, state: row.state ? serialiseState(row.state) : '' };
}

function foldState(facts: StripeFact[]): InvoiceState {
  return facts.reduce(mergeFact, emptyState(INVOICE));
}

/** The delivery order with some events delivered again at arbitrary points. */
const deliveryArb = historyArb.chain((history) =>
  fc.record({
    history: fc.constant(history),
    order: fc.shuffledSubarray(history.facts, {
      minLength: history.facts.length,
      maxLength: history.facts.length,
    }),
    repeats: fc.array(fc.tuple(fc.nat({ max: history.facts.length - 1 }), fc.nat()), { maxLength: 4 }),
  }),
);

function withRepeats(order: StripeFact[], repeats: [number, number][]): StripeFact[] {
  const result = [...order];
  for (const [which, where] of repeats) {
    const fact = order[which];
    if (fact) result.splice(where % (result.length + 1), 0, fact);
  }
  return result;
}

describe('delivery order', () => {
  it('does not change the merged state, whatever the order and repeats', () => {
    fc.assert(
      fc.property(deliveryArb, ({ history, order, repeats }) => {
        expect(foldState(withRepeats(order, repeats))).toEqual(foldState(history.facts));
      }),
      { numRuns: 500 },
    );
  });

  it('does not change the maintained cells or the stored state, whatever the order and repeats', () => {
    fc.assert(
      fc.property(deliveryArb, ({ history, order, repeats }) => {
        const expected = deliver(history, history.facts);
        const actual = deliver(history, withRepeats(order, repeats));
        expect(actual.cells).toEqual(expected.cells);
        expect(actual.state).toBe(expected.state);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same ledger for all 120 orders of finalized, processing, paid, partial refund, dispute', () => {
    const usd = (minor: number) => ({ minor, currency: 'USD' });
    const base = { invoiceId: INVOICE, chargeId: null };
    const history: StripeFact[] = [
      {
        ...base,
        kind: 'invoice',
        eventId: 'evt_1Finalized',
        eventType: 'invoice.finalized',
        created: T0,
        paymentId: null,
        trigger: 'finalized',
        status: 'open',
        amountDue: usd(125_050),
        amountPaid: usd(0),
        paidAt: null,
        customerName: 'Ada Lovelace',
      },
      {
        ...base,
        kind: 'processing',
        eventId: 'evt_2Processing',
        eventType: 'payment_intent.processing',
        created: T0 + 60,
        paymentId: 'pi_3ACH',
        amount: usd(125_050),
        rail: 'us_bank_account',
      },
      {
        ...base,
        kind: 'invoice',
        eventId: 'evt_3Paid',
        eventType: 'invoice.paid',
        created: T0 + 4 * 86_400,
        paymentId: null,
        trigger: 'paid',
        status: 'paid',
        amountDue: usd(125_050),
        amountPaid: usd(125_050),
        paidAt: T0 + 4 * 86_400,
        customerName: 'Ada Lovelace',
      },
      {
        ...base,
        kind: 'refund',
        eventId: 'evt_4Refund',
        eventType: 'charge.refunded',
        created: T0 + 5 * 86_400,
        paymentId: 'pi_3ACH',
        chargeId: 'py_3ACH',
        amountRefunded: usd(25_050),
        amountCaptured: usd(125_050),
      },
      {
        ...base,
        kind: 'dispute',
        eventId: 'evt_5Dispute',
        eventType: 'charge.dispute.created',
        created: T0 + 6 * 86_400,
        paymentId: 'pi_3ACH',
        chargeId: 'py_3ACH',
        disputeId: 'du_3ACH',
        phase: 'created',
        outcome: null,
        amount: usd(100_000),
      },
    ];
    const row: History = {
      currency: 'USD',
      due: 125_050,
      expected: 1250.5,
      rowCurrency: true,
      facts: history,
    };
    const results = permutations(history).map((order) => deliver(row, order));
    expect(results).toHaveLength(120);
    expect(results[0]?.cells).toEqual({
      'Payment Status': 'disputed',
      'Amount Paid': 1250.5,
      'Amount Refunded': 250.5,
      'Paid At': new Date((T0 + 4 * 86_400) * 1000),
      'Stripe Payment ID': 'pi_3ACH',
      'Last Stripe Event': 'evt_5Dispute',
    });
    for (const result of results) expect(result).toEqual(results[0]);
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}
