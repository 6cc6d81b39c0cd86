// The first run (issue 11): Set up ledger on a spreadsheet whose Ledger lists no invoice offers to start it from
// Stripe, and says what the Ledger must hold when there is no key to do so.

import { afterEach, describe, expect, it } from 'vitest';
import { createGasFakes, type GasFakes } from '../../fakes/gas';
import { DOUBLE_SECRET_KEY, StripeDouble } from '../../fakes/stripe-double';
import { setupLedgerFromMenu } from '../../src/gas/menu';
import { invoiceEvent } from '../fixtures/events';

let fakes: GasFakes | null = null;
afterEach(() => {
  fakes?.uninstall();
  fakes = null;
});

function spreadsheetWithStripe(stripe: StripeDouble, key: string | null): GasFakes {
  fakes = createGasFakes({ fetch: stripe.handler });
  fakes.install();
  if (key) fakes.properties.script.set('STRIPE_API_KEY', key);
  return fakes;
}

describe('Set up ledger on a spreadsheet with no invoice in its Ledger', () => {
  it('starts the Ledger from Stripe’s open and recent invoices when asked, with statuses filled in', () => {
    const stripe = new StripeDouble();
    const now = Math.floor(Date.now() / 1000);
    stripe.addInvoices(
      {
        ...invoiceEvent('invoice.finalized', {
          invoiceId: 'in_open1',
          amountDue: 45_000,
          customerName: 'Chloé Martin',
          created: now - 86_400,
        }).data.object,
        customer_email: 'chloe@example.fr',
      },
      {
        ...invoiceEvent('invoice.paid', {
          invoiceId: 'in_paid1',
          amountDue: 30_000,
          amountPaid: 30_000,
          customerName: '=HYPERLINK("x")',
          created: now - 5 * 86_400,
        }).data.object,
      },
    );
    const f = spreadsheetWithStripe(stripe, DOUBLE_SECRET_KEY);
    setupLedgerFromMenu();

    expect(f.ui.alerts.map((a) => a.prompt)).toContainEqual(
      expect.stringMatching(/lists no invoice yet\. Start it from Stripe/),
    );
    const [header = [], ...rows] = f.spreadsheet.sheetValues('Ledger');
    const at = (row: unknown[], name: string) => row[header.indexOf(name)];
    const byId = new Map(rows.map((row) => [String(at(row, 'Stripe Invoice ID')), row]));
    expect(at(byId.get('in_open1') ?? [], 'Customer')).toBe('Chloé Martin');
    expect(at(byId.get('in_open1') ?? [], 'Customer Email')).toBe('chloe@example.fr');
    expect(at(byId.get('in_open1') ?? [], 'Expected Amount')).toBe(450);
    expect(at(byId.get('in_open1') ?? [], 'Payment Status')).toBe('open');
    expect(at(byId.get('in_paid1') ?? [], 'Payment Status')).toBe('paid');
    // A customer name that looks like a formula stays text.
    expect(at(byId.get('in_paid1') ?? [], 'Customer')).toBe('=HYPERLINK("x")');
    expect(f.spreadsheet.formulas('Ledger').flat().filter(Boolean)).toEqual([]);
    expect(f.ui.alerts.at(-1)?.prompt).toMatch(/Started the Ledger with 2 invoice\(s\) from Stripe/);
  });

  it('says what the Ledger must hold when no key is set', () => {
    const f = spreadsheetWithStripe(new StripeDouble(), null);
    setupLedgerFromMenu();
    expect(f.ui.alerts.at(-1)?.prompt).toMatch(
      /add one row per invoice you expect to be paid, with its id \(in_…\) under "Stripe Invoice ID"/,
    );
  });

  it('leaves the Ledger empty when the owner says no', () => {
    const f = spreadsheetWithStripe(new StripeDouble(), DOUBLE_SECRET_KEY);
    f.ui.answers.push({ button: 'OK' }, { button: 'NO' });
    setupLedgerFromMenu();
    expect(f.spreadsheet.sheetValues('Ledger').length).toBeLessThanOrEqual(1);
  });
});
