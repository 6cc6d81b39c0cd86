// The `Payouts` side of the apply step: each payout event is merged into its row's evidence (a new row for a payout
// the sheet does not list yet), the row's cells follow from it, and PAYOUT_FAILED is reconciled like any exception.
// Written after the ledger rows and before the log rows, so the row is, like a ledger row, its own dedupe index.

import type { ExceptionReason } from '../contract';
import type { WantedException } from '../exceptions/rules';
import type { PayoutFact } from '../facts';
import type { CellValue } from '../ledger-row';
import { formatMoney } from '../money';
import {
  type PayoutCells,
  type PayoutColumn,
  payoutCells,
  wantedPayoutExceptions,
} from '../payouts/payout-row';
import {
  emptyPayout,
  mergePayout,
  type PayoutState,
  payoutSeen,
  serialisePayoutState,
} from '../payouts/payout-state';
import type { RaisedCause } from '../state';
import { type KeyActivity, newActivity, recordTransition, SYSTEM_ACTOR } from './exception-plan';
import type { AuditEntry, BooksPorts, PayoutChange, PayoutRecord, PayoutWrite } from './ports';

export interface PayoutWorking {
  payoutId: string;
  record: PayoutRecord | null;
  stored: PayoutState | null;
  state: PayoutState | null;
  cells: Partial<PayoutCells>;
  changes: Map<PayoutColumn, PayoutChange>;
  activity: KeyActivity;
  wanted: Map<ExceptionReason, WantedException>;
}

export function payoutWorkings(ports: BooksPorts, payoutIds: string[]): Map<string, PayoutWorking> {
  const workings = new Map<string, PayoutWorking>();
  if (payoutIds.length === 0) return workings;
  const records = ports.payouts.find([...new Set(payoutIds)]);
  for (const payoutId of new Set(payoutIds)) {
    const record = records.get(payoutId) ?? null;
    const stored = record?.state ?? null;
    const wanted = stored ? wantedPayoutExceptions(stored) : new Map();
    const activity = newActivity(payoutId, { ...(stored?.raised ?? {}) });
    activity.wanted = new Map(wanted);
    workings.set(payoutId, {
      payoutId,
      record,
      stored,
      state: stored,
      cells: { ...(record?.cells ?? {}) },
      changes: new Map(),
      activity,
      wanted,
    });
  }
  return workings;
}

export interface PayoutDecision {
  alreadyApplied: boolean;
  audit: AuditEntry[];
  message: string;
}

export function decidePayout(working: PayoutWorking, fact: PayoutFact, at: Date): PayoutDecision {
  if (payoutSeen(working.state, fact.eventId)) {
    return {
      alreadyApplied: true,
      audit: [],
      message: `${fact.eventId} was applied to payout ${working.payoutId} before; nothing changed.`,
    };
  }
  const before = working.state ?? emptyPayout(working.payoutId);
  const after = mergePayout(before, fact);
  const target = payoutCells(after);
  const audit: AuditEntry[] = [];
  for (const field of Object.keys(target) as PayoutColumn[]) {
    const current = working.cells[field] ?? '';
    if (sameCell(current, target[field])) continue;
    const first = working.changes.get(field);
    working.changes.set(field, { field, before: first ? first.before : current, after: target[field] });
    working.cells[field] = target[field];
    audit.push({
      at,
      actor: SYSTEM_ACTOR,
      action: 'update',
      target: `Payouts:${working.payoutId}`,
      field,
      before: current,
      after: target[field],
      evidence: fact.eventId,
    });
  }
  const wanted = wantedPayoutExceptions(after);
  recordTransition(working.activity, working.wanted, wanted, { eventId: fact.eventId, at: fact.created });
  working.wanted = wanted;
  working.state = after;
  const newest = before.snapshot && fact.created < before.snapshot.at && audit.length === 0;
  const money = { minor: fact.amount.minor, currency: fact.amount.currency };
  return {
    alreadyApplied: false,
    audit,
    message: newest
      ? `${fact.eventId} (${fact.eventType}) is older than payout ${working.payoutId}'s newest event: superseded, Payouts unchanged.`
      : `Payout ${working.payoutId} of ${formatMoney(money)}: ${after.status?.status ?? fact.status}${
          after.totals
            ? `, ${after.totals.payments} payment${after.totals.payments === 1 ? '' : 's'} reconciled`
            : ''
        }.`,
  };
}

/** Keeps the reasons a payout's exceptions were raised for in its state, as a ledger row keeps its own. */
export function setPayoutHint(working: PayoutWorking, hint: Record<string, RaisedCause>): void {
  const state = working.state ?? emptyPayout(working.payoutId);
  const kept = Object.fromEntries(Object.entries(hint).filter(([reason]) => reason === 'PAYOUT_FAILED'));
  if (JSON.stringify(state.raised ?? {}) === JSON.stringify(kept)) return;
  working.state = { ...state, raised: kept };
}

export function payoutWrites(workings: Map<string, PayoutWorking>): PayoutWrite[] {
  const writes: PayoutWrite[] = [];
  for (const working of workings.values()) {
    const state = working.state;
    if (!state) continue;
    const changed = !working.stored || serialisePayoutState(working.stored) !== serialisePayoutState(state);
    if (!changed && working.changes.size === 0) continue;
    writes.push({
      record: working.record,
      payoutId: working.payoutId,
      state,
      changes: [...working.changes.values()],
    });
  }
  return writes;
}

function sameCell(a: CellValue, b: CellValue): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return a === b;
}
