// A `Payouts` row as a function of its evidence: the cells the add-on keeps, and the exception a failed payout opens.

import type { PAYOUTS_MAINTAINED } from '../contract';
import type { WantedException } from '../exceptions/rules';
import type { CellValue } from '../ledger-row';
import { formatMoney, minorToMajor } from '../money';
import type { PayoutState } from './payout-state';

export type PayoutColumn = (typeof PAYOUTS_MAINTAINED)[number];
export type PayoutCells = Record<PayoutColumn, CellValue>;

export function payoutCells(state: PayoutState): PayoutCells {
  const snapshot = state.snapshot;
  const currency = snapshot?.currency ?? '';
  const major = (minor: number | undefined) =>
    minor === undefined || currency === '' ? '' : minorToMajor(minor, currency);
  const totals = state.totals;
  return {
    'Arrival Date': snapshot?.arrivalDate ? new Date(snapshot.arrivalDate * 1000) : '',
    Amount: major(snapshot?.minor),
    Currency: currency,
    Status: state.status?.status ?? '',
    Payments: totals ? totals.payments : '',
    Gross: major(totals?.gross),
    Fees: major(totals?.fees),
    Refunds: major(totals?.refunds),
    Net: major(totals?.net),
  };
}

/** PAYOUT_FAILED while the payout's newest status is `failed`: the money went back to the Stripe balance. */
export function wantedPayoutExceptions(state: PayoutState): Map<'PAYOUT_FAILED', WantedException> {
  const wanted = new Map<'PAYOUT_FAILED', WantedException>();
  const snapshot = state.snapshot;
  if (state.status?.status !== 'failed' || !snapshot) return wanted;
  const money = { minor: snapshot.minor, currency: snapshot.currency };
  const why = [snapshot.failureCode, snapshot.failureMessage].filter(Boolean).join(': ');
  wanted.set('PAYOUT_FAILED', {
    reason: 'PAYOUT_FAILED',
    cause: `failed:${state.payoutId}`,
    money,
    note: `Payout ${state.payoutId} of ${formatMoney(money)} to the bank failed${why ? ` (${why})` : ''}: Stripe returned the money to the balance; check the bank account in Stripe (Settings → Payouts) before the next payout.`,
  });
  return wanted;
}
