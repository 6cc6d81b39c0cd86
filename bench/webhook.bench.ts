// npm run bench: what one webhook event costs in Spreadsheet-service calls, cells and Stripe requests at 1k, 10k and
// 100k ledger rows, beside a naive baseline that reads the whole ledger per event (as most tutorials do), measured in
// the same run on the same fakes (a key configured, Stripe's API played by the double); and pure CPU per event against
// JSON.parse + HMAC of the same payload.
// Prints the tables; `npm run bench -- --write` also puts them into docs/PERFORMANCE.md between the BENCH markers.

import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOUBLE_SECRET_KEY, StripeDouble } from '../fakes/stripe-double';
import { decide } from '../src/core/decide';
import type { LedgerRowView } from '../src/core/ledger-row';
import { serialiseState } from '../src/core/merge';
import { normaliseEvent } from '../src/core/normalise';
import { verifyStripeSignature } from '../src/core/signature';
import { type LoadedBundle, loadBundle } from '../test/bundle/load-bundle';
import {
  chargeRefundedEvent,
  chargeSucceededEvent,
  checkoutSessionCompletedEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  payoutEvent,
  signedDelivery,
  TEST_WEBHOOK_SECRET,
  thinEvent,
} from '../test/fixtures/events';

const SIZES = [1_000, 10_000, 100_000];
const EVENTS_PER_SCENARIO = 20;
const T0 = 1_767_225_600;

interface Cost {
  maxCalls: number;
  calls: number;
  cellsRead: number;
  cellsWritten: number;
  cellsScanned: number;
  /** Stripe API requests (URL fetches) per event, most of any single event. */
  maxStripeRequests: number;
}

type Post = (body: string, header: string) => string;

function seed(bundle: LoadedBundle, rows: number): void {
  const ss = bundle.fakes.spreadsheet;
  const ledger = ss.insertSheet('Ledger');
  ledger.insertRowsAfter(ledger.getMaxRows(), rows + 1);
  const values: (string | number)[][] = [['Student', 'Stripe Invoice ID', 'Expected Amount', 'Currency']];
  for (let i = 1; i <= rows; i++) values.push([`Student ${i}`, `'${invoiceId(i)}`, 10, 'USD']);
  ledger.getRange(1, 1, values.length, 4).setValues(values);
  bundle.call('setupLedger');
  // A log as long as the ledger: the dedupe lookup runs against real history.
  const events = ss.getSheetByName('Stripe Events')!;
  events.insertRowsAfter(events.getMaxRows(), rows + 1);
  const history: (string | Date)[][] = [];
  for (let i = 1; i <= rows; i++) {
    history.push([
      new Date(T0 * 1000),
      'webhook',
      `'evt_hist${i}`,
      'invoice.finalized',
      'valid',
      'processed',
      '',
      "'{}",
    ]);
  }
  events.getRange(2, 1, rows, 8).setValues(history);
  bundle.fakes.properties.script.set('STRIPE_WEBHOOK_SECRETS', TEST_WEBHOOK_SECRET);
}

function invoiceId(i: number): string {
  return `in_bench${String(i).padStart(7, '0')}`;
}

function measure(
  bundle: LoadedBundle,
  deliveries: { body: string; header: string }[],
  post: Post,
  stripe: StripeDouble | null = null,
): Cost {
  const total: Cost = {
    maxCalls: 0,
    calls: 0,
    cellsRead: 0,
    cellsWritten: 0,
    cellsScanned: 0,
    maxStripeRequests: 0,
  };
  for (const delivery of deliveries) {
    bundle.fakes.counters.reset();
    const asked = stripe?.requests.length ?? 0;
    const answer = JSON.parse(post(delivery.body, delivery.header));
    if (!['processed', 'duplicate'].includes(answer.result))
      throw new Error(`bench event answered ${answer.result}: ${answer.message}`);
    total.maxStripeRequests = Math.max(total.maxStripeRequests, (stripe?.requests.length ?? 0) - asked);
    const c = bundle.fakes.counters;
    total.calls += c.spreadsheetCalls;
    total.maxCalls = Math.max(total.maxCalls, c.spreadsheetCalls);
    total.cellsRead += c.cellsRead;
    total.cellsWritten += c.cellsWritten;
    total.cellsScanned += c.cellsScanned;
  }
  const n = deliveries.length;
  return {
    maxStripeRequests: total.maxStripeRequests,
    maxCalls: total.maxCalls,
    calls: total.calls / n,
    cellsRead: total.cellsRead / n,
    cellsWritten: total.cellsWritten / n,
    cellsScanned: total.cellsScanned / n,
  };
}

function sign(event: object): { body: string; header: string } {
  return signedDelivery(event as never, TEST_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
}

function postTo(bundle: LoadedBundle): Post {
  return (body, header) =>
    bundle
      .call<GoogleAppsScript.Content.TextOutput>('doPost', {
        postData: { contents: body, length: body.length, type: 'application/json' },
        parameter: { stripe_signature: header },
      })
      .getContent();
}

/** The tutorial way: read the whole ledger and the whole log per event, find in JS, write the row. */
function naivePost(bundle: LoadedBundle): Post {
  const g = bundle.context as unknown as { SpreadsheetApp: GoogleAppsScript.Spreadsheet.SpreadsheetApp };
  return (body) => {
    const event = JSON.parse(body);
    const ss = g.SpreadsheetApp.getActiveSpreadsheet();
    const log = ss.getSheetByName('Stripe Events')!;
    const ids = log.getRange(1, 3, log.getLastRow(), 1).getValues();
    const seen = ids.some((r) => r[0] === event.id);
    log.appendRow([
      new Date(),
      'webhook',
      event.id,
      event.type,
      'valid',
      seen ? 'duplicate' : 'processed',
      '',
      body,
    ]);
    if (seen) return JSON.stringify({ result: 'duplicate' });
    const ledger = ss.getSheetByName('Ledger')!;
    const data = ledger.getDataRange().getValues();
    const header = data[0]!;
    const key = header.indexOf('Stripe Invoice ID');
    const index = data.findIndex((r) => r[key] === event.data.object.id);
    if (index > 0) {
      const row = data[index]!;
      row[header.indexOf('Payment Status')] = 'paid';
      row[header.indexOf('Amount Paid')] = event.data.object.amount_paid / 100;
      ledger.getRange(index + 1, 1, 1, row.length).setValues([row]);
    }
    return JSON.stringify({ result: 'processed' });
  };
}

function scenarios(rows: number, stripe: StripeDouble): Record<string, { body: string; header: string }[]> {
  const pick = (k: number) => 1 + ((k * 7919) % rows);
  const payments = Array.from({ length: EVENTS_PER_SCENARIO }, (_, k) =>
    sign(invoiceEvent('invoice.paid', { invoiceId: invoiceId(pick(k)), amountDue: 1000, created: T0 + k })),
  );
  const basil = Array.from({ length: EVENTS_PER_SCENARIO }, (_, k) => {
    const i = pick(k + 100);
    return [
      sign(
        invoicePaymentPaidEvent({
          invoiceId: invoiceId(i),
          amount: 1000,
          paymentIntent: `pi_b${i}`,
          created: T0,
        }),
      ),
      sign(
        chargeRefundedEvent({
          chargeId: `ch_b${i}`,
          paymentIntent: `pi_b${i}`,
          amount: 1000,
          created: T0 + 1,
        }),
      ),
    ];
  });
  const unknown = Array.from({ length: EVENTS_PER_SCENARIO }, (_, k) =>
    sign(invoiceEvent('invoice.paid', { invoiceId: `in_unknown${k}`, created: T0 })),
  );
  // A basil charge whose invoice only Stripe's invoice_payments names.
  const linked = Array.from({ length: EVENTS_PER_SCENARIO }, (_, k) => {
    const i = pick(k + 200);
    // Padded, so no id is a substring of another (a near match costs the finder a look at every hit).
    const pi = `pi_l${String(i).padStart(7, '0')}`;
    stripe.addInvoicePayments(
      invoicePaymentPaidEvent({ invoiceId: invoiceId(i), amount: 1000, paymentIntent: pi }).data.object,
    );
    return sign(chargeSucceededEvent({ chargeId: `ch_l${i}`, paymentIntent: pi, amount: 1000, created: T0 }));
  });
  const purchases = Array.from({ length: EVENTS_PER_SCENARIO }, (_, k) =>
    sign(checkoutSessionCompletedEvent({ paymentIntent: `pi_pl${k}`, amount: 2500, created: T0 })),
  );
  const thin = Array.from({ length: EVENTS_PER_SCENARIO }, (_, k) => {
    const i = pick(k + 300);
    const snapshot = invoiceEvent('invoice.paid', {
      invoiceId: invoiceId(i),
      amountDue: 1000,
      created: T0 + 5,
    });
    stripe.addEvents(snapshot);
    return sign(
      thinEvent('v1.invoice.paid', {
        snapshotEvent: snapshot.id,
        relatedObject: { id: invoiceId(i), type: 'invoice', url: `/v1/invoices/${invoiceId(i)}` },
      }),
    );
  });
  const payouts = Array.from({ length: EVENTS_PER_SCENARIO }, (_, k) =>
    sign(payoutEvent('payout.paid', { payoutId: `po_bench${k}`, amount: 70_872, created: T0 + k })),
  );
  return {
    'invoice.paid → existing row': payments,
    'duplicate delivery': payments,
    'invoice_payment.paid (basil) + its fee': basil.map((pair) => pair[0]!),
    'charge.refunded (basil, via payment id)': basil.map((pair) => pair[1]!),
    'unknown invoice → exception': unknown,
    'charge.succeeded (basil) → linked through Stripe': linked,
    'checkout.session.completed → UNMATCHED_PAYMENT': purchases,
    'thin v1.invoice.paid → existing row': thin,
    'payout.paid → Payouts row': payouts,
  };
}

interface Row {
  size: number;
  scenario: string;
  ours: Cost;
  naive: Cost | null;
}

function runSizes(): Row[] {
  const rows: Row[] = [];
  for (const size of SIZES) {
    const stripe = new StripeDouble();
    const ours = loadBundle({ fetch: stripe.handler });
    seed(ours, size);
    ours.fakes.properties.script.set('STRIPE_API_KEY', DOUBLE_SECRET_KEY);
    const naive = loadBundle();
    seed(naive, size);
    const plan = scenarios(size, stripe);
    for (const [name, deliveries] of Object.entries(plan)) {
      const cost = measure(ours, deliveries, postTo(ours), stripe);
      const baseline =
        name.startsWith('invoice.paid') || name.startsWith('duplicate')
          ? measure(naive, deliveries, naivePost(naive))
          : null;
      rows.push({ size, scenario: name, ours: cost, naive: baseline });
      process.stderr.write(`  measured ${size} rows: ${name}\n`);
    }
  }
  return rows;
}

function cpu(): { core: number; baseline: number } {
  const event = invoiceEvent('invoice.paid', {
    apiVersion: 'old',
    invoiceId: 'in_cpu',
    amountDue: 125050,
    customerName: 'Zoë Ñúñez 山田',
    created: T0,
  });
  const delivery = sign(event);
  const hmac = (key: string, message: string) =>
    createHmac('sha256', key).update(message, 'utf8').digest('hex');
  const row: LedgerRowView = {
    invoiceId: 'in_cpu',
    expectedAmount: 1250.5,
    currency: 'USD',
    cells: {
      'Payment Status': 'open',
      'Amount Paid': '',
      'Amount Refunded': '',
      'Paid At': '',
      'Stripe Payment ID': '',
      'Last Stripe Event': '',
    },
    state: null,
  };
  const nowSeconds = Math.floor(Date.now() / 1000);
  const t = delivery.header.match(/t=(\d+)/)![1];
  const baseline = () => {
    JSON.parse(delivery.body);
    hmac(TEST_WEBHOOK_SECRET, `${t}.${delivery.body}`);
  };
  const core = () => {
    verifyStripeSignature({
      rawBody: delivery.body,
      header: delivery.header,
      secrets: [TEST_WEBHOOK_SECRET],
      nowSeconds,
      hmac,
    });
    const normalised = normaliseEvent(JSON.parse(delivery.body));
    if (normalised.kind !== 'fact') throw new Error('bench event did not normalise');
    const decision = decide(row, normalised.fact);
    if (decision.state) serialiseState(decision.state);
  };
  // Batches of the two alternate, so that a machine busy or idle for a while weighs on both alike; medians of each.
  const batch = (fn: () => void) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 500; i++) fn();
    return Number(process.hrtime.bigint() - start) / 500 / 1000;
  };
  const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  for (let i = 0; i < 5; i++) {
    batch(core);
    batch(baseline);
  }
  const coreSamples: number[] = [];
  const baselineSamples: number[] = [];
  for (let i = 0; i < 31; i++) {
    coreSamples.push(batch(core));
    baselineSamples.push(batch(baseline));
  }
  return { core: median(coreSamples), baseline: median(baselineSamples) };
}

function fmt(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString('en-US')
    : n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function report(rows: Row[], timing: { core: number; baseline: number }): string {
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on the Apps Script fakes (node ${process.version}), ` +
      `${EVENTS_PER_SCENARIO} events per scenario, averages per event. "calls" counts every Spreadsheet-service call ` +
      '(SpreadsheetApp, Spreadsheet, Sheet, Range, TextFinder); "read"/"written" are cells transferred to/from the ' +
      'script; "scanned" is what a TextFinder examined server-side (never transferred).',
    '',
    '| ledger rows | scenario | calls (avg) | calls (max) | cells read | cells written | scanned (server) | Stripe requests (max) | naive calls | naive cells read |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${fmt(r.size)} | ${r.scenario} | ${fmt(r.ours.calls)} | ${fmt(r.ours.maxCalls)} | ${fmt(r.ours.cellsRead)} | ${fmt(r.ours.cellsWritten)} | ` +
        `${fmt(r.ours.cellsScanned)} | ${fmt(r.ours.maxStripeRequests)} | ${r.naive ? fmt(r.naive.calls) : '–'} | ${r.naive ? fmt(r.naive.cellsRead) : '–'} |`,
    );
  }
  const first = rows.find((r) => r.size === SIZES[0] && r.scenario.startsWith('invoice.paid'))!;
  const last = rows.find((r) => r.size === SIZES[SIZES.length - 1] && r.scenario.startsWith('invoice.paid'))!;
  const maxCalls = Math.max(...rows.map((r) => r.ours.maxCalls));
  const maxRequests = Math.max(...rows.map((r) => r.ours.maxStripeRequests));
  lines.push(
    '',
    `- Cells read per payment event: ${fmt(first.ours.cellsRead)} at ${fmt(SIZES[0]!)} rows, ` +
      `${fmt(last.ours.cellsRead)} at ${fmt(SIZES[SIZES.length - 1]!)} rows ` +
      `(ratio ${(last.ours.cellsRead / first.ours.cellsRead).toFixed(2)}; bound 1.5).`,
    `- Most Spreadsheet-service calls for any single event, any scenario and size: ${fmt(maxCalls)} (bound 20), ` +
      'the first event after setup included.',
    `- Most Stripe requests for any single event: ${fmt(maxRequests)} (bound 1): a thin event's fetch, an ` +
      "invoice_payments question, or a payment's fee (one expanded read), never two.",
    `- CPU per event, pure core (verify + parse + normalise + decide + serialise): ${timing.core.toFixed(1)} µs; ` +
      `JSON.parse + HMAC of the same payload: ${timing.baseline.toFixed(1)} µs; ratio ` +
      `${(timing.core / timing.baseline).toFixed(2)} (bound 3).`,
  );
  return lines.join('\n');
}

const rows = runSizes();
const timing = cpu();
const text = report(rows, timing);
console.log(text);
if (process.argv.includes('--write')) {
  const doc = join(import.meta.dirname, '..', 'docs', 'PERFORMANCE.md');
  const current = readFileSync(doc, 'utf8');
  const start = '<!-- BENCH:START -->';
  const end = '<!-- BENCH:END -->';
  writeFileSync(
    doc,
    `${current.slice(0, current.indexOf(start) + start.length)}\n${text}\n${current.slice(current.indexOf(end))}`,
  );
  console.log('\nWrote the tables into docs/PERFORMANCE.md.');
} else {
  console.log('\nPrinted only. `npm run bench -- --write` puts these tables into docs/PERFORMANCE.md.');
}
