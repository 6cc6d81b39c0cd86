// What a reviewer may do to an exception, checked against the exception as it is now. Every action becomes cell
// changes with one Audit row each (the reviewer's e-mail as Actor); a match also brings the exception's parked events
// to a ledger row, through the same decisions as a delivery. A reviewer who acted on an older view of the exception
// (another reviewer changed it since) is refused, never applied twice.

import type { CellValue } from '../ledger-row';
import type { AuditEntry, ExceptionCells, ExceptionRecord, ExceptionUpdate } from './ports';

export type MatchTarget =
  /** A ledger row that has this `Stripe Invoice ID`. */
  | { invoiceId: string }
  /** A ledger row found by its number, whose blank `Stripe Invoice ID` gets `invoiceId`. */
  | { rowNumber: number; invoiceId: string };

export type ReviewAction =
  | { kind: 'resolve'; resolution: string; note: string }
  | { kind: 'dismiss'; note: string }
  | { kind: 'snooze'; until: Date; note: string }
  | { kind: 'reopen'; note: string }
  | { kind: 'assign'; owner: string }
  | {
      kind: 'match';
      target: MatchTarget;
      note: string;
      /**
       * The Stripe customer (`cus_…`) who paid, written to the row's hidden `Stripe Customer` with the match: the
       * review sidebar then ranks this person's rows first for the customer's next payment.
       */
      customer?: string;
    }
  /** "Not this row": a suggested ledger row (by its fingerprint) is not the one; it is not suggested again. */
  | { kind: 'reject'; row: string };

export interface Review {
  exceptionId: string;
  /** The reviewer's e-mail. */
  actor: string;
  action: ReviewAction;
  /** `exceptionVersion` of the exception as the reviewer saw it; refused when it has changed since. */
  version?: string;
  /**
   * Set by the apply step in its journal: the cells the action changes, as they were before it. Recovery writes the
   * Audit rows of a change whose exception cells were written but whose Audit rows were not from these.
   */
  before?: Record<string, CellValue>;
}

export interface ReviewOutcome {
  exceptionId: string;
  result: 'applied' | 'stale' | 'refused';
  message: string;
}

const WAITING = new Set(['open', 'snoozed']);
const SETTLED = new Set(['resolved', 'dismissed']);

/** A short fingerprint of what a reviewer sees of an exception: any change to it makes an older view stale. */
export function exceptionVersion(record: Pick<ExceptionRecord, 'cells'>): string {
  const seen = ['Status', 'Resolution', 'Resolved By', 'Owner', 'Note', 'Event ID', 'Snoozed Until']
    .map((name) => show(record.cells[name] ?? ''))
    .join('\u0001');
  let hash = 0x811c9dc5;
  for (let i = 0; i < seen.length; i++) {
    hash ^= seen.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

export interface ReviewChange {
  review: Review;
  record: ExceptionRecord;
  cells: ExceptionCells;
  /** The changed cells as they were before the action (in recovery, as the journal recorded them). */
  before: Record<string, CellValue>;
}

/**
 * Checks each review against its exception; returns the cell changes of those that may go ahead and an outcome for
 * every review. A match's own changes (resolved, `matched`) are among them: the caller applies its events first.
 * In recovery a review whose changes are already in place is passed again, so its missing Audit rows are written.
 */
export function checkReviews(
  reviews: Review[],
  records: ExceptionRecord[],
  now: Date,
  recovery: boolean,
): { changes: ReviewChange[]; outcomes: ReviewOutcome[] } {
  const changes: ReviewChange[] = [];
  const outcomes: ReviewOutcome[] = [];
  for (const review of reviews) {
    const record = records.find((r) => r.exceptionId === review.exceptionId);
    const refuse = (result: ReviewOutcome['result'], message: string) =>
      outcomes.push({ exceptionId: review.exceptionId, result, message });
    if (!record) {
      refuse('refused', `There is no exception ${review.exceptionId}.`);
      continue;
    }
    const cells = cellsFor(review, record, now);
    const before = Object.fromEntries(Object.keys(cells).map((name) => [name, record.cells[name] ?? '']));
    const done = Object.entries(cells).every(([name, value]) => sameValue(record.cells[name] ?? '', value));
    if (recovery && done) {
      changes.push({ review, record, cells, before: review.before ?? before });
      outcomes.push({ exceptionId: record.exceptionId, result: 'applied', message: 'Completed.' });
      continue;
    }
    if (review.version !== undefined && review.version !== exceptionVersion(record)) {
      refuse(
        'stale',
        `${record.exceptionId} was changed by someone else since you opened it (now ${record.status}); reload it and try again.`,
      );
      continue;
    }
    const problem = transitionProblem(review.action, record.status);
    if (problem) {
      refuse('refused', `${record.exceptionId} is ${record.status}: ${problem}`);
      continue;
    }
    changes.push({ review, record, cells, before });
    outcomes.push({
      exceptionId: record.exceptionId,
      result: 'applied',
      message: describeReview(review, record),
    });
  }
  return { changes, outcomes };
}

/** The exception's cells after the action. */
function cellsFor(review: Review, record: ExceptionRecord, now: Date): ExceptionCells {
  const { action, actor } = review;
  switch (action.kind) {
    case 'resolve':
      return {
        Status: 'resolved',
        Resolution: action.resolution,
        'Resolved By': actor,
        'Resolved At': now,
        Note: action.note,
      };
    case 'match':
      return {
        Status: 'resolved',
        Resolution: 'matched',
        'Resolved By': actor,
        'Resolved At': now,
        Note: action.note,
      };
    case 'dismiss':
      return { Status: 'dismissed', 'Resolved By': actor, 'Resolved At': now, Note: action.note };
    case 'snooze':
      return { Status: 'snoozed', 'Snoozed Until': action.until, Note: action.note };
    case 'reopen':
      return {
        Status: 'open',
        Resolution: '',
        'Resolved By': '',
        'Resolved At': '',
        'Snoozed Until': '',
        Note: action.note,
      };
    case 'assign':
      return { Owner: action.owner };
    case 'reject':
      return { 'Not Matched': [...new Set([...notMatched(record), action.row])].join(', ') };
  }
}

/** Fingerprints of the ledger rows a reviewer said this exception does not belong to. */
export function notMatched(record: Pick<ExceptionRecord, 'cells'>): string[] {
  return String(record.cells['Not Matched'] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function transitionProblem(action: ReviewAction, status: string): string | null {
  switch (action.kind) {
    case 'resolve':
    case 'dismiss':
    case 'match':
    case 'snooze':
    case 'reject':
      return WAITING.has(status)
        ? null
        : 'only an open or snoozed exception can be settled or snoozed; reopen it first.';
    case 'reopen':
      return SETTLED.has(status) || status === 'snoozed' ? null : 'it is already open.';
    case 'assign':
      return null;
  }
}

/** The cell changes as the update to write and the Audit rows that record them, one per changed cell. */
export function reviewWrites(
  change: ReviewChange,
  now: Date,
): { update: ExceptionUpdate; audit: AuditEntry[] } {
  const { review, record, cells } = change;
  const audit: AuditEntry[] = [];
  for (const [field, after] of Object.entries(cells) as [string, CellValue][]) {
    const before = change.before[field] ?? '';
    if (sameValue(before, after)) continue;
    audit.push({
      at: now,
      actor: review.actor,
      action: `review_${review.action.kind}`,
      target: `Exceptions:${record.exceptionId}`,
      field,
      before,
      after,
      evidence: record.exceptionId,
    });
  }
  return { update: { record, cells }, audit };
}

function describeReview(review: Review, record: ExceptionRecord): string {
  const action = review.action;
  switch (action.kind) {
    case 'resolve':
      return `${record.exceptionId} resolved (${action.resolution}).`;
    case 'dismiss':
      return `${record.exceptionId} dismissed.`;
    case 'snooze':
      return `${record.exceptionId} snoozed until ${action.until.toISOString().slice(0, 10)}.`;
    case 'reopen':
      return `${record.exceptionId} reopened.`;
    case 'assign':
      return `${record.exceptionId} assigned to ${action.owner || 'nobody'}.`;
    case 'match':
      return `${record.exceptionId} matched to ${action.target.invoiceId}.`;
    case 'reject':
      return `${record.exceptionId}: that row is no longer suggested.`;
  }
}

function sameValue(a: CellValue, b: CellValue): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return show(a) === show(b);
}

function show(value: CellValue): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
