// History beyond Stripe's 30-day event window: invoices (with their payments), refunds, disputes and payouts read from
// the list endpoints, logged as the events that describe them, and applied through the pipeline in resumable chunks.

import { afterEach, describe, expect, it } from 'vitest';
import type { StripeDouble } from '../../fakes/stripe-double';
import { importHistory, readImportCursor, runSync } from '../../src/gas/sync';
import {
  balanceTransaction,
  chargeRefundedEvent,
  disputeEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  payoutObject,
} from '../fixtures/events';
import type { LedgerSeed } from '../gas/harness';
import { ledgerCells, type SyncWorld, sheetsSnapshot, syncWorld } from './scenario';

let world: SyncWorld | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
});

const DAY = 24 * 60 * 60;
const COUNT = 2000;

interface Expected {
  status: string;
  paid: number;
  refunded: number;
  paymentId: string;
}

/** 2,000 invoices from 40 to 120 days ago: paid, open, void, uncollectible; some refunded, one disputed and lost. */
function history(stripe: StripeDouble): { seeds: LedgerSeed[]; expected: Map<string, Expected> } {
  const now = Math.floor(Date.now() / 1000);
  const seeds: LedgerSeed[] = [];
  const expected = new Map<string, Expected>();
  for (let i = 0; i < COUNT; i++) {
    const invoiceId = `in_h${String(i).padStart(4, '0')}`;
    const amount = 10_000 + (i % 50) * 100;
    const created = now - 120 * DAY + i * 3000;
    const kind = i % 10;
    const type =
      kind < 7
        ? 'invoice.paid'
        : kind === 7
          ? 'invoice.finalized'
          : kind === 8
            ? 'invoice.voided'
            : 'invoice.marked_uncollectible';
    seeds.push({ invoiceId, expected: amount / 100, currency: 'USD' });
    stripe.addInvoices(invoiceEvent(type, { invoiceId, amountDue: amount, created }).data.object);
    const status = kind < 7 ? 'paid' : kind === 7 ? 'open' : kind === 8 ? 'void' : 'uncollectible';
    const pi = `pi_h${i}`;
    expected.set(invoiceId, {
      status,
      paid: kind < 7 ? amount / 100 : 0,
      refunded: 0,
      paymentId: kind < 7 ? pi : '',
    });
    if (kind >= 7) continue;
    stripe.addInvoicePayments(
      invoicePaymentPaidEvent({
        invoiceId,
        amount,
        paymentIntent: pi,
        invoicePaymentId: `inpay_h${i}`,
        created: created + 60,
      }).data.object,
    );
    if (i % 100 === 0) {
      const refunded = i % 200 === 0 ? amount : 2_500;
      const charge = chargeRefundedEvent({
        chargeId: `ch_h${i}`,
        paymentIntent: pi,
        amount,
        amountRefunded: refunded,
        created: created + DAY,
      }).data.object;
      stripe.addCharges(charge);
      stripe.addRefunds({
        id: `re_h${i}`,
        object: 'refund',
        amount: refunded,
        charge: `ch_h${i}`,
        created: created + DAY,
        currency: 'usd',
        payment_intent: pi,
        status: 'succeeded',
      });
      expected.set(invoiceId, {
        status: refunded === amount ? 'refunded' : 'partially_refunded',
        paid: amount / 100,
        refunded: refunded / 100,
        paymentId: pi,
      });
    }
  }
  const disputed = 'in_h0003';
  stripe.addDisputes(
    disputeEvent('charge.dispute.closed', {
      disputeId: 'dp_h3',
      chargeId: 'ch_h3',
      paymentIntent: 'pi_h3',
      amount: 10_300,
      status: 'lost',
      created: now - 100 * DAY,
    }).data.object,
  );
  expected.set(disputed, { status: 'disputed', paid: 103, refunded: 0, paymentId: 'pi_h3' });
  return { seeds, expected };
}

/** A ledger of 2,000 rows (a new sheet has 1,000, so it grows first, as a school's would). */
function importWorld(): { expected: Map<string, Expected> } {
  world = syncWorld([]);
  const built = history(world.stripe);
  const sheet = world.harness.fakes.spreadsheet.getSheetByName('Ledger');
  if (!sheet) throw new Error('no Ledger');
  const header = (world.harness.fakes.spreadsheet.sheetValues('Ledger')[0] ?? []).map(String);
  sheet.insertRowsAfter(sheet.getMaxRows(), COUNT);
  const rows = built.seeds.map((seed) =>
    header.map((name) =>
      name === 'Stripe Invoice ID'
        ? `'${seed.invoiceId}`
        : name === 'Expected Amount'
          ? (seed.expected ?? '')
          : name === 'Currency'
            ? (seed.currency ?? '')
            : '',
    ),
  );
  sheet.getRange(2, 1, rows.length, header.length).setValues(rows);
  world.harness.fakes.counters.reset();
  return built;
}

describe('importing history older than the event window', () => {
  it('fills the ledger for 2,000 invoices in resumable chunks', () => {
    const { expected } = importWorld();
    if (!world) throw new Error('no world');
    const counters = world.harness.fakes.counters;
    counters.reset();
    // The first run's clock passes the budget after three chunks.
    const first = importHistory(undefined, {
      nowMs: () => ((counters.calls['SpreadsheetApp.flush'] ?? 0) >= 3 ? 10 * 60_000 : 0),
    });
    world.harness.fakes.lock.endExecution();
    expect(first.importStatus).toMatchObject({ phase: 'invoices', imported: { invoices: 300 } });

    let runs = 1;
    while (readImportCursor()?.phase !== 'done' && runs < 10) {
      runSync();
      world.harness.fakes.lock.endExecution();
      runs += 1;
    }
    expect(readImportCursor()).toMatchObject({
      phase: 'done',
      imported: { invoices: COUNT, refunds: 20, disputes: 1 },
    });

    const cells = ledgerCells(world.harness);
    const wrong = [...expected].filter(([id, want]) => {
      const got = cells[id];
      return (
        got?.['Payment Status'] !== want.status ||
        got?.['Amount Paid'] !== want.paid ||
        got?.['Amount Refunded'] !== want.refunded ||
        got?.['Stripe Payment ID'] !== want.paymentId
      );
    });
    expect(wrong.map(([id]) => id)).toEqual([]);
    const log = world.harness.records('Stripe Events');
    expect(new Set(log.map((r) => r['Event ID'])).size).toBe(log.length);
    expect(log.every((r) => r.Source === 'sync' && r.Verification === 'api')).toBe(true);
  });

  it('opens the same exceptions the events would have: REFUNDED and DISPUTED', () => {
    importWorld();
    if (!world) throw new Error('no world');
    importHistory();
    const reasons = world.harness.records('Exceptions').map((r) => `${r.Reason}:${r['Stripe Invoice ID']}`);
    expect(reasons).toContain('DISPUTED:in_h0003');
    expect(reasons.filter((r) => r.startsWith('REFUNDED:'))).toHaveLength(20);
  });

  it('changes nothing when the same history is imported again', () => {
    importWorld();
    if (!world) throw new Error('no world');
    importHistory();
    world.harness.fakes.lock.endExecution();
    const before = sheetsSnapshot(world.harness);
    importHistory();
    expect(sheetsSnapshot(world.harness)).toBe(before);
  });
});

describe('importing payouts older than the event window', () => {
  it('fills a Payouts row for each, reconciled from its balance transactions, and each ledger row’s Payout ID', () => {
    world = syncWorld([
      { invoiceId: 'in_old_a', expected: 600, currency: 'JPY' },
      { invoiceId: 'in_old_b', expected: 45_000, currency: 'JPY' },
    ]);
    const now = Math.floor(Date.now() / 1000);
    const paidAt = now - 90 * DAY;
    const payments = [
      { invoiceId: 'in_old_a', pi: 'pi_old_a', amount: 600, fee: 22 },
      { invoiceId: 'in_old_b', pi: 'pi_old_b', amount: 45_000, fee: 1620 },
    ];
    for (const p of payments) {
      world.stripe.addInvoices(
        invoiceEvent('invoice.paid', {
          invoiceId: p.invoiceId,
          amountDue: p.amount,
          currency: 'jpy',
          created: paidAt,
        }).data.object,
      );
      world.stripe.addInvoicePayments(
        invoicePaymentPaidEvent({
          invoiceId: p.invoiceId,
          paymentIntent: p.pi,
          amount: p.amount,
          currency: 'jpy',
          created: paidAt,
        }).data.object,
      );
    }
    const amount = payments.reduce((sum, p) => sum + p.amount - p.fee, 0);
    world.stripe.addPayouts(
      payoutObject({
        payoutId: 'po_old',
        amount,
        currency: 'jpy',
        status: 'paid',
        created: paidAt + 2 * DAY,
      }),
      payoutObject({
        payoutId: 'po_old_failed',
        amount: 5000,
        currency: 'jpy',
        status: 'failed',
        created: paidAt + 9 * DAY,
      }),
    );
    world.stripe.addBalanceTransactions(
      ...payments.map((p) =>
        balanceTransaction({
          amount: p.amount,
          fee: p.fee,
          currency: 'jpy',
          source: { id: `ch_${p.pi.slice(3)}`, object: 'charge', payment_intent: p.pi },
          payout: 'po_old',
        }),
      ),
    );
    importHistory();
    expect(readImportCursor()).toMatchObject({ phase: 'done', imported: { payouts: 2 } });
    const payouts = world.harness.records('Payouts');
    expect(payouts.find((p) => p['Payout ID'] === 'po_old')).toMatchObject({
      Status: 'paid',
      Currency: 'JPY',
      Amount: amount,
      Payments: 2,
      Gross: 45_600,
      Fees: 1642,
      Refunds: 0,
      Net: amount,
    });
    expect(payouts.find((p) => p['Payout ID'] === 'po_old_failed')).toMatchObject({ Status: 'failed' });
    expect(world.harness.records('Exceptions').map((e) => e.Reason)).toEqual(['PAYOUT_FAILED']);
    expect(world.harness.ledgerRow('in_old_b')).toMatchObject({
      'Payout ID': 'po_old',
      'Stripe Fee': 1620,
      'Net Amount': 43_380,
    });
  });
});
