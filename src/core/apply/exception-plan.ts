// Reconciling the exceptions a batch wants with those in the queue. Per ledger row, the wanted set is a function of
// the row's evidence after the batch (plus what single events raised); the queue is looked up only where the row's
// own memory (`raised` in its state) says an exception may exist, or when a retried batch cannot trust that memory.
// Every write is keyed (an exception by its open key and cause, an audit row by evidence, target and field), so a
// batch retried after a failure writes only what is missing.

import type { ExceptionReason } from '../contract';
import { exceptionId, openKey } from '../exceptions/exception-id';
import { CURABLE, type WantedException } from '../exceptions/rules';
import { minorToMajor } from '../money';
import type { RaisedCause } from '../state';
import type { AuditEntry, ExceptionRecord, ExceptionUpdate, NewException } from './ports';

export const SYSTEM_ACTOR = 'system';

/** Statuses in which an exception still waits for someone (a snooze is a wait, not a settlement). */
const OPEN_STATUSES = new Set(['open', 'snoozed']);

/** What one batch did to the exceptions of one invoice key. */
export interface KeyActivity {
  invoiceKey: string;
  /** Wanted at the end of the batch, by reason. */
  wanted: Map<ExceptionReason, WantedException>;
  /** The row's memory before the batch; null for a key with no ledger row (always looked up). */
  hint: Record<string, RaisedCause> | null;
  /** Events at which a reason's cause appeared or changed, in Stripe-time order. */
  touched: Map<ExceptionReason, TouchedBy[]>;
  /** Events at which a reason stopped being wanted. */
  curedBy: Map<ExceptionReason, TouchedBy>;
  /** Reasons raised by single events: the queue is always asked about these. */
  eventRaised: Set<ExceptionReason>;
  /** Stripe time of the batch's first event for this key, for the id of an exception with no touching event. */
  firstEvent: TouchedBy | null;
}

export interface TouchedBy {
  eventId: string;
  /** Stripe `created`, unix seconds. */
  at: number;
}

export function newActivity(invoiceKey: string, hint: Record<string, RaisedCause> | null): KeyActivity {
  return {
    invoiceKey,
    wanted: new Map(),
    hint,
    touched: new Map(),
    curedBy: new Map(),
    eventRaised: new Set(),
    firstEvent: null,
  };
}

/** Records what one event changed: wanted before and after it. */
export function recordTransition(
  activity: KeyActivity,
  before: Map<ExceptionReason, WantedException>,
  after: Map<ExceptionReason, WantedException>,
  event: TouchedBy,
): void {
  activity.firstEvent ??= event;
  for (const reason of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(reason);
    const now = after.get(reason);
    if (now && (!was || was.cause !== now.cause)) touch(activity, reason, event);
    if (was && !now) activity.curedBy.set(reason, event);
  }
  activity.wanted = new Map(after);
}

export function recordEventException(activity: KeyActivity, wanted: WantedException, event: TouchedBy): void {
  activity.firstEvent ??= event;
  activity.eventRaised.add(wanted.reason);
  // A cause judged from the evidence wins the open key; the event joins it as evidence.
  if (!activity.wanted.has(wanted.reason)) activity.wanted.set(wanted.reason, wanted);
  touch(activity, wanted.reason, event);
}

function touch(activity: KeyActivity, reason: ExceptionReason, event: TouchedBy): void {
  const list = activity.touched.get(reason) ?? [];
  if (!list.some((t) => t.eventId === event.eventId)) list.push(event);
  activity.touched.set(reason, list);
}

/** Open keys whose exceptions must be read before the batch can be reconciled. */
export function keysToLookUp(activity: KeyActivity, recovery: boolean): string[] {
  const keys: string[] = [];
  for (const reason of reasonsOf(activity)) {
    if (needsLookup(activity, reason, recovery)) keys.push(openKey(reason, activity.invoiceKey));
  }
  return keys;
}

function reasonsOf(activity: KeyActivity): Set<ExceptionReason> {
  return new Set<ExceptionReason>([
    ...activity.wanted.keys(),
    ...activity.touched.keys(),
    ...((activity.hint ? Object.keys(activity.hint) : []) as ExceptionReason[]),
  ]);
}

function needsLookup(activity: KeyActivity, reason: ExceptionReason, recovery: boolean): boolean {
  const wanted = activity.wanted.get(reason);
  const hint = activity.hint?.[reason];
  if (!wanted && !(hint?.[1] && CURABLE.has(reason))) return false;
  if (recovery || activity.hint === null || activity.eventRaised.has(reason)) return true;
  if (!hint) return false;
  if (!wanted) return true;
  return hint[0] !== wanted.cause;
}

export interface ExceptionWrites {
  opened: NewException[];
  updated: ExceptionUpdate[];
  audit: AuditEntry[];
  /** The row's memory after the batch (null for keys without a row). */
  hint: Record<string, RaisedCause> | null;
  /** For the answer: what happened to which exception. */
  summary: string[];
}

export interface ReconcileContext {
  now: Date;
  timeZone: string;
  recovery: boolean;
  /** Every exception with the open keys that were looked up. */
  records: ExceptionRecord[];
  /** Currency of the row, for amounts. */
  actor?: string;
}

/** The writes that bring the queue in line with what the batch wants for one key. */
export function reconcile(activity: KeyActivity, context: ReconcileContext): ExceptionWrites {
  const writes: ExceptionWrites = {
    opened: [],
    updated: [],
    audit: [],
    hint: activity.hint ? { ...activity.hint } : null,
    summary: [],
  };
  const actor = context.actor ?? SYSTEM_ACTOR;
  for (const reason of [...reasonsOf(activity)].sort()) {
    const key = openKey(reason, activity.invoiceKey);
    const wanted = activity.wanted.get(reason);
    const hint = activity.hint?.[reason];
    const looked = needsLookup(activity, reason, context.recovery);
    const records = looked ? context.records.filter((record) => record.openKey === key) : [];
    const open = records.find((record) => OPEN_STATUSES.has(record.status)) ?? null;
    const touched = activity.touched.get(reason) ?? [];

    if (wanted) {
      if (open) {
        if (context.recovery) writes.audit.push(...auditOfWrittenEvidence(open, touched, context.now, actor));
        const fresh = touched.map((t) => t.eventId).filter((id) => !open.eventIds.includes(id));
        const cells: ExceptionUpdate['cells'] = {};
        if (fresh.length > 0) {
          const after = [...open.eventIds, ...fresh].join(', ');
          cells['Event ID'] = after;
          writes.audit.push(
            exceptionAudit(
              context.now,
              actor,
              open.exceptionId,
              'add_evidence',
              'Event ID',
              open.eventIds.join(', '),
              after,
              fresh[0] as string,
            ),
          );
        }
        if (open.cause !== wanted.cause) cells.Cause = wanted.cause;
        if (Object.keys(cells).length > 0) writes.updated.push({ record: open, cells });
        if (fresh.length > 0)
          writes.summary.push(`added ${fresh.join(', ')} to ${open.exceptionId} (${reason})`);
        setHint(writes, reason, wanted.cause, true);
        continue;
      }
      const settled =
        (looked && records.some((record) => record.cause === wanted.cause)) ||
        (!looked && hint !== undefined && hint[0] === wanted.cause && !hint[1]);
      if (settled) {
        setHint(writes, reason, wanted.cause, false);
        continue;
      }
      if (!looked && hint !== undefined && hint[0] === wanted.cause && hint[1]) continue;
      const first = touched[0] ?? activity.firstEvent;
      const arose = first ? new Date(first.at * 1000) : context.now;
      const id = exceptionId(reason, activity.invoiceKey, wanted.cause, arose, context.timeZone);
      const eventIds = touched.length > 0 ? touched.map((t) => t.eventId) : first ? [first.eventId] : [];
      writes.opened.push({
        exceptionId: id,
        openedAt: context.now,
        reason,
        invoiceKey: activity.invoiceKey,
        cause: wanted.cause,
        eventIds,
        amount: wanted.money ? minorToMajor(wanted.money.minor, wanted.money.currency) : null,
        currency: wanted.money ? wanted.money.currency : null,
        note: wanted.note,
      });
      writes.audit.push(
        exceptionAudit(context.now, actor, id, 'open_exception', 'Status', '', 'open', eventIds[0] ?? id),
      );
      writes.summary.push(`opened ${reason} ${id}`);
      setHint(writes, reason, wanted.cause, true);
      continue;
    }

    if (open && CURABLE.has(reason)) {
      const cure = activity.curedBy.get(reason) ?? activity.firstEvent;
      const evidence = cure?.eventId ?? open.exceptionId;
      writes.updated.push({
        record: open,
        cells: { Status: 'resolved', Resolution: 'auto', 'Resolved By': actor, 'Resolved At': context.now },
      });
      const audit = (field: string, before: string, after: string | Date) =>
        writes.audit.push(
          exceptionAudit(
            context.now,
            actor,
            open.exceptionId,
            'auto_resolve',
            field,
            before,
            after,
            evidence,
          ),
        );
      audit('Status', open.status, 'resolved');
      audit('Resolution', '', 'auto');
      audit('Resolved By', '', actor);
      audit('Resolved At', '', context.now);
      writes.summary.push(`resolved ${open.exceptionId} (${reason}) as cured`);
    }
    if (hint) setHint(writes, reason, hint[0], false);
  }
  return writes;
}

/**
 * The audit rows of evidence a stopped batch already wrote on an exception: its opening, when this batch's events are
 * the first it lists, else the events it added. Recovery writes those of them that are missing.
 */
function auditOfWrittenEvidence(
  open: ExceptionRecord,
  touched: TouchedBy[],
  now: Date,
  actor: string,
): AuditEntry[] {
  const ours = new Set(touched.map((t) => t.eventId));
  const first = open.eventIds[0];
  if (first !== undefined && ours.has(first)) {
    return [exceptionAudit(now, actor, open.exceptionId, 'open_exception', 'Status', '', 'open', first)];
  }
  const added = open.eventIds.filter((id) => ours.has(id));
  if (added.length === 0) return [];
  const before = open.eventIds.filter((id) => !ours.has(id)).join(', ');
  return [
    exceptionAudit(
      now,
      actor,
      open.exceptionId,
      'add_evidence',
      'Event ID',
      before,
      open.eventIds.join(', '),
      added[0] as string,
    ),
  ];
}

function setHint(writes: ExceptionWrites, reason: ExceptionReason, cause: string, open: boolean): void {
  if (writes.hint) writes.hint[reason] = [cause, open];
}

export function exceptionAudit(
  at: Date,
  actor: string,
  exceptionIdValue: string,
  action: string,
  field: string,
  before: string | Date,
  after: string | Date,
  evidence: string,
): AuditEntry {
  return {
    at,
    actor,
    action,
    target: `Exceptions:${exceptionIdValue}`,
    field,
    before,
    after,
    evidence,
  };
}

/** The key recovery uses to tell an audit row already written from one still missing. */
export function auditKey(entry: Pick<AuditEntry, 'evidence' | 'target' | 'field'>): string {
  return `${entry.evidence}|${entry.target}|${entry.field}`;
}
