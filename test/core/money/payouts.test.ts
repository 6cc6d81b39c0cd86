// Payouts (CONTRACT.md `Payouts`, `PAYOUT_FAILED`): one row per payout kept from its events, reconciled from its
// balance transactions to the cent (Gross − Fees − Refunds = Net = Amount), and each ledger row's Payout ID, Stripe
// Fee and Net Amount.

import { describe, expect, it } from 'vitest';
import { applyChanges, recoverJournal } from '../../../src/core/apply/apply-step';
import type { Delivery } from '../../../src/core/apply/changes';
import { payoutReconciliationEvent } from '../../../src/core/sync/snapshots';
import {
  balanceTransaction,
  FIXTURE_TIME,
  invoicePaymentPaidEvent,
  type JsonObject,
  payoutEvent,
  payoutObject,
  type StripeEventJson,
} from '../../fixtures/events';
import { MemoryBooks } from '../memory-books';

const T0 = FIXTURE_TIME;

function delivery(event: StripeEventJson | JsonObject, source: 'webhook' | 'sync' = 'webhook'): Delivery {
  return {
    payload: JSON.stringify(event),
    receivedAt: new Date('2026-01-05T00:00:00Z'),
    source,
    verification: source === 'sync' ? 'api' : 'valid',
    logRow: null,
  };
}

interface Paid {
  invoiceId: string;
  pi: string;
  ch: string;
  amount: number;
  fee: number;
}

/** Two tuition payments by card, with the fees Stripe took, and the payout that carried them to the bank. */
function week(currency: string, payments: Paid[], refund = 0) {
  const books = new MemoryBooks(
    payments.map((p) => ({ invoiceId: p.invoiceId, currency: currency.toUpperCase() })),
    true,
  );
  for (const p of payments) {
    books.fees.set(p.pi, {
      kind: 'found',
      transactionId: `txn_${p.ch}`,
      amount: { minor: p.amount, currency: currency.toUpperCase() },
      fee: { minor: p.fee, currency: currency.toUpperCase() },
      net: { minor: p.amount - p.fee, currency: currency.toUpperCase() },
    });
  }
  const gross = payments.reduce((sum, p) => sum + p.amount, 0);
  const fees = payments.reduce((sum, p) => sum + p.fee, 0);
  const amount = gross - fees - refund;
  const payout = payoutObject({
    payoutId: 'po_week1',
    amount,
    currency,
    status: 'paid',
    created: T0 + 86_400,
  });
  const transactions = [
    ...payments.map((p) =>
      balanceTransaction({
        id: `txn_${p.ch}`,
        amount: p.amount,
        fee: p.fee,
        currency,
        source: { id: p.ch, object: 'charge', payment_intent: p.pi },
      }),
    ),
    ...(refund > 0
      ? [
          balanceTransaction({
            type: 'refund',
            amount: -refund,
            fee: 0,
            currency,
            source: {
              id: 're_1',
              object: 'refund',
              charge: payments[0]?.ch,
              payment_intent: payments[0]?.pi,
            },
          }),
        ]
      : []),
    balanceTransaction({ type: 'payout', amount: -amount, fee: 0, currency, source: 'po_week1' }),
  ];
  const reconciled = payoutReconciliationEvent(payout, transactions, '2025-03-31.basil') as JsonObject;
  return { books, payout, reconciled, amount };
}

function payInvoices(books: MemoryBooks, currency: string, payments: Paid[]): void {
  for (const p of payments) {
    applyChanges(books.ports(), [
      delivery(
        invoicePaymentPaidEvent({
          id: `evt_pay_${p.invoiceId}`,
          invoicePaymentId: `inpay_${p.invoiceId}`,
          invoiceId: p.invoiceId,
          paymentIntent: p.pi,
          amount: p.amount,
          currency,
          created: T0,
        }),
      ),
    ]);
  }
}

const USD: Paid[] = [
  { invoiceId: 'in_ana', pi: 'pi_ana', ch: 'ch_ana', amount: 48_000, fee: 1422 },
  { invoiceId: 'in_ben', pi: 'pi_ben', ch: 'ch_ben', amount: 25_050, fee: 756 },
];

describe('a payout of two ledger payments', () => {
  it('reconciles to the cent: Gross − Fees − Refunds = Net = Amount, and each row names the payout', () => {
    const { books, payout, reconciled } = week('usd', USD);
    payInvoices(books, 'usd', USD);
    applyChanges(books.ports(), [
      delivery(
        payoutEvent('payout.paid', {
          payoutId: 'po_week1',
          amount: payout.amount as number,
          created: T0 + 86_400,
        }),
      ),
    ]);
    applyChanges(books.ports(), [delivery(reconciled, 'sync')]);
    const cells = books.payouts[0]?.cells ?? {};
    expect(cells).toMatchObject({
      Amount: 708.72,
      Currency: 'USD',
      Status: 'paid',
      Payments: 2,
      Gross: 730.5,
      Fees: 21.78,
      Refunds: 0,
      Net: 708.72,
    });
    const [gross, fees, refunds, net] = [cells.Gross, cells.Fees, cells.Refunds, cells.Net] as number[];
    expect(Math.round(((gross ?? 0) - (fees ?? 0) - (refunds ?? 0)) * 100)).toBe(
      Math.round((net ?? 0) * 100),
    );
    expect(books.rows.map((r) => r.cells)).toEqual([
      expect.objectContaining({ 'Payout ID': 'po_week1', 'Stripe Fee': 14.22, 'Net Amount': 465.78 }),
      expect.objectContaining({ 'Payout ID': 'po_week1', 'Stripe Fee': 7.56, 'Net Amount': 242.94 }),
    ]);
  });

  it('reconciles in yen and in a three-decimal currency, a refund taken out of it counted under Refunds', () => {
    const yen: Paid[] = [
      { invoiceId: 'in_jp1', pi: 'pi_jp1', ch: 'ch_jp1', amount: 60_000, fee: 2160 },
      { invoiceId: 'in_jp2', pi: 'pi_jp2', ch: 'ch_jp2', amount: 45_000, fee: 1620 },
    ];
    const jp = week('jpy', yen, 5000);
    payInvoices(jp.books, 'jpy', yen);
    applyChanges(jp.books.ports(), [delivery(jp.reconciled, 'sync')]);
    expect(jp.books.payouts[0]?.cells).toMatchObject({
      Amount: 96_220,
      Payments: 2,
      Gross: 105_000,
      Fees: 3780,
      Refunds: 5000,
      Net: 96_220,
    });
    const dinar: Paid[] = [
      { invoiceId: 'in_kw1', pi: 'pi_kw1', ch: 'ch_kw1', amount: 12_345, fee: 358 },
      { invoiceId: 'in_kw2', pi: 'pi_kw2', ch: 'ch_kw2', amount: 7_001, fee: 203 },
    ];
    const kw = week('kwd', dinar);
    payInvoices(kw.books, 'kwd', dinar);
    applyChanges(kw.books.ports(), [delivery(kw.reconciled, 'sync')]);
    expect(kw.books.payouts[0]?.cells).toMatchObject({
      Amount: 18.785,
      Gross: 19.346,
      Fees: 0.561,
      Net: 18.785,
    });
    expect(kw.books.rows[0]?.cells).toMatchObject({
      'Stripe Fee': 0.358,
      'Net Amount': 11.987,
      'Payout ID': 'po_week1',
    });
  });

  it('gives the same Payouts row and ledger rows in any order of the payout’s events', () => {
    const events = (w: ReturnType<typeof week>): (StripeEventJson | JsonObject)[] => [
      payoutEvent('payout.created', { payoutId: 'po_week1', amount: w.amount, created: T0 + 3600 }),
      payoutEvent('payout.paid', { payoutId: 'po_week1', amount: w.amount, created: T0 + 86_400 }),
      w.reconciled,
    ];
    const reference = week('usd', USD);
    payInvoices(reference.books, 'usd', USD);
    for (const e of events(reference)) applyChanges(reference.books.ports(), [delivery(e, 'sync')]);
    for (const order of [
      [2, 1, 0],
      [1, 2, 0],
      [0, 2, 1],
    ]) {
      const other = week('usd', USD);
      payInvoices(other.books, 'usd', USD);
      const list = events(other);
      for (const i of order) applyChanges(other.books.ports(), [delivery(list[i] as JsonObject, 'sync')]);
      expect(other.books.payouts.map((p) => p.cells)).toEqual(reference.books.payouts.map((p) => p.cells));
      expect(other.books.rows.map((r) => r.cells)).toEqual(reference.books.rows.map((r) => r.cells));
    }
  });
});

describe('a failed payout', () => {
  it('opens PAYOUT_FAILED once, whatever order its events come in, with the payout’s amount', () => {
    for (const order of [
      ['payout.paid', 'payout.failed'],
      ['payout.failed', 'payout.paid'],
    ] as const) {
      const books = new MemoryBooks();
      for (const [i, type] of order.entries()) {
        const created = type === 'payout.failed' ? T0 + 2 * 86_400 : T0 + 86_400;
        applyChanges(books.ports(), [
          delivery(
            payoutEvent(type, { id: `evt_po_${type}`, payoutId: 'po_bounced', amount: 70_823, created }),
          ),
        ]);
        expect(i).toBeLessThan(2);
      }
      expect(books.exceptions.map((e) => [e.openKey, e.status, e.amount, e.currency])).toEqual([
        ['PAYOUT_FAILED:po_bounced', 'open', 708.23, 'USD'],
      ]);
      expect(books.exceptions[0]?.note).toContain('account_closed');
      expect(books.payouts[0]?.cells.Status).toBe('failed');
    }
  });
});

describe('a payout batch stopped at any write', () => {
  it('ends exactly like the run without the failure', () => {
    function run(failAt: number): MemoryBooks {
      const w = week('usd', USD);
      payInvoices(w.books, 'usd', USD);
      // Recorded (as queued rows) before being applied, as a drained burst is.
      const queued = [
        payoutEvent('payout.paid', {
          id: 'evt_po_paid',
          payoutId: 'po_week1',
          amount: w.amount,
          created: T0 + 86_400,
        }),
        w.reconciled,
      ].map((event, i) => {
        w.books.log.set(100 + i, {
          receivedAt: new Date(0),
          source: 'webhook',
          eventId: String(event.id),
          eventType: String(event.type),
          verification: 'valid',
          result: 'queued',
          message: '',
          payload: JSON.stringify(event),
        });
        return { ...delivery(event), logRow: 100 + i };
      });
      w.books.writes = 0;
      w.books.failAt = failAt;
      try {
        applyChanges(w.books.ports(), queued);
      } catch {
        // Stopped: the journal says what the batch was writing.
      }
      w.books.failAt = Number.POSITIVE_INFINITY;
      recoverJournal(w.books.ports());
      const still = [...w.books.log].filter(([, e]) => e.result === 'queued');
      if (still.length > 0)
        applyChanges(
          w.books.ports(),
          still.map(([row, e]) => ({ ...delivery(JSON.parse(e.payload)), logRow: row })),
        );
      return w.books;
    }
    const clean = run(Number.POSITIVE_INFINITY);
    expect(clean.writes).toBeGreaterThanOrEqual(4);
    for (let k = 1; k <= clean.writes; k++) {
      expect(JSON.stringify(run(k).visible()), `write ${k}`).toBe(JSON.stringify(clean.visible()));
    }
  });
});
