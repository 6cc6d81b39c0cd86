// The evidence kept per payout in the hidden `Stripe State` column of `Payouts`, folded like an invoice's: every field
// keeps the greatest value under a fixed order, so any order of the same payout events gives the same state.

import type { PayoutFact, PayoutStatus } from '../facts';
import { compareStamps, withSeen } from '../merge';
import type { RaisedCause, Stamped } from '../state';

export interface PayoutSnapshot extends Stamped {
  /** `amount`, minor units of `currency` (upper-case). */
  minor: number;
  currency: string;
  arrivalDate: number | null;
  automatic: boolean;
  reconciliation: string | null;
  failureCode: string | null;
  failureMessage: string | null;
}

/** What the payout's balance transactions add up to (minor units of the payout's currency). */
export interface PayoutTotals extends Stamped {
  payments: number;
  gross: number;
  fees: number;
  refunds: number;
  net: number;
  transactions: number;
}

export interface PayoutState {
  v: 1;
  payoutId: string;
  /** The newest snapshot of the payout object by Stripe time. */
  snapshot: PayoutSnapshot | null;
  status: (Stamped & { status: PayoutStatus }) | null;
  totals: PayoutTotals | null;
  /** Events applied to this row: its own dedupe index. */
  seen: [string, number][];
  /** The apply step's memory of the exceptions it raised for this payout (as an invoice row's). */
  raised?: Record<string, RaisedCause>;
}

const STATUS_RANK: readonly PayoutStatus[] = ['pending', 'in_transit', 'canceled', 'paid', 'failed'];
const FINAL = new Set<PayoutStatus>(['paid', 'failed', 'canceled']);

export function emptyPayout(payoutId: string): PayoutState {
  return { v: 1, payoutId, snapshot: null, status: null, totals: null, seen: [] };
}

export function payoutSeen(state: PayoutState | null, eventId: string): boolean {
  return state?.seen.some(([id]) => id === eventId) ?? false;
}

export function mergePayout(state: PayoutState, fact: PayoutFact): PayoutState {
  const stamp: Stamped = { at: fact.created, eventId: fact.eventId };
  const snapshot: PayoutSnapshot = {
    ...stamp,
    minor: fact.amount.minor,
    currency: fact.amount.currency,
    arrivalDate: fact.arrivalDate,
    automatic: fact.automatic,
    reconciliation: fact.reconciliation,
    failureCode: fact.failureCode,
    failureMessage: fact.failureMessage,
  };
  const status = { ...stamp, status: fact.status };
  let totals = state.totals;
  if (fact.transactions !== null) {
    const incoming = totalsOf(stamp, fact);
    if (!totals || compareStamps(incoming, totals) > 0) totals = incoming;
  }
  return {
    v: 1,
    payoutId: state.payoutId,
    snapshot: !state.snapshot || compareStamps(snapshot, state.snapshot) > 0 ? snapshot : state.snapshot,
    status: laterStatus(state.status, status),
    totals,
    seen: withSeen(state.seen, fact.eventId, fact.created),
    ...(state.raised ? { raised: state.raised } : {}),
  };
}

/**
 * A final status (paid, failed, canceled) outranks a waiting one whatever the clocks say; between two of a kind the
 * newer wins, then the later step (a payout marked paid can still fail when the bank returns it).
 */
function laterStatus(
  current: PayoutState['status'],
  incoming: NonNullable<PayoutState['status']>,
): NonNullable<PayoutState['status']> {
  if (!current) return incoming;
  const final = Number(FINAL.has(incoming.status)) - Number(FINAL.has(current.status));
  if (final !== 0) return final > 0 ? incoming : current;
  if (incoming.at !== current.at) return incoming.at > current.at ? incoming : current;
  const rank = STATUS_RANK.indexOf(incoming.status) - STATUS_RANK.indexOf(current.status);
  if (rank !== 0) return rank > 0 ? incoming : current;
  return incoming.eventId > current.eventId ? incoming : current;
}

/**
 * Gross is what the payments brought in, Fees what Stripe kept, Refunds everything else taken back (refunds,
 * disputes, adjustments); each transaction's net is its amount less its fee, so Gross − Fees − Refunds = Net by
 * construction, and Net is what reached the bank when every transaction is known.
 */
function totalsOf(stamp: Stamped, fact: PayoutFact): PayoutTotals {
  const totals: PayoutTotals = {
    ...stamp,
    payments: 0,
    gross: 0,
    fees: 0,
    refunds: 0,
    net: 0,
    transactions: 0,
  };
  for (const t of fact.transactions ?? []) {
    totals.transactions += 1;
    totals.net += t.net;
    if (t.category === 'payment') {
      totals.payments += 1;
      totals.gross += t.amount;
      totals.fees += t.fee;
    } else if (t.category === 'fee') {
      totals.fees += t.fee - t.amount;
    } else {
      totals.refunds -= t.amount;
      totals.fees += t.fee;
    }
  }
  return totals;
}

export function serialisePayoutState(state: PayoutState): string {
  return JSON.stringify({
    v: 1,
    payoutId: state.payoutId,
    snapshot: state.snapshot,
    status: state.status,
    totals: state.totals,
    seen: state.seen,
    ...(state.raised && Object.keys(state.raised).length > 0
      ? { raised: Object.fromEntries(Object.entries(state.raised).sort(([a], [b]) => (a < b ? -1 : 1))) }
      : {}),
  });
}

/** The state in a `Stripe State` cell of `Payouts`, or null when blank or damaged (the row is then rebuilt). */
export function parsePayoutState(cell: unknown): PayoutState | null {
  if (typeof cell !== 'string' || cell.trim() === '') return null;
  try {
    const value = JSON.parse(cell) as Partial<PayoutState>;
    if (value?.v !== 1 || typeof value.payoutId !== 'string' || !Array.isArray(value.seen)) return null;
    return {
      v: 1,
      payoutId: value.payoutId,
      snapshot: value.snapshot ?? null,
      status: value.status ?? null,
      totals: value.totals ?? null,
      seen: value.seen.filter(
        (entry): entry is [string, number] =>
          Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number',
      ),
      ...(value.raised ? { raised: value.raised } : {}),
    };
  } catch {
    return null;
  }
}
