// reviewAct and reviewBulk: a reviewer's actions, through the one apply step under the one lock, like every other
// change to the books. The caller is checked first; the exception is read again under the lock and the action is
// refused if it changed since the reviewer saw it (its version), so two reviewers at once never settle one twice.

import { applyChanges } from '../core/apply/apply-step';
import type { ExceptionRecord } from '../core/apply/ports';
import { type ReviewAction as CoreAction, exceptionVersion, type Review } from '../core/apply/reviews';
import { calendarDayOf, compareDays, dayKey, startOfDay } from '../core/calendar/calendar-day';
import { LEDGER_KEY, SHEET } from '../core/contract';
import { withLock } from '../core/ingest/lock-scope';
import { reviewBatches } from '../core/review/bulk-batches';
import { eventEvidence } from '../core/review/evidence';
import { paymentClues } from '../core/review/payment-clues';
import { matchMode } from '../core/review/rank-candidates';
import { byImpact, MATCHABLE, passes, queueEntry, selectionVersion } from '../core/review/review-queue';
import { checkActRequest, checkBulkRequest } from '../core/review/review-requests';
import { rowFingerprint } from '../core/review/row-fingerprint';
import type { ActView, BulkView, Refusal, ReplyOf, ReviewAction, Reviewer } from '../shared/review-api';
import { type LedgerContext, ledgerContext } from './context';
import { identifyReviewer } from './reviewer';

/** A reviewer waits a little for a webhook batch to finish; longer, and the sidebar says to try again. */
const LOCK_WAIT_MS = 10_000;
/** At most this many exceptions per bulk call, and no new batch after this long (Apps Script stops at 6 min). */
export const BULK_MAX = 300;
const BULK_BUDGET_MS = 3 * 60_000;

export function reviewAct(raw: unknown): ReplyOf<'reviewAct'> {
  const request = checkActRequest(raw);
  if (!request.ok) return { ok: false, refusal: 'invalid', message: request.message };
  const context = ledgerContext();
  const you = identifyReviewer(context);
  if (!you.canAct) return refusalFor(you);
  const { exceptionId, version, action } = request.value;
  const outcome = withLock(context.lockedWork(), LOCK_WAIT_MS, (books): Omit<ActView, 'you'> => {
    const [record] = context.exceptions.lookupIds([exceptionId]);
    if (!record) return { outcome: 'refused', message: `There is no exception ${exceptionId}.`, item: null };
    const item = () => {
      const [now] = context.exceptions.lookupIds([exceptionId]);
      return now ? queueEntry(now, context.clock.now()).item : null;
    };
    if (version !== exceptionVersion(record)) {
      return {
        outcome: 'stale',
        message: `${exceptionId} was changed by someone else since you opened it (now ${record.status}); here it is as it is now.`,
        item: item(),
      };
    }
    const review = reviewOf(context, record, you.email, version, action);
    if (typeof review === 'string') return { outcome: 'refused', message: review, item: item() };
    const [result] = applyChanges(books, [], { reviews: [review] }).reviews;
    return {
      outcome: result?.result ?? 'refused',
      message: result?.message ?? 'Nothing was done.',
      item: item(),
    };
  });
  if (!outcome.held) return busy();
  return { ok: true, you, ...outcome.value };
}

export function reviewBulk(raw: unknown): ReplyOf<'reviewBulk'> {
  const request = checkBulkRequest(raw);
  if (!request.ok) return { ok: false, refusal: 'invalid', message: request.message };
  const context = ledgerContext();
  const you = identifyReviewer(context);
  if (!you.canAct) return refusalFor(you);
  const { filter, selection, action } = request.value;
  const started = context.nowMs();
  const outcome = withLock(context.lockedWork(), LOCK_WAIT_MS, (books): Omit<BulkView, 'you'> => {
    const now = context.clock.now();
    const records = context.exceptions.readAll();
    const entries = records
      .map((record) => queueEntry(record, now))
      .filter((entry) => passes(entry.item, filter))
      .sort(byImpact)
      .map((entry) => entry.item);
    if (selectionVersion(entries) !== selection.version) {
      return {
        outcome: 'stale',
        applied: 0,
        refused: 0,
        message: `The list changed since you looked (${entries.length} exceptions now, ${selection.count} then): nothing was done. Look at it again first.`,
      };
    }
    const core: CoreAction =
      action.kind === 'resolve'
        ? { kind: 'resolve', resolution: action.resolution, note: action.note }
        : { kind: 'dismiss', note: action.note };
    const reviews: Review[] = entries.slice(0, BULK_MAX).map((item) => ({
      exceptionId: item.exceptionId,
      actor: you.email,
      version: item.version,
      action: core,
    }));
    const byId = new Map(records.map((record) => [record.exceptionId, record]));
    let applied = 0;
    let refused = 0;
    let done = 0;
    for (const batch of reviewBatches(reviews, byId)) {
      if (context.nowMs() - started > BULK_BUDGET_MS) break;
      for (const result of applyChanges(books, [], { reviews: batch }).reviews) {
        if (result.result === 'applied') applied += 1;
        else refused += 1;
      }
      done += batch.length;
    }
    const left = entries.length - done;
    const verb = action.kind === 'resolve' ? `resolved (${action.resolution})` : 'dismissed';
    return {
      outcome: 'applied',
      applied,
      refused,
      message:
        `${applied} ${applied === 1 ? 'exception' : 'exceptions'} ${verb}` +
        (refused > 0 ? `; ${refused} had changed meanwhile and were left as they are` : '') +
        (left > 0 ? `; ${left} more match the filter: run it again for them.` : '.'),
    };
  });
  if (!outcome.held) return busy();
  return { ok: true, you, ...outcome.value };
}

/** The core review for a sidebar action, or why it cannot be done. */
function reviewOf(
  context: LedgerContext,
  record: ExceptionRecord,
  actor: string,
  version: string,
  action: ReviewAction,
): Review | string {
  const base = { exceptionId: record.exceptionId, actor, version };
  switch (action.kind) {
    case 'match':
      return matchOf(context, record, base, action);
    case 'reject':
      return { ...base, action: { kind: 'reject', row: action.fingerprint } };
    case 'resolve':
      return { ...base, action: { kind: 'resolve', resolution: action.resolution, note: action.note } };
    case 'dismiss':
      return { ...base, action: { kind: 'dismiss', note: action.note } };
    case 'reopen':
      return { ...base, action: { kind: 'reopen', note: action.note } };
    case 'assign':
      return { ...base, action: { kind: 'assign', owner: action.owner } };
    case 'snooze': {
      const zone = context.book.timeZone;
      const [year = 0, month = 0, day = 0] = action.until.split('-').map(Number);
      const until = { year, month, day };
      const today = calendarDayOf(context.clock.now(), zone);
      if (compareDays(until, today) <= 0)
        return `Snooze until a day after today (${dayKey(today)} in the spreadsheet's time zone).`;
      return {
        ...base,
        action: {
          kind: 'snooze',
          until: startOfDay(until, zone),
          note: action.note || `Snoozed until ${action.until} in the review sidebar.`,
        },
      };
    }
  }
}

/**
 * A match to the row the reviewer picked, checked against the row as it is now: it must still be the row they saw
 * (its fingerprint), and fit the money (a blank `Stripe Invoice ID` for an unknown invoice, an invoice for a payment
 * that names none). The Stripe customer who paid goes with it, so the sidebar learns.
 */
function matchOf(
  context: LedgerContext,
  record: ExceptionRecord,
  base: Pick<Review, 'exceptionId' | 'actor' | 'version'>,
  action: Extract<ReviewAction, { kind: 'match' }>,
): Review | string {
  const reason = String(record.cells.Reason ?? '');
  if (!MATCHABLE.has(reason))
    return `${record.exceptionId} is ${reason}: its money already has its row. Resolve or dismiss it instead.`;
  const key = record.openKey.slice(record.openKey.indexOf(':') + 1);
  const sheet = context.book.sheet(SHEET.ledger);
  const { rowNumber } = action;
  if (rowNumber > sheet.getLastRow()) return `The Ledger has no row ${rowNumber}.`;
  const layout = context.book.layout(SHEET.ledger);
  const values = sheet.getRange(rowNumber, 1, 1, layout.width).getValues()[0] ?? [];
  if (action.fingerprint !== '' && rowFingerprint(layout.header, values) !== action.fingerprint)
    return `Row ${rowNumber} of the Ledger changed or moved since you looked: nothing was matched. Look at the suggestions again.`;
  const rowKey = String(values[layout.require(LEDGER_KEY) - 1] ?? '').trim();
  let target: Extract<CoreAction, { kind: 'match' }>['target'];
  if (matchMode(key) === 'blank') {
    if (rowKey !== '' && rowKey !== key)
      return `Row ${rowNumber} already has the invoice ${rowKey}: ${key} belongs to a row whose Stripe Invoice ID is blank.`;
    target = rowKey === key ? { invoiceId: key } : { rowNumber, invoiceId: key };
  } else {
    if (rowKey === '')
      return `Row ${rowNumber} has no Stripe Invoice ID. A payment that names no invoice is linked to a row's invoice: type the invoice id into the row first.`;
    target = { invoiceId: rowKey };
  }
  const customer = paymentClues(context.log.findEvents(record.eventIds).map(eventEvidence)).customerId;
  return {
    ...base,
    action: {
      kind: 'match',
      target,
      note: action.note || `Matched to Ledger row ${rowNumber} in the review sidebar.`,
      ...(customer ? { customer } : {}),
    },
  };
}

function refusalFor(you: Reviewer): Refusal {
  return {
    ok: false,
    refusal: you.email === '' ? 'unidentified' : 'not-allowed',
    message: you.why ?? 'You cannot act here.',
  };
}

function busy(): Refusal {
  return {
    ok: false,
    refusal: 'busy',
    message:
      'Another change to the books is being written (a burst of Stripe events, or another reviewer). Nothing was done: try again in a moment.',
  };
}
