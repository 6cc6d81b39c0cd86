// Given one Stripe fact and the ledger row it belongs to: the cells to change, the state to store and the exceptions
// to raise. Cells come from the merged evidence (so they do not depend on delivery order); exceptions are judged on
// the transition this fact causes, so an old event arriving late raises nothing new.

import { type ExceptionReason, LEDGER_MAINTAINED } from './contract';
import type { InvoiceFact, Money, StripeFact } from './facts';
import type {
  CellChange,
  CellValue,
  Decision,
  ExceptionDraft,
  LedgerRowView,
  MaintainedValues,
} from './ledger-row';
import { emptyState, mergeFact, serialiseState } from './merge';
import { formatMoney, majorToMinor, minorToMajor } from './money';
import type { InvoiceState } from './state';
import { type DerivedRow, deriveRow, moneyStatus, owedMinor } from './status';

export interface DecideOptions {
  /** The spreadsheet's time zone, for dates in the message. */
  timeZone?: string;
}

export function decide(row: LedgerRowView | null, fact: StripeFact, opts: DecideOptions = {}): Decision {
  if (row === null) return unknownInvoice(fact);
  const factCurrency = currencyOf(fact);
  if (row.currency !== null && row.currency !== factCurrency)
    return currencyMismatch(row, fact, factCurrency);

  const stored = row.state;
  const before = stored ?? emptyState(row.invoiceId);
  const after = mergeFact(before, fact);
  const currency = row.currency ?? after.currency ?? factCurrency;
  const expectedMinor = expectedInMinor(row.expectedAmount, currency);
  const was = deriveRow(before, expectedMinor);
  const now = deriveRow(after, expectedMinor);

  const target = cellsOf(now, currency);
  const changes: CellChange[] = LEDGER_MAINTAINED.filter(
    (field) => !sameCell(row.cells[field], target[field]),
  ).map((field) => ({ field, before: row.cells[field], after: target[field] }));

  const exceptions = new Drafts(row.invoiceId, fact.eventId);
  judgePayment(exceptions, { fact, before, after, was, now, expectedMinor, currency });
  judgeFailure(exceptions, fact, after, now, expectedMinor);
  judgeRefund(exceptions, fact, row.invoiceId, was, now);
  judgeDispute(exceptions, fact, row.invoiceId, before, after);
  judgeLifecycleConflict(exceptions, fact, before, after, now, currency);
  judgeHandEdit(exceptions, row, stored, expectedMinor, now);
  judgeBilling(exceptions, fact, after, expectedMinor, row.currency);

  const state = stored !== null && serialiseState(stored) === serialiseState(after) ? stored : after;
  const drafts = exceptions.list();
  const olderThanState = stored?.last != null && fact.created < stored.last.at;
  const superseded = olderThanState && changes.length === 0 && drafts.length === 0;
  const message = superseded
    ? `${fact.eventId} (${fact.eventType}) is older than ${row.invoiceId}'s newest event ${stored?.last?.eventId}: superseded, ledger unchanged.`
    : describeChanges(row.invoiceId, now.status, changes, drafts, currency, fact.eventId, opts.timeZone);
  return { state, changes, exceptions: drafts, superseded, message };
}

interface Transition {
  fact: StripeFact;
  before: InvoiceState;
  after: InvoiceState;
  was: DerivedRow;
  now: DerivedRow;
  expectedMinor: number | null;
  currency: string;
}

/** Collects drafts, one per reason: a second cause of the same reason in one event joins the first one's note. */
class Drafts {
  private readonly byReason = new Map<ExceptionReason, ExceptionDraft>();

  constructor(
    private readonly invoiceKey: string,
    private readonly eventId: string,
  ) {}

  add(reason: ExceptionReason, money: Money | null, note: string): void {
    const existing = this.byReason.get(reason);
    if (existing) {
      existing.note = `${existing.note.replace(/\.$/, '')}; also: ${note}`;
      return;
    }
    this.byReason.set(reason, {
      reason,
      invoiceKey: this.invoiceKey,
      eventId: this.eventId,
      amount: money ? minorToMajor(money.minor, money.currency) : null,
      currency: money ? money.currency : null,
      note,
    });
  }

  list(): ExceptionDraft[] {
    return [...this.byReason.values()];
  }
}

function judgePayment(drafts: Drafts, t: Transition): void {
  const { fact, before, after, was, now, expectedMinor, currency } = t;
  const payment = paymentMoney(fact);
  if (payment === null || now.amountPaidMinor <= was.amountPaidMinor) return;
  const total = money(now.amountPaidMinor, currency);

  if (after.lifecycle?.status === 'void') {
    drafts.add(
      'STATUS_CONFLICT',
      payment,
      `${formatMoney(payment)} was paid on ${after.invoiceId}, which Stripe has voided: check whether to refund or re-issue the invoice.`,
    );
  }

  const newPayments = Object.keys(after.payments).filter((id) => !(id in before.payments));
  const owed = owedMinor(before, expectedMinor) ?? owedMinor(after, expectedMinor);
  const paidByOthers = sumMinor(before.payments);
  if (newPayments.length > 0 && owed !== null && owed > 0 && paidByOthers >= owed) {
    drafts.add(
      'DUPLICATE_PAYMENT',
      payment,
      `Payment ${newPayments.join(', ')} of ${formatMoney(payment)} arrived for ${after.invoiceId}, which earlier payments had already paid in full: refund the duplicate or credit the customer.`,
    );
    return;
  }

  if (expectedMinor === null) return;
  const expected = money(expectedMinor, currency);
  if (now.amountPaidMinor < expectedMinor) {
    drafts.add(
      'UNDERPAID',
      payment,
      `${after.invoiceId} has received ${formatMoney(total)} of the ${formatMoney(expected)} expected: follow up on the balance.`,
    );
  } else if (now.amountPaidMinor > expectedMinor) {
    drafts.add(
      'OVERPAID',
      payment,
      `${after.invoiceId} has received ${formatMoney(total)}, more than the ${formatMoney(expected)} expected: refund or credit the difference.`,
    );
  }
}

function judgeFailure(
  drafts: Drafts,
  fact: StripeFact,
  after: InvoiceState,
  now: DerivedRow,
  expectedMinor: number | null,
): void {
  if (fact.kind !== 'invoice' || fact.trigger !== 'payment_failed') return;
  // Only a failure that is now the invoice's newest word counts: an old failure arriving late is history.
  if (after.lifecycle?.eventId !== fact.eventId || after.lifecycle.status !== 'payment_failed') return;
  if (moneyStatus(after, expectedMinor) === 'paid') return;
  const due = money(Math.max(fact.amountDue.minor - now.amountPaidMinor, 0), fact.amountDue.currency);
  drafts.add(
    'PAYMENT_FAILED',
    fact.amountDue.minor > 0 ? due : null,
    `A payment attempt on ${fact.invoiceId} failed: contact the customer or wait for Stripe's retry.`,
  );
}

function judgeRefund(
  drafts: Drafts,
  fact: StripeFact,
  invoiceId: string,
  was: DerivedRow,
  now: DerivedRow,
): void {
  if (fact.kind !== 'refund' || now.amountRefundedMinor <= was.amountRefundedMinor) return;
  const total = money(now.amountRefundedMinor, fact.amountRefunded.currency);
  drafts.add(
    'REFUNDED',
    fact.amountRefunded,
    `Charge ${fact.chargeId} on ${invoiceId} was refunded: ${formatMoney(total)} of its payments has now gone back to the customer.`,
  );
}

function judgeDispute(
  drafts: Drafts,
  fact: StripeFact,
  invoiceId: string,
  before: InvoiceState,
  after: InvoiceState,
): void {
  if (fact.kind !== 'dispute') return;
  const previous = before.disputes[fact.disputeId];
  const current = after.disputes[fact.disputeId];
  if (!current || current.eventId !== fact.eventId || previous?.eventId === fact.eventId) return;
  if (current.open && !previous) {
    drafts.add(
      'DISPUTED',
      fact.amount,
      `The customer disputed ${formatMoney(fact.amount)} paid on ${invoiceId} (${fact.disputeId}): submit evidence in Stripe before the deadline.`,
    );
  } else if (!current.open && current.outcome === 'lost') {
    drafts.add(
      'DISPUTED',
      fact.amount,
      `Dispute ${fact.disputeId} on ${invoiceId} was lost: ${formatMoney(fact.amount)} went back to the cardholder.`,
    );
  }
}

function judgeLifecycleConflict(
  drafts: Drafts,
  fact: StripeFact,
  before: InvoiceState,
  after: InvoiceState,
  now: DerivedRow,
  currency: string,
): void {
  if (fact.kind !== 'invoice') return;
  const status = after.lifecycle?.status;
  if (after.lifecycle?.eventId !== fact.eventId || (status !== 'void' && status !== 'uncollectible')) return;
  if (before.lifecycle?.status === status || now.amountPaidMinor <= 0) return;
  const paid = money(now.amountPaidMinor, currency);
  const verb = status === 'void' ? 'voided' : 'marked uncollectible';
  drafts.add(
    'STATUS_CONFLICT',
    paid,
    `Stripe ${verb} ${fact.invoiceId} although ${formatMoney(paid)} was paid on it: the ledger keeps the money status; check the invoice in Stripe.`,
  );
}

/** A `Payment Status` typed over by hand is overwritten with Stripe's truth, and the reviewer is told what was lost. */
function judgeHandEdit(
  drafts: Drafts,
  row: LedgerRowView,
  stored: InvoiceState | null,
  expectedMinor: number | null,
  now: DerivedRow,
): void {
  if (stored === null) return;
  const cell = row.cells['Payment Status'];
  if (sameCell(cell, now.status)) return;
  // The user may have filled `Expected Amount` since the last event: the status derived without it is not an edit.
  const derived = [deriveRow(stored, expectedMinor).status, deriveRow(stored, null).status];
  if (derived.some((status) => sameCell(cell, status))) return;
  drafts.add(
    'STATUS_CONFLICT',
    null,
    `Payment Status of ${row.invoiceId} had been changed by hand to "${show(cell)}"; Stripe's events say "${now.status}", which replaced it.`,
  );
}

function judgeBilling(
  drafts: Drafts,
  fact: StripeFact,
  after: InvoiceState,
  expectedMinor: number | null,
  rowCurrency: string | null,
): void {
  if (!isBillingEvent(fact) || after.amountDue?.eventId !== fact.eventId) return;
  const due = fact.amountDue;
  const amountDiffers = expectedMinor !== null && due.minor !== expectedMinor;
  const currencyDiffers = rowCurrency !== null && due.currency !== rowCurrency;
  if (!amountDiffers && !currencyDiffers) return;
  const expected =
    expectedMinor !== null
      ? formatMoney(money(expectedMinor, rowCurrency ?? due.currency))
      : `an amount in ${rowCurrency}`;
  drafts.add(
    'BILLING_MISMATCH',
    due,
    `Stripe bills ${formatMoney(due)} on ${fact.invoiceId} but the ledger expects ${expected}: correct the invoice or the row before it is paid.`,
  );
}

function isBillingEvent(fact: StripeFact): fact is InvoiceFact {
  if (fact.kind !== 'invoice') return false;
  if (fact.trigger === 'finalized') return true;
  return (fact.trigger === 'created' || fact.trigger === 'updated') && fact.status === 'draft';
}

function unknownInvoice(fact: StripeFact): Decision {
  const invoiceKey = fact.invoiceId ?? fact.paymentId ?? fact.chargeId ?? fact.eventId;
  const payment = representativeMoney(fact);
  const draft: ExceptionDraft = {
    reason: 'UNKNOWN_INVOICE',
    invoiceKey,
    eventId: fact.eventId,
    amount: minorToMajor(payment.minor, payment.currency),
    currency: payment.currency,
    note: `Stripe reported ${fact.eventType} for ${invoiceKey} (${formatMoney(payment)}), which matches no row of the Ledger: add the invoice or match it by hand.`,
  };
  return {
    state: null,
    changes: [],
    exceptions: [draft],
    superseded: false,
    message: `No Ledger row for ${invoiceKey}: ${fact.eventType} opened UNKNOWN_INVOICE.`,
  };
}

function currencyMismatch(row: LedgerRowView, fact: StripeFact, factCurrency: string): Decision {
  const drafts = new Drafts(row.invoiceId, fact.eventId);
  const payment = representativeMoney(fact);
  drafts.add(
    'CURRENCY_MISMATCH',
    payment,
    `Stripe reported ${formatMoney(payment)} for ${row.invoiceId} but the ledger row is in ${row.currency}: the row was left unchanged; correct the Currency or the invoice.`,
  );
  if (row.state !== null || isBillingEvent(fact)) {
    const hypothetical = mergeFact(row.state ?? emptyState(row.invoiceId), fact);
    const expectedMinor = expectedInMinor(row.expectedAmount, row.currency ?? factCurrency);
    judgeBilling(drafts, fact, hypothetical, expectedMinor, row.currency);
  }
  return {
    state: row.state,
    changes: [],
    exceptions: drafts.list(),
    superseded: false,
    message: `${row.invoiceId} not updated: ${fact.eventType} is in ${factCurrency}, the ledger row in ${row.currency}.`,
  };
}

function cellsOf(derived: DerivedRow, currency: string): MaintainedValues {
  return {
    'Payment Status': derived.status,
    'Amount Paid': minorToMajor(derived.amountPaidMinor, currency),
    'Amount Refunded': minorToMajor(derived.amountRefundedMinor, currency),
    'Paid At': derived.paidAt === null ? '' : new Date(derived.paidAt * 1000),
    'Stripe Payment ID': derived.paymentId,
    'Last Stripe Event': derived.lastEventId,
  };
}

function sameCell(a: CellValue, b: CellValue): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return a === b;
}

/** The money a payment fact moved; null for facts that move none. */
function paymentMoney(fact: StripeFact): Money | null {
  if (fact.kind === 'payment') return fact.amount;
  if (fact.kind === 'invoice' && (fact.trigger === 'paid' || fact.trigger === 'payment_succeeded')) {
    return fact.amountPaid;
  }
  return null;
}

/** The payment an exception is about, when the fact is not tied to a row's money movement. */
function representativeMoney(fact: StripeFact): Money {
  switch (fact.kind) {
    case 'invoice':
      return fact.amountPaid.minor > 0 ? fact.amountPaid : fact.amountDue;
    case 'payment':
    case 'dispute':
    case 'processing':
      return fact.amount;
    case 'refund':
      return fact.amountCaptured;
  }
}

function currencyOf(fact: StripeFact): string {
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
function expectedInMinor(expectedAmount: number | null, currency: string): number | null {
  if (expectedAmount === null) return null;
  try {
    return majorToMinor(expectedAmount, currency);
  } catch {
    return null;
  }
}

function money(minor: number, currency: string): Money {
  return { minor, currency };
}

function sumMinor(map: Record<string, { minor: number }>): number {
  return Object.values(map).reduce((total, entry) => total + entry.minor, 0);
}

function describeChanges(
  invoiceId: string,
  status: string,
  changes: CellChange[],
  drafts: ExceptionDraft[],
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
  const raised = drafts.length > 0 ? `; raised ${drafts.map((d) => d.reason).join(', ')}` : '';
  return `${invoiceId} ${status}: ${what}${raised}.`;
}

function showCell(value: CellValue, timeZone: string | undefined): string {
  if (value === '') return '(blank)';
  return value instanceof Date ? formatDate(value, timeZone) : String(value);
}

function show(value: CellValue): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function formatDate(date: Date, timeZone: string | undefined): string {
  if (!timeZone) return date.toISOString();
  try {
    // sv-SE writes ISO-like `2026-03-01 14:05`, unambiguous for any reader.
    return `${new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).format(date)} ${timeZone}`;
  } catch {
    return date.toISOString();
  }
}
