// The ledger as the review sidebar reads it, from one read of the sheet: each row with who it is (from the school's
// own columns), what it still owes, its due date, the Stripe customer a reviewer matched to it, and a fingerprint
// that says whether it is still the row the reviewer looked at.

import { LEDGER_CUSTOMER_COLUMN, LEDGER_KEY, LEDGER_STATE_COLUMN } from '../contract';
import { parseState } from '../merge';
import { minorToMajor, normaliseCurrency } from '../money';
import { isDateValue, numberOfCell, type SheetTable } from '../sheet-rows';
import { foldText } from './names';
import { findPeopleColumns, type PeopleColumns } from './people-columns';
import { rowFingerprint } from './row-fingerprint';

export interface LedgerPerson {
  /** The sheet row (2 for the first row below the header). */
  rowNumber: number;
  /** `Stripe Invoice ID`, '' when blank. */
  invoiceId: string;
  names: string[];
  emails: string[];
  due: Date | null;
  /** Upper-case, or null when the row's `Currency` is blank. */
  currency: string | null;
  /** What the row is for in total, major units: `Expected Amount`, else the invoice's `amount_due`; null unknown. */
  total: number | null;
  /** What it still owes: `total` less `Amount Paid`. */
  owed: number | null;
  status: string;
  /** The hidden `Stripe Customer`: who a reviewer matched to this row. */
  customer: string;
  /** Who the row is, folded: rows of the same person (instalments) share it. '' when the row names nobody. */
  identity: string;
  fingerprint: string;
  /** Other words of the row (plan, notes), for the reviewer's eye. */
  detail: string;
}

export interface LedgerPeople {
  columns: PeopleColumns;
  header: string[];
  rows: LedgerPerson[];
}

export function ledgerPeople(table: SheetTable): LedgerPeople {
  const header = table.header.map((cell) => String(cell ?? '').trim());
  const columns = findPeopleColumns(table);
  const at = (name: string) => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const key = at(LEDGER_KEY);
  const expected = at('Expected Amount');
  const currencyColumn = at('Currency');
  const paid = at('Amount Paid');
  const status = at('Payment Status');
  const stateColumn = at(LEDGER_STATE_COLUMN);
  const customerColumn = at(LEDGER_CUSTOMER_COLUMN);
  const people = new Set([...columns.names, ...columns.emails, ...columns.dates]);
  const detailColumns = header
    .map((name, i) => ({ name, i }))
    .filter(({ name, i }) => name !== '' && !people.has(i) && isDetail(name))
    .map(({ i }) => i);
  const rows: LedgerPerson[] = [];
  table.rows.forEach((values, i) => {
    const cell = (column: number): unknown => (column < 0 ? '' : (values[column] ?? ''));
    const text = (column: number) => {
      const value = cell(column);
      return isDateValue(value) ? value.toISOString().slice(0, 10) : String(value).trim();
    };
    const names = columns.names.map(text).filter(Boolean);
    const emails = columns.emails.map((c) => text(c).toLowerCase()).filter(Boolean);
    const invoiceId = text(key);
    if (
      names.length === 0 &&
      emails.length === 0 &&
      invoiceId === '' &&
      numberOfCell(cell(expected)) === null
    )
      return;
    const currency = normaliseCurrency(text(currencyColumn));
    const total = totalOf(numberOfCell(cell(expected)), cell(stateColumn), currency);
    const amountPaid = numberOfCell(cell(paid)) ?? 0;
    rows.push({
      rowNumber: i + 2,
      invoiceId,
      names,
      emails,
      due: columns.dates.map((c) => dateOf(cell(c))).find((d): d is Date => d !== null) ?? null,
      currency: currency ?? stateCurrency(cell(stateColumn)),
      total,
      owed: total === null ? null : Math.round((total - amountPaid) * 1000) / 1000,
      status: text(status).toLowerCase(),
      customer: text(customerColumn),
      identity: [...names, ...emails].map(foldText).join('|'),
      fingerprint: rowFingerprint(header, values),
      detail: detailColumns
        .map(text)
        .filter((value) => value !== '' && value.length <= 60)
        .join(' · '),
    });
  });
  return { columns, header, rows };
}

/** Columns worth showing beside a name: the school's words, not the add-on's bookkeeping. */
function isDetail(header: string): boolean {
  return /plan|course|class|term|programme|program|description|item|product|note/i.test(header);
}

function totalOf(expected: number | null, stateCell: unknown, currency: string | null): number | null {
  if (expected !== null) return expected;
  const state = typeof stateCell === 'string' && stateCell !== '' ? parseState(stateCell) : null;
  if (!state?.amountDue) return null;
  return minorToMajor(state.amountDue.minor, currency ?? state.currency ?? 'USD');
}

function stateCurrency(stateCell: unknown): string | null {
  const state = typeof stateCell === 'string' && stateCell !== '' ? parseState(stateCell) : null;
  return state?.currency ?? null;
}

function dateOf(value: unknown): Date | null {
  if (isDateValue(value)) return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    const date = new Date(value.trim());
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}
