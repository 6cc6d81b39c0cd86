// Given one Stripe fact and the ledger row it belongs to: the merged evidence, the maintained cells it implies, and
// the exceptions that this single event raises by itself (a currency the row does not take, a hand edit it
// overwrites). Exceptions judged from the evidence (underpaid, refunded, failed, …) are the apply step's, from
// `exceptions/rules.ts`, after all of a batch's facts are merged.

import { isBillingSnapshot } from './billing';
import { LEDGER_MAINTAINED } from './contract';
import type { Money, StripeFact } from './facts';
import type { CellChange, CellValue, DerivedValues, LedgerRowView } from './ledger-row';
import { emptyState, hasSeen, mergeFact, serialiseState } from './merge';
import { formatMoney, majorToMinor, minorToMajor } from './money';
import type { InvoiceState } from './state';
import { type DerivedRow, deriveRow } from './status';
import { dateTimeInZone } from './time-zone';

export interface DecideOptions {
  /** The spreadsheet's time zone, for dates in the message. */
  timeZone?: string;
}

/** An exception a single event raises, whatever the evidence says. */
export interface EventException {
  reason: 'CURRENCY_MISMATCH' | 'STATUS_CONFLICT' | 'BILLING_MISMATCH';
  cause: string;
  money: Money | null;
  note: string;
}

export interface Decision {
  /** The state to store: the same object when nothing new was learned. */
  state: InvoiceState;
  /** Maintained cells whose value changes, in contract column order. */
  changes: CellChange[];
  eventExceptions: EventException[];
  /** The row already holds this event (its dedupe index). */
  alreadyApplied: boolean;
  /** True when the event was older than the row's newest evidence and changed nothing. */
  superseded: boolean;
  /** The currency the row's amounts are in. */
  currency: string;
  /** `Expected Amount` in minor units, or null. */
  expectedMinor: number | null;
  /** For the answer and the log: what was done, in one sentence. */
  message: string;
}

export function decide(row: LedgerRowView, fact: StripeFact, opts: DecideOptions = {}): Decision {
  const stored = row.state;
  const factCurrency = currencyOf(fact);
  if (hasSeen(stored, fact.eventId)) {
    return unchanged(
      row,
      factCurrency,
      true,
      `${fact.eventId} was applied to ${row.invoiceId} before; nothing changed.`,
    );
  }
  // A balance transaction is in the currency Stripe settled in, which may rightly differ from the invoice's.
  if (fact.kind !== 'settlement' && row.currency !== null && row.currency !== factCurrency) {
    const payment = representativeMoney(fact);
    const decision = unchanged(
      row,
      factCurrency,
      false,
      `${row.invoiceId} not updated: ${fact.eventType} is in ${factCurrency}, the ledger row in ${row.currency}.`,
    );
    decision.eventExceptions.push({
      reason: 'CURRENCY_MISMATCH',
      cause: `currency:${factCurrency}`,
      money: payment,
      note: `Stripe reported ${formatMoney(payment)} for ${row.invoiceId} but the ledger row is in ${row.currency}: the row was left unchanged; correct the Currency or the invoice.`,
    });
    if (isBillingSnapshot(fact)) {
      decision.eventExceptions.push({
        reason: 'BILLING_MISMATCH',
        cause: `billed:${fact.amountDue.minor}${fact.amountDue.currency}`,
        money: fact.amountDue,
        note: `Stripe bills ${formatMoney(fact.amountDue)} on ${row.invoiceId} but the ledger expects an amount in ${row.currency}: correct the invoice or the row before it is paid.`,
      });
    }
    return decision;
  }

  const before = stored ?? emptyState(row.invoiceId);
  const after = mergeFact(before, fact);
  const currency = row.currency ?? after.currency ?? factCurrency;
  const expectedMinor = expectedInMinor(row.expectedAmount, currency);
  const now = deriveRow(after, expectedMinor);
  const target = cellsOf(now, currency);
  // A column the sheet does not have (a ledger set up before it existed) is neither written nor audited.
  const changes: CellChange[] = LEDGER_MAINTAINED.filter(
    (field) => field in row.cells && !sameCell(row.cells[field] ?? '', target[field]),
  ).map((field) => ({ field, before: row.cells[field] ?? '', after: target[field] }));

  const eventExceptions: EventException[] = [];
  const edited = handEdit(row, stored, expectedMinor, now);
  if (edited) eventExceptions.push(edited(fact.eventId));

  const state = stored !== null && serialiseState(stored) === serialiseState(after) ? stored : after;
  const olderThanState = stored?.last != null && fact.created < stored.last.at;
  const superseded = olderThanState && changes.length === 0;
  const message = superseded
    ? `${fact.eventId} (${fact.eventType}) is older than ${row.invoiceId}'s newest event ${stored?.last?.eventId}: superseded, ledger unchanged.`
    : describeChanges(row.invoiceId, now.status, changes, currency, fact.eventId, opts.timeZone);
  return {
    state,
    changes,
    eventExceptions,
    alreadyApplied: false,
    superseded,
    currency,
    expectedMinor,
    message,
  };
}

function unchanged(
  row: LedgerRowView,
  factCurrency: string,
  alreadyApplied: boolean,
  message: string,
): Decision {
  const currency = row.currency ?? row.state?.currency ?? factCurrency;
  return {
    state: row.state ?? emptyState(row.invoiceId),
    changes: [],
    eventExceptions: [],
    alreadyApplied,
    superseded: false,
    currency,
    expectedMinor: expectedInMinor(row.expectedAmount, currency),
    message,
  };
}

/**
 * A `Payment Status` typed over by hand is overwritten with Stripe's truth, and the reviewer is told what was lost.
 * The user may have filled `Expected Amount` since the last event: the status derived without it is not an edit.
 */
function handEdit(
  row: LedgerRowView,
  stored: InvoiceState | null,
  expectedMinor: number | null,
  now: DerivedRow,
): ((eventId: string) => EventException) | null {
  if (stored === null) return null;
  const cell = row.cells['Payment Status'];
  if (sameCell(cell, now.status)) return null;
  const derived = [deriveRow(stored, expectedMinor).status, deriveRow(stored, null).status];
  if (derived.some((status) => sameCell(cell, status))) return null;
  return (eventId) => ({
    reason: 'STATUS_CONFLICT',
    cause: `edit:${eventId}`,
    money: null,
    note: `Payment Status of ${row.invoiceId} had been changed by hand to "${show(cell)}"; Stripe's events say "${now.status}", which replaced it.`,
  });
}

export function cellsOf(derived: DerivedRow, currency: string): DerivedValues {
  // Fees and net are shown in the row's currency only: a payment settled in another currency (Stripe converted it)
  // leaves them blank rather than mixing currencies in one row.
  const sameCurrency = derived.settlementCurrency === currency;
  return {
    'Payment Status': derived.status,
    'Amount Paid': minorToMajor(derived.amountPaidMinor, currency),
    'Amount Refunded': minorToMajor(derived.amountRefundedMinor, currency),
    'Paid At': derived.paidAt === null ? '' : new Date(derived.paidAt * 1000),
    'Stripe Payment ID': derived.paymentId,
    'Last Stripe Event': derived.lastEventId,
    'Stripe Fee': sameCurrency && derived.feeMinor !== null ? minorToMajor(derived.feeMinor, currency) : '',
    'Net Amount': sameCurrency && derived.netMinor !== null ? minorToMajor(derived.netMinor, currency) : '',
    'Payout ID': derived.payoutIds,
  };
}

export function sameCell(a: CellValue, b: CellValue): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return a === b;
}

/** The money an event is about, for an exception that is not tied to the row's evidence. */
export function representativeMoney(fact: StripeFact): Money {
  switch (fact.kind) {
    case 'invoice':
      return fact.amountPaid.minor > 0 ? fact.amountPaid : fact.amountDue;
    case 'payment':
    case 'dispute':
    case 'processing':
    case 'receipt':
    case 'settlement':
      return fact.amount;
    case 'refund':
      return fact.amountCaptured;
  }
}

export function currencyOf(fact: StripeFact): string {
  switch (fact.kind) {
    case 'invoice':
      return fact.amountDue.currency;
    case 'refund':
      return fact.amountRefunded.currency;
    default:
      return fact.amount.currency;
  }
}

/** A cell value the user typed; one that cannot be an amount is treated as blank rather than failing the event. */
export function expectedInMinor(expectedAmount: number | null, currency: string): number | null {
  if (expectedAmount === null) return null;
  try {
    return majorToMinor(expectedAmount, currency);
  } catch {
    return null;
  }
}

function describeChanges(
  invoiceId: string,
  status: string,
  changes: CellChange[],
  currency: string,
  eventId: string,
  timeZone: string | undefined,
): string {
  const shown = changes.filter((change) => change.field !== 'Last Stripe Event');
  const parts = shown.map((change) => {
    const unit = change.field === 'Amount Paid' || change.field === 'Amount Refunded' ? ` ${currency}` : '';
    return `${change.field} ${showCell(change.before, timeZone)} → ${showCell(change.after, timeZone)}${unit}`;
  });
  const what = parts.length > 0 ? parts.join(', ') : `no ledger value changed (${eventId} recorded)`;
  return `${invoiceId} ${status}: ${what}.`;
}

function showCell(value: CellValue, timeZone: string | undefined): string {
  if (value === '') return '(blank)';
  return value instanceof Date ? dateTimeInZone(value, timeZone) : String(value);
}

function show(value: CellValue): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
