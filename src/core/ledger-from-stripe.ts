// A first Ledger from Stripe's invoices, for a school that has none yet: one row per invoice, with the customer's name
// and e-mail, the amount expected and when it is due. The rows are the school's from then on: the add-on only fills
// the maintained columns.

import { minorToMajor, normaliseCurrency } from './money';

type Json = Record<string, unknown>;

/** The columns a first Ledger gets besides the add-on's own (found by header text, like every Ledger column). */
export const FIRST_LEDGER_COLUMNS = [
  'Customer',
  'Customer Email',
  'Stripe Invoice ID',
  'Expected Amount',
  'Currency',
  'Due Date',
] as const;

export type FirstLedgerColumn = (typeof FIRST_LEDGER_COLUMNS)[number];
export type FirstLedgerRow = Record<FirstLedgerColumn, string | number | Date>;

/** Invoices worth a row: money expected or received. A draft may still change, a void one expects nothing. */
const WORTH_A_ROW = new Set(['open', 'paid', 'uncollectible']);

/** One row per invoice (first seen wins), oldest first, in major units by each currency's exponent. */
export function firstLedgerRows(invoices: Json[]): FirstLedgerRow[] {
  const seen = new Set<string>();
  const rows: { created: number; row: FirstLedgerRow }[] = [];
  for (const invoice of invoices) {
    const id = typeof invoice.id === 'string' ? invoice.id : '';
    const currency = normaliseCurrency(invoice.currency);
    const due = invoice.amount_due;
    if (!id || seen.has(id) || !currency || typeof due !== 'number' || !Number.isSafeInteger(due)) continue;
    if (!WORTH_A_ROW.has(String(invoice.status))) continue;
    seen.add(id);
    const customer = isObject(invoice.customer) ? invoice.customer : {};
    rows.push({
      created: typeof invoice.created === 'number' ? invoice.created : 0,
      row: {
        Customer: text(invoice.customer_name) ?? text(customer.name) ?? '',
        'Customer Email': text(invoice.customer_email) ?? text(customer.email) ?? '',
        'Stripe Invoice ID': id,
        'Expected Amount': minorToMajor(due, currency),
        Currency: currency,
        'Due Date': typeof invoice.due_date === 'number' ? new Date(invoice.due_date * 1000) : '',
      },
    });
  }
  return rows.sort((a, b) => a.created - b.created).map((entry) => entry.row);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
