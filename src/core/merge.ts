// Folding Stripe facts into the per-invoice evidence. Stripe delivers at least once and in no guaranteed order, so
// every field is a join: each merge keeps the greatest value under a fixed total order (or a union), which makes the
// fold commutative, associative and idempotent. Any order of the same events gives the same state, byte for byte.

import { isBillingSnapshot } from './billing';
import type { InvoiceLifecycle, StripeFact } from './facts';
import { type InvoiceState, type RaisedCause, SEEN_LIMIT, type Settlement, type Stamped } from './state';

type LifecycleStatus = InvoiceLifecycle | 'payment_failed' | 'processing';
type Lifecycle = NonNullable<InvoiceState['lifecycle']>;
type Amount = Stamped & { minor: number; paidAt?: number };
type Dispute = InvoiceState['disputes'][string];
type Billed = NonNullable<InvoiceState['billed']>;

const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = [
  'draft',
  'open',
  'payment_failed',
  'processing',
  'uncollectible',
  'void',
  'paid',
];

/**
 * Tie-break for signals stamped in the same second (Stripe often sends `invoice.finalized` and `invoice.paid`
 * together): the step further along an invoice's life wins. `paid` ranks last because money that moved outranks any
 * contradicting signal of the same second, which then surfaces as a STATUS_CONFLICT instead of hiding the payment.
 */
function lifecycleRank(status: LifecycleStatus): number {
  return LIFECYCLE_STATUSES.indexOf(status);
}

/**
 * `draft`/`open` only say the invoice awaits payment. Stripe sends `invoice.updated` (status still `open`) right
 * after `invoice.payment_failed` and during an ACH debit, so a newer `open` must not erase the failure or the
 * processing: those decisive signals outrank waiting ones whatever their time.
 */
function isDecisive(status: LifecycleStatus): boolean {
  return status !== 'draft' && status !== 'open';
}

export function emptyState(invoiceId: string): InvoiceState {
  return {
    v: 1,
    invoiceId,
    currency: null,
    lifecycle: null,
    amountDue: null,
    invoiceAmountPaid: 0,
    paidAt: null,
    payments: {},
    refunds: {},
    disputes: {},
    paymentIds: [],
    last: null,
    billed: null,
    seen: [],
  };
}

/** The state with this fact folded in; a new object, the input untouched. The fact's invoice is the caller's. */
export function mergeFact(state: InvoiceState, fact: StripeFact): InvoiceState {
  const stamp: Stamped = { at: fact.created, eventId: fact.eventId };
  const next: InvoiceState = {
    ...state,
    payments: { ...state.payments },
    refunds: { ...state.refunds },
    disputes: { ...state.disputes },
    paymentIds: [...state.paymentIds],
    // A balance transaction read for a payment is not an event of Stripe's: `Last Stripe Event` stays the event's.
    last: fact.kind === 'settlement' ? state.last : newer(state.last, copyStamp(stamp)),
    seen: withSeen(state.seen ?? [], fact.eventId, fact.created),
  };

  const moneyId = fact.paymentId ?? fact.chargeId;
  if (moneyId && !next.paymentIds.includes(moneyId)) next.paymentIds.push(moneyId);

  switch (fact.kind) {
    case 'invoice': {
      const signal: LifecycleStatus =
        fact.trigger === 'payment_failed' && fact.status === 'open' ? 'payment_failed' : fact.status;
      next.lifecycle = laterLifecycle(next.lifecycle, { ...stamp, status: signal });
      const due = { ...stamp, minor: fact.amountDue.minor };
      if (next.amountDue === null || compareStamps(due, next.amountDue) > 0) {
        next.amountDue = due;
        // The invoice's own currency follows its newest snapshot, so it cannot depend on arrival order.
        next.currency = fact.amountDue.currency;
      }
      next.invoiceAmountPaid = Math.max(next.invoiceAmountPaid, fact.amountPaid.minor);
      if (fact.paidAt !== null)
        next.paidAt = next.paidAt === null ? fact.paidAt : Math.max(next.paidAt, fact.paidAt);
      // Before `basil` the invoice names its one payment; `amount_paid` is then that payment's amount.
      if (isBillingSnapshot(fact)) {
        const billed: Billed = { ...stamp, minor: fact.amountDue.minor, currency: fact.amountDue.currency };
        if (!next.billed || compareStamps(billed, next.billed) > 0) next.billed = billed;
      }
      const settled = fact.trigger === 'paid' || fact.trigger === 'payment_succeeded';
      if (settled && fact.paymentId && fact.amountPaid.minor > 0) {
        addAmount(next.payments, fact.paymentId, { ...stamp, minor: fact.amountPaid.minor });
      }
      break;
    }
    case 'payment':
      addAmount(
        next.payments,
        fact.paymentId,
        withPaidAt({ ...stamp, minor: fact.amount.minor }, fact.paidAt),
      );
      adoptCurrency(next, fact.amount.currency);
      break;
    case 'receipt':
      if (fact.amount.minor > 0) {
        addAmount(
          next.payments,
          fact.paymentId,
          withPaidAt({ ...stamp, minor: fact.amount.minor }, fact.paidAt),
        );
        // Before basil an invoice was paid by one charge, in full: the charge that names it says it is paid.
        if (fact.settlesInvoice)
          next.lifecycle = laterLifecycle(next.lifecycle, { ...stamp, status: 'paid' });
      }
      adoptCurrency(next, fact.amount.currency);
      break;
    case 'settlement': {
      const incoming: Settlement = {
        ...stamp,
        txn: fact.transactionId,
        minor: fact.amount.minor,
        fee: fact.fee.minor,
        net: fact.net.minor,
        currency: fact.amount.currency,
        payout: fact.payoutId,
      };
      const settlements = { ...(next.settlements ?? {}) };
      const current = settlements[fact.paymentId];
      if (!current || compareSettlements(incoming, current) > 0) settlements[fact.paymentId] = incoming;
      next.settlements = settlements;
      break;
    }
    case 'refund':
      addAmount(next.refunds, fact.chargeId, { ...stamp, minor: fact.amountRefunded.minor });
      adoptCurrency(next, fact.amountRefunded.currency);
      break;
    case 'dispute': {
      const incoming: Dispute = {
        ...stamp,
        open: fact.phase === 'created',
        outcome: fact.phase === 'closed' ? fact.outcome : null,
        minor: fact.amount.minor,
      };
      const current = next.disputes[fact.disputeId];
      if (!current || compareDisputes(incoming, current) > 0) next.disputes[fact.disputeId] = incoming;
      adoptCurrency(next, fact.amount.currency);
      break;
    }
    case 'processing':
      next.lifecycle = laterLifecycle(next.lifecycle, { ...stamp, status: 'processing' });
      adoptCurrency(next, fact.amount.currency);
      break;
  }
  return canonical(next);
}

/** The state kept in the hidden `Stripe State` cell, or null when the cell is blank, not JSON or not a state. */
export function parseState(json: unknown): InvoiceState | null {
  let value = json;
  if (typeof value === 'string') {
    if (value.trim() === '') return null;
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isRecord(value) || value.v !== 1 || !isText(value.invoiceId)) return null;
  const lifecycle = value.lifecycle;
  const validLifecycle =
    lifecycle === null ||
    (isStamp(lifecycle) &&
      LIFECYCLE_STATUSES.includes((lifecycle as Partial<Lifecycle>).status as LifecycleStatus));
  const valid =
    (value.currency === null || isText(value.currency)) &&
    validLifecycle &&
    (value.amountDue === null || isAmount(value.amountDue)) &&
    isMinor(value.invoiceAmountPaid) &&
    (value.paidAt === null || isSeconds(value.paidAt)) &&
    isMapOf(value.payments, isAmount) &&
    isMapOf(value.refunds, isAmount) &&
    isMapOf(value.disputes, isDispute) &&
    Array.isArray(value.paymentIds) &&
    value.paymentIds.every(isText) &&
    (value.last === null || isStamp(value.last)) &&
    (value.billed === undefined || value.billed === null || isBilled(value.billed)) &&
    (value.settlements === undefined || isMapOf(value.settlements, isSettlement)) &&
    (value.seen === undefined || (Array.isArray(value.seen) && value.seen.every(isSeenEntry))) &&
    (value.raised === undefined || isRaised(value.raised));
  if (!valid) return null;
  const state = value as unknown as InvoiceState;
  return canonical({
    v: 1,
    invoiceId: state.invoiceId,
    currency: state.currency,
    lifecycle: state.lifecycle && {
      at: state.lifecycle.at,
      eventId: state.lifecycle.eventId,
      status: state.lifecycle.status,
    },
    amountDue: state.amountDue && copyAmount(state.amountDue),
    invoiceAmountPaid: state.invoiceAmountPaid,
    paidAt: state.paidAt,
    payments: mapValues(state.payments, copyAmount),
    refunds: mapValues(state.refunds, copyAmount),
    disputes: mapValues(state.disputes, (d) => ({
      at: d.at,
      eventId: d.eventId,
      open: d.open,
      outcome: d.outcome,
      minor: d.minor,
    })),
    paymentIds: [...new Set(state.paymentIds)],
    last: state.last && copyStamp(state.last),
    billed: state.billed
      ? {
          at: state.billed.at,
          eventId: state.billed.eventId,
          minor: state.billed.minor,
          currency: state.billed.currency,
        }
      : null,
    ...(state.settlements ? { settlements: mapValues(state.settlements, copySettlement) } : {}),
    seen: (state.seen ?? []).map(([id, at]) => [id, at]),
    ...(state.raised ? { raised: readRaised(state.raised) } : {}),
  });
}

/** Canonical JSON (fixed field order, map keys sorted), so equal states are equal strings. */
export function serialiseState(state: InvoiceState): string {
  return JSON.stringify(canonical(state));
}

/** Orders two stamps by Stripe time, then event id: a total order, so "newest" never depends on arrival. */
export function compareStamps(a: Stamped, b: Stamped): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.eventId === b.eventId ? 0 : a.eventId < b.eventId ? -1 : 1;
}

function newer(current: Stamped | null, incoming: Stamped): Stamped {
  return current === null || compareStamps(incoming, current) > 0 ? incoming : current;
}

function laterLifecycle(current: Lifecycle | null, incoming: Lifecycle): Lifecycle {
  if (current === null) return incoming;
  const decisive = Number(isDecisive(incoming.status)) - Number(isDecisive(current.status));
  if (decisive !== 0) return decisive > 0 ? incoming : current;
  if (incoming.at !== current.at) return incoming.at > current.at ? incoming : current;
  const rank = lifecycleRank(incoming.status) - lifecycleRank(current.status);
  if (rank !== 0) return rank > 0 ? incoming : current;
  return incoming.eventId > current.eventId ? incoming : current;
}

/**
 * Per payment (or per charge for refunds) Stripe reports the same money again and again: keep the largest amount
 * (a refund total only grows) and, for that amount, the first report, so the stamp says when the money moved.
 */
function addAmount(map: Record<string, Amount>, key: string, incoming: Amount): void {
  const current = map[key];
  let kept: Amount = incoming;
  if (
    current &&
    (current.minor > incoming.minor ||
      (current.minor === incoming.minor && compareStamps(incoming, current) >= 0))
  ) {
    kept = current;
  }
  // The time the money moved is the earliest any report of it states, whichever report is kept.
  const paidAt = [current?.paidAt, incoming.paidAt].filter((t): t is number => t !== undefined);
  map[key] = paidAt.length > 0 ? { ...kept, paidAt: Math.min(...paidAt) } : kept;
}

function withPaidAt(amount: Amount, paidAt: number | null): Amount {
  return paidAt === null ? amount : { ...amount, paidAt };
}

/** The settlement that names its payout wins (it is the later reading); otherwise the newer. */
function compareSettlements(a: Settlement, b: Settlement): number {
  if ((a.payout === null) !== (b.payout === null)) return a.payout === null ? -1 : 1;
  return compareStamps(a, b);
}

/** A close is final (Stripe never reopens a dispute), so it outranks the opening whatever the clocks say. */
function compareDisputes(a: Dispute, b: Dispute): number {
  if (a.open !== b.open) return a.open ? -1 : 1;
  return compareStamps(a, b);
}

/** Payment, refund and dispute events carry a currency too; until an invoice snapshot says, keep the least code. */
function adoptCurrency(state: InvoiceState, currency: string): void {
  if (state.amountDue !== null) return;
  if (state.currency === null || currency < state.currency) state.currency = currency;
}

/**
 * Fixed field order, sorted map keys, and payment ids in the order the money moved (first report of a settled
 * payment, then the others by id): the same facts give the same bytes in the cell.
 */
function canonical(state: InvoiceState): InvoiceState {
  const settledAt = (id: string): number => state.payments[id]?.at ?? Number.POSITIVE_INFINITY;
  const paymentIds = [...state.paymentIds].sort((a, b) => {
    const byTime = settledAt(a) - settledAt(b);
    if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
    return a === b ? 0 : a < b ? -1 : 1;
  });
  return {
    v: 1,
    invoiceId: state.invoiceId,
    currency: state.currency,
    lifecycle: state.lifecycle,
    amountDue: state.amountDue,
    invoiceAmountPaid: state.invoiceAmountPaid,
    paidAt: state.paidAt,
    payments: sortKeys(state.payments),
    refunds: sortKeys(state.refunds),
    disputes: sortKeys(state.disputes),
    paymentIds,
    last: state.last,
    billed: state.billed ?? null,
    ...(state.settlements && Object.keys(state.settlements).length > 0
      ? { settlements: sortKeys(state.settlements) }
      : {}),
    seen: topSeen(state.seen ?? []),
    ...(state.raised && Object.keys(state.raised).length > 0 ? { raised: sortKeys(state.raised) } : {}),
  };
}

/** Whether this row has already applied the event (the newest SEEN_LIMIT by Stripe time are remembered). */
export function hasSeen(state: InvoiceState | null, eventId: string): boolean {
  return state?.seen?.some(([id]) => id === eventId) ?? false;
}

export function withSeen(seen: [string, number][], eventId: string, at: number): [string, number][] {
  if (seen.some(([id]) => id === eventId)) return seen.map(([id, t]) => [id, t]);
  return topSeen([...seen, [eventId, at]]);
}

/** Newest first by Stripe time, then id: keeping the top N of a union is itself commutative. */
function topSeen(seen: [string, number][]): [string, number][] {
  const unique = new Map<string, number>();
  for (const [id, at] of seen) unique.set(id, Math.max(at, unique.get(id) ?? Number.NEGATIVE_INFINITY));
  return [...unique]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, SEEN_LIMIT);
}

/** States written before the map form kept a sorted list of reasons: read them as raised and open. */
function readRaised(raised: unknown): Record<string, RaisedCause> {
  if (Array.isArray(raised)) return Object.fromEntries(raised.map((reason) => [String(reason), ['', true]]));
  const out: Record<string, RaisedCause> = {};
  for (const [reason, cause] of Object.entries(raised as Record<string, RaisedCause>)) {
    out[reason] = [cause[0], cause[1]];
  }
  return out;
}

function sortKeys<T>(map: Record<string, T>): Record<string, T> {
  // fromEntries defines own properties, so a key such as `__proto__` from a tampered cell stays plain data.
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function mapValues<T, U>(map: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, fn(value)]));
}

function copyStamp(stamp: Stamped): Stamped {
  return { at: stamp.at, eventId: stamp.eventId };
}

function copyAmount(amount: Amount): Amount {
  const copy: Amount = { at: amount.at, eventId: amount.eventId, minor: amount.minor };
  return amount.paidAt === undefined ? copy : { ...copy, paidAt: amount.paidAt };
}

function copySettlement(s: Settlement): Settlement {
  return {
    at: s.at,
    eventId: s.eventId,
    txn: s.txn,
    minor: s.minor,
    fee: s.fee,
    net: s.net,
    currency: s.currency,
    payout: s.payout,
  };
}

function isSettlement(value: unknown): value is Settlement {
  if (!isStamp(value)) return false;
  const s = value as Partial<Settlement>;
  return (
    isText(s.txn) &&
    isSeconds(s.minor) &&
    isSeconds(s.fee) &&
    isSeconds(s.net) &&
    isText(s.currency) &&
    (s.payout === null || isText(s.payout))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isMinor(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isStamp(value: unknown): value is Stamped {
  return isRecord(value) && isSeconds(value.at) && isText(value.eventId);
}

function isAmount(value: unknown): value is Amount {
  const paidAt = (value as { paidAt?: unknown } | null)?.paidAt;
  return (
    isStamp(value) &&
    isMinor((value as { minor?: unknown }).minor) &&
    (paidAt === undefined || isSeconds(paidAt))
  );
}

function isBilled(value: unknown): value is Billed {
  return isAmount(value) && isText((value as { currency?: unknown }).currency);
}

function isSeenEntry(value: unknown): value is [string, number] {
  return Array.isArray(value) && value.length === 2 && isText(value[0]) && isSeconds(value[1]);
}

function isRaised(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isText);
  return (
    isRecord(value) &&
    Object.values(value).every(
      (cause) =>
        Array.isArray(cause) &&
        cause.length === 2 &&
        typeof cause[0] === 'string' &&
        typeof cause[1] === 'boolean',
    )
  );
}

function isDispute(value: unknown): value is Dispute {
  if (!isAmount(value)) return false;
  const dispute = value as Partial<Dispute>;
  return (
    typeof dispute.open === 'boolean' && (dispute.outcome === null || typeof dispute.outcome === 'string')
  );
}

function isMapOf<T>(value: unknown, check: (entry: unknown) => entry is T): value is Record<string, T> {
  return isRecord(value) && Object.values(value).every(check);
}
