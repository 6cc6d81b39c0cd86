// A school's month in Stripe events, for the sync tests: invoices drafted, finalised, paid through invoice_payments
// (basil), a few refunded or disputed (charges that name no invoice), a few failing, two invoices not in the ledger.

import type { GasFakeOptions } from '../../fakes/gas';
import { DOUBLE_SECRET_KEY, StripeDouble } from '../../fakes/stripe-double';
import { LEDGER_MAINTAINED, LEDGER_STATE_COLUMN } from '../../src/core/contract';
import {
  chargeRefundedEvent,
  disputeEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  type StripeEventJson,
} from '../fixtures/events';
import type { LedgerSeed } from '../gas/harness';
import { createHarness, type Harness } from '../gas/harness';

/** 2026-01-01T00:00:00Z. */
export const T0 = 1_767_225_600;

export interface Scenario {
  events: StripeEventJson[];
  seeds: LedgerSeed[];
}

/** 250 events over 62 invoices, oldest first; the ledger lists 60 of the invoices. */
export function schoolMonth(tag = 'a'): Scenario {
  const events: StripeEventJson[] = [];
  const seeds: LedgerSeed[] = [];
  const paymentIntents: string[] = [];
  for (let i = 0; i < 60; i++) {
    const invoiceId = `in_${tag}${String(i).padStart(3, '0')}`;
    const amount = 50_000 + i * 100;
    const at = T0 + i * 600;
    const pi = `pi_${tag}${String(i).padStart(3, '0')}`;
    paymentIntents.push(pi);
    if (i < 58) seeds.push({ invoiceId, expected: amount / 100, currency: 'USD', student: `Student ${i}` });
    events.push(
      invoiceEvent('invoice.created', { id: `evt_${tag}${i}c`, invoiceId, amountDue: amount, created: at }),
      invoiceEvent('invoice.finalized', {
        id: `evt_${tag}${i}f`,
        invoiceId,
        amountDue: amount,
        created: at + 60,
      }),
      invoicePaymentPaidEvent({
        id: `evt_${tag}${i}p`,
        invoiceId,
        amount,
        paymentIntent: pi,
        invoicePaymentId: `inpay_${tag}${i}`,
        created: at + 120,
      }),
      invoiceEvent('invoice.paid', {
        id: `evt_${tag}${i}d`,
        invoiceId,
        amountDue: amount,
        created: at + 121,
      }),
    );
  }
  for (let k = 0; k < 6; k++) {
    const i = k * 7;
    events.push(
      chargeRefundedEvent({
        id: `evt_${tag}r${k}`,
        chargeId: `ch_${tag}${i}`,
        paymentIntent: paymentIntents[i] ?? null,
        amount: 50_000 + i * 100,
        amountRefunded: k % 2 === 0 ? 50_000 + i * 100 : 10_000,
        created: T0 + 40_000 + k * 30,
      }),
    );
  }
  for (let k = 0; k < 2; k++) {
    const i = 50 + k;
    events.push(
      disputeEvent('charge.dispute.created', {
        id: `evt_${tag}x${k}`,
        disputeId: `dp_${tag}${k}`,
        chargeId: `ch_${tag}${i}`,
        paymentIntent: paymentIntents[i] ?? null,
        amount: 50_000 + i * 100,
        created: T0 + 41_000 + k * 30,
      }),
    );
  }
  for (let k = 0; k < 2; k++) {
    const invoiceId = `in_${tag}f${k}`;
    seeds.push({ invoiceId, expected: 300, currency: 'USD' });
    events.push(
      invoiceEvent('invoice.payment_failed', {
        id: `evt_${tag}pf${k}`,
        invoiceId,
        amountDue: 30_000,
        created: T0 + 42_000 + k * 30,
      }),
    );
  }
  events.sort((a, b) => a.created - b.created);
  return { events, seeds };
}

export interface SyncWorld {
  harness: Harness;
  stripe: StripeDouble;
}

/** A set-up ledger on the fakes, with the Stripe double behind UrlFetchApp and a key configured. */
export function syncWorld(
  seeds: LedgerSeed[],
  options: GasFakeOptions = {},
  stripe = new StripeDouble(),
): SyncWorld {
  const harness = createHarness(seeds, { ...options, fetch: stripe.handler });
  harness.fakes.properties.script.set('STRIPE_API_KEY', DOUBLE_SECRET_KEY);
  return { harness, stripe };
}

/** The maintained and user-visible cells of every sheet, for before/after comparisons. */
export function sheetsSnapshot(harness: Harness): string {
  const out: Record<string, unknown[][]> = {};
  for (const name of ['Ledger', 'Stripe Events', 'Exceptions', 'Audit']) {
    out[name] = harness.fakes.spreadsheet
      .sheetValues(name)
      .map((row) => row.map((cell) => (cell instanceof Date ? cell.toISOString() : cell)));
  }
  return JSON.stringify(out);
}

/** Ledger rows by invoice id, maintained columns and state only. */
export function ledgerCells(harness: Harness): Record<string, Record<string, unknown>> {
  const fields = [...LEDGER_MAINTAINED, LEDGER_STATE_COLUMN];
  const out: Record<string, Record<string, unknown>> = {};
  for (const row of harness.records('Ledger')) {
    const id = String(row['Stripe Invoice ID']);
    out[id] = Object.fromEntries(
      fields.map((f) => [f, row[f] instanceof Date ? (row[f] as Date).toISOString() : row[f]]),
    );
  }
  return out;
}
