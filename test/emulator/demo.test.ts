// `npm run demo`'s scenario against a fresh emulator: rows turn paid, the expected exceptions open, and a second run
// changes nothing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStep, runDemoScenario } from '../../scripts/emulator/demo-scenario';
import { DEMO_WEBHOOK_SECRET } from '../../scripts/emulator/runtime';
import { type Emulator, startEmulator } from '../../scripts/emulator/server';
import { records } from './html-tables';

let emulator: Emulator;
let dir: string;
let steps: DemoStep[];
let ledger: Map<string, Record<string, string>>;
let exceptions: Record<string, string>[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-demo-'));
  emulator = await startEmulator({ port: 0, dir });
  steps = await runDemoScenario({ url: emulator.url, secret: DEMO_WEBHOOK_SECRET });
  const html = await (await fetch(`${emulator.url}/`)).text();
  ledger = new Map(records(html, 'Ledger').map((r) => [r['Stripe Invoice ID'] ?? '', r]));
  exceptions = records(html, 'Exceptions');
});

afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (invoiceId: string): Record<string, string> => ledger.get(invoiceId) ?? {};

describe('the demo scenario', () => {
  it('is answered 200 throughout except the forged delivery, which is 400', () => {
    expect(steps.map((s) => s.status)).toEqual([...Array(steps.length - 1).fill(200), 400]);
  });

  it('answers the retry of an already applied event duplicate', () => {
    expect(steps[1]).toMatchObject({ result: 'duplicate', eventId: steps[0]?.eventId });
  });

  it('turns card and invoice-payment rows paid in USD, JPY and EUR', () => {
    expect(row('in_demo_zoe_autumn')).toMatchObject({ 'Payment Status': 'paid', 'Amount Paid': '1,250.50' });
    expect(row('in_demo_yamada')).toMatchObject({ 'Payment Status': 'paid', 'Amount Paid': '60,000' });
    expect(row('in_demo_amelie')).toMatchObject({ 'Payment Status': 'paid', 'Amount Paid': '350.00' });
  });

  it('keeps the out-of-order pair paid: the late, older finalized event changes nothing', () => {
    expect(steps[4]?.message).toMatch(/superseded/);
    expect(row('in_demo_soren_1')).toMatchObject({
      'Payment Status': 'paid',
      'Last Stripe Event': 'evt_demo_03_soren_paid',
    });
  });

  it('marks the partial payment partially_paid, the refund partially_refunded and the ACH debit processing', () => {
    expect(row('in_demo_jose_1')).toMatchObject({
      'Payment Status': 'partially_paid',
      'Amount Paid': '400.00',
    });
    expect(row('in_demo_ngozi')).toMatchObject({
      'Payment Status': 'partially_refunded',
      'Amount Refunded': '120.00',
    });
    expect(row('in_demo_lukasz')['Payment Status']).toBe('processing');
  });

  it('leaves the rows nobody paid untouched, including the one the forged delivery named', () => {
    for (const id of ['in_demo_soren_2', 'in_demo_jose_2', 'in_demo_chloe', 'in_demo_omer_1']) {
      expect(row(id)['Payment Status']).toBe('');
    }
  });

  it('opens UNKNOWN_INVOICE (twice: a walk-in, and a row typed without its invoice id), UNDERPAID and REFUNDED, and nothing else', () => {
    const open = exceptions
      .filter((e) => e.Status === 'open')
      .map((e) => `${e.Reason} ${e['Stripe Invoice ID']}`)
      .sort();
    expect(open).toEqual([
      'REFUNDED in_demo_ngozi',
      'UNDERPAID in_demo_jose_1',
      'UNKNOWN_INVOICE in_demo_omer_2',
      'UNKNOWN_INVOICE in_demo_walk_in',
    ]);
    expect(exceptions).toHaveLength(4);
  });

  it('changes nothing when run a second time: every applied event answers duplicate', async () => {
    const again = await runDemoScenario({ url: emulator.url, secret: DEMO_WEBHOOK_SECRET });
    expect(again.filter((s) => s.status === 200).every((s) => s.result === 'duplicate')).toBe(true);
    const html = await (await fetch(`${emulator.url}/`)).text();
    expect(records(html, 'Ledger')).toEqual([...ledger.values()]);
  });
});
