// The figures of one run: what doPost answered, what Stripe had to retry, when the books were final, what the
// Spreadsheet service and the locks were used for, and whether every event was applied exactly once.

import type { Books, BooksComparison } from './books';
import type { BooksWatch } from './books-watch';
import type { LockHold, LockKind } from './lock-manager';
import type { Delivery, StripeModel } from './stripe-model';
import type { WebApp } from './web-app';

export interface LockFigures {
  totalMs: number;
  /** The longest single holding. */
  maxMs: number;
  holdings: number;
}

export interface RunFigures {
  scenario: string;
  spreadsheetLatencyMs: number;
  events: number;
  forgedRequests: number;
  /** Stripe's attempts, first ones included. */
  deliveries: number;
  retries: number;
  eventsRetried: number;
  /** Events Stripe never got a 2xx for (within the run). */
  eventsUndelivered: number;
  /** doPost's verdicts, per request class (`stripe`, `forged`) and verdict. */
  answers: Record<string, Record<string, number>>;
  relayTimeouts: number;
  /** From the first event's creation until the books stopped changing and no `queued` row was left; null when the
   * books never matched the reference run's. */
  finalAfterMs: number | null;
  spreadsheetCalls: number;
  /** Lock time per lock kind, and per request class and kind. */
  locks: Partial<Record<LockKind, LockFigures>>;
  locksByClass: Record<string, Partial<Record<LockKind, LockFigures>>>;
  /** Exceptions the reference opened and auto-resolved that never opened here: their cure arrived first. */
  curedBeforeRaised: number;
  /** `Stripe Events` rows, and those that belong to Stripe's deliveries. */
  logRows: number;
  stripeLogRows: number;
  /** Stripe deliveries that doPost answered with anything but `busy` (each must leave one row). */
  loggableDeliveries: number;
  /** Events whose rows differ in number from their deliveries not answered `busy` (those with a delivery still
   * running at the end of the run are not judged). */
  eventsWithRowMismatch: number;
  queuedLeft: number;
  peakQueued: number;
  appliedOnce: boolean;
  appliedOnceProblems: string[];
  /** The stricter test: the multiset of Audit rows equals the reference run's (exception ids normalised). */
  auditMatchesReference: boolean;
  openExceptionsMatchReference: boolean;
  peakExecutions: number;
  /** Deliveries Stripe had due but not yet sent (30 in flight), and requests waiting for an execution. */
  peakStripeBacklog: number;
  peakWaitingRequests: number;
  executions: number;
  /** Virtual time the run covered from Stripe's first delivery, and the real time it took. */
  virtualMs: number;
  realMs: number;
}

export interface FiguresInput {
  scenario: string;
  spreadsheetLatencyMs: number;
  firstEventAt: number;
  firstSentAt: number;
  endedAt: number;
  realMs: number;
  stripe: StripeModel;
  webApp: WebApp;
  holds: LockHold[];
  watch: BooksWatch;
  spreadsheetCalls: number;
  books: Books;
  comparison: BooksComparison;
}

const APPLIED = new Set(['processed', 'ignored']);

export function figuresOf(input: FiguresInput): RunFigures {
  const { stripe, books, comparison, watch } = input;
  const deliveries = stripe.deliveries;
  const stripeDeliveries = deliveries.filter((d) => d.label === 'stripe');
  const fates = [...stripe.events.values()];

  const answers: Record<string, Record<string, number>> = {};
  for (const d of deliveries) {
    const verdict = d.verdict ?? 'unanswered';
    const byClass = answers[d.label] ?? {};
    byClass[verdict] = (byClass[verdict] ?? 0) + 1;
    answers[d.label] = byClass;
  }

  const locks = lockFigures(input.holds);
  const locksByClass: RunFigures['locksByClass'] = {};
  for (const label of new Set(input.holds.map((h) => h.label))) {
    locksByClass[label] = lockFigures(input.holds.filter((h) => h.label === label));
  }

  const eventIds = new Set(stripe.events.keys());
  const rowsPerEvent = countBy(
    books.log.filter((r) => eventIds.has(r.payloadEventId ?? '')),
    (r) => r.payloadEventId!,
  );
  const loggable = stripeDeliveries.filter(loggableDelivery);
  const deliveriesPerEvent = countBy(loggable, (d) => d.eventId!);
  // A delivery still running when the run stopped (at a horizon), or stopped without an answer, may or may not
  // have written its row: its event is not judged.
  const unsure = new Set(
    stripeDeliveries
      .filter((d) => (d.startedAt !== null && d.verdict === null) || d.verdict === 'unreadable')
      .map((d) => d.eventId),
  );
  let eventsWithRowMismatch = 0;
  for (const id of eventIds) {
    if (unsure.has(id)) continue;
    if ((rowsPerEvent.get(id) ?? 0) !== (deliveriesPerEvent.get(id) ?? 0)) eventsWithRowMismatch += 1;
  }

  const problems: string[] = [];
  const note = (count: number, what: string, examples: string[]) => {
    if (count > 0)
      problems.push(`${count} ${what}${examples.length ? `, e.g. ${examples.slice(0, 3).join('; ')}` : ''}`);
  };
  note(
    comparison.ledgerDifferences.length,
    'ledger cells differ from the reference',
    comparison.ledgerDifferences,
  );
  note(
    comparison.exceptionsOnlyHere.length + comparison.exceptionsOnlyInReference.length,
    'exceptions differ from the reference (reason|invoice|status|resolution)',
    [
      ...comparison.exceptionsOnlyHere.map((e) => `extra ${e}`),
      ...comparison.exceptionsOnlyInReference.map((e) => `missing ${e}`),
    ],
  );
  note(comparison.auditRepeated.length, 'Audit changes recorded twice', comparison.auditRepeated);
  note(comparison.auditBreaks.length, 'breaks in the Audit trail', comparison.auditBreaks);
  const appliedRows = countBy(
    books.log.filter((r) => APPLIED.has(r.result) && eventIds.has(r.eventId)),
    (r) => r.eventId,
  );
  const notOnce = [...eventIds].filter((id) => appliedRows.get(id) !== 1);
  note(notOnce.length, 'events without exactly one processed/ignored log row', notOnce);
  note(watch.queued, '`queued` rows left in Stripe Events', []);

  const appliedOnce = problems.length === 0;
  const settledAt = watch.settledAt;
  return {
    scenario: input.scenario,
    spreadsheetLatencyMs: input.spreadsheetLatencyMs,
    events: eventIds.size,
    forgedRequests: deliveries.length - stripeDeliveries.length,
    deliveries: stripeDeliveries.length,
    retries: stripeDeliveries.length - fates.filter((f) => f.attempts > 0).length,
    eventsRetried: fates.filter((f) => f.attempts > 1).length,
    eventsUndelivered: fates.filter((f) => f.deliveredAt === null).length,
    answers,
    relayTimeouts: deliveries.filter((d) => d.relayTimedOut).length,
    finalAfterMs: appliedOnce && settledAt !== null ? Math.max(0, settledAt - input.firstEventAt) : null,
    spreadsheetCalls: input.spreadsheetCalls,
    locks,
    locksByClass,
    logRows: books.log.length,
    stripeLogRows: [...rowsPerEvent.values()].reduce((a, b) => a + b, 0),
    loggableDeliveries: loggable.length,
    eventsWithRowMismatch,
    queuedLeft: watch.queued,
    peakQueued: watch.peakQueued,
    appliedOnce,
    appliedOnceProblems: problems,
    auditMatchesReference:
      comparison.auditOnlyHere.length === 0 && comparison.auditOnlyInReference.length === 0,
    curedBeforeRaised: comparison.curedBeforeRaised.length,
    openExceptionsMatchReference:
      comparison.openOnlyHere.length === 0 && comparison.openOnlyInReference.length === 0,
    peakExecutions: input.webApp.peakRunning,
    peakStripeBacklog: stripe.peakDue,
    peakWaitingRequests: input.webApp.peakWaiting,
    executions: input.webApp.executions.length,
    virtualMs: input.endedAt - input.firstSentAt,
    realMs: input.realMs,
  };
}

/** A delivery doPost finished with a verdict other than `busy`: the contract gives it one log row. */
function loggableDelivery(d: Delivery): boolean {
  return d.verdict !== null && d.verdict !== 'busy' && d.verdict !== 'unreadable';
}

function lockFigures(holds: LockHold[]): Partial<Record<LockKind, LockFigures>> {
  const out: Partial<Record<LockKind, LockFigures>> = {};
  for (const hold of holds) {
    const figures = out[hold.kind] ?? { totalMs: 0, maxMs: 0, holdings: 0 };
    const ms = hold.to - hold.from;
    figures.totalMs += ms;
    figures.maxMs = Math.max(figures.maxMs, ms);
    figures.holdings += 1;
    out[hold.kind] = figures;
  }
  return out;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
