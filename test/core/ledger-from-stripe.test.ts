import { describe, expect, it } from 'vitest';
import { firstLedgerRows } from '../../src/core/ledger-from-stripe';
import { invoiceEvent } from '../fixtures/events';

const invoice = (options: Parameters<typeof invoiceEvent>[1]) =>
  invoiceEvent('invoice.finalized', options).data.object as Record<string, unknown>;

describe('a first Ledger from Stripe’s invoices', () => {
  it('has one row per invoice with the customer, the amount in the currency’s own units and the due date', () => {
    const rows = firstLedgerRows([
      {
        ...invoice({
          invoiceId: 'in_yen',
          amountDue: 60_000,
          currency: 'jpy',
          customerName: 'Hiroshi Tanaka',
          created: 20,
        }),
        customer_email: 'h@example.jp',
        due_date: 1_767_225_600,
      },
      {
        ...invoice({
          invoiceId: 'in_kwd',
          amountDue: 12_345,
          currency: 'kwd',
          customerName: 'Zoë Ångström',
          created: 10,
        }),
        customer_email: null,
        due_date: null,
      },
    ]);
    expect(rows).toEqual([
      {
        Customer: 'Zoë Ångström',
        'Customer Email': '',
        'Stripe Invoice ID': 'in_kwd',
        'Expected Amount': 12.345,
        Currency: 'KWD',
        'Due Date': '',
      },
      {
        Customer: 'Hiroshi Tanaka',
        'Customer Email': 'h@example.jp',
        'Stripe Invoice ID': 'in_yen',
        'Expected Amount': 60_000,
        Currency: 'JPY',
        'Due Date': new Date(1_767_225_600 * 1000),
      },
    ]);
  });

  it('leaves out drafts and voided invoices, and lists an invoice seen twice once', () => {
    const open = invoice({ invoiceId: 'in_open', status: 'open' });
    const rows = firstLedgerRows([
      open,
      open,
      invoice({ invoiceId: 'in_draft', status: 'draft' }),
      invoice({ invoiceId: 'in_void', status: 'void' }),
      invoice({ invoiceId: 'in_paid', status: 'paid', amountPaid: 125_050 }),
    ]);
    expect(rows.map((row) => row['Stripe Invoice ID'])).toEqual(['in_open', 'in_paid']);
  });
});
