// One run of the event sync: a loop over ports, so the same code runs in Apps Script and in tests.

import type { RunBudget } from './budget';
import {
  advanceCursor,
  type EventCursor,
  knownToCursor,
  type ListedEvent,
  MAX_BUFFERED_PAGES,
  serialiseEventCursor,
  windowStart,
} from './cursor';
import type { EventsPageRequest } from './query';

export interface EventsPage {
  /** Newest first, as Stripe lists them. */
  events: ListedEvent[];
  hasMore: boolean;
}

export interface AppliedPage {
  processed: number;
  duplicate: number;
  ignored: number;
  rejected: number;
  error: number;
  /** How many of the events given (oldest first) are settled: applied or answered, before any failure. */
  settled: number;
}

export interface EventSyncPorts {
  listEvents(request: EventsPageRequest): EventsPage;
  loadCursor(): EventCursor | null;
  saveCursor(cursor: EventCursor): void;
  /** Applies events, oldest first, under the script lock; 'busy' when the lock was not had. */
  applyPage(events: ListedEvent[]): AppliedPage | 'busy';
  budget: RunBudget;
}

export type SyncStop = 'time' | 'busy' | 'failed' | null;

export interface EventSyncReport {
  listRequests: number;
  pagesApplied: number;
  eventsListed: number;
  /** Re-read inside the overlap window and known from the cursor: no sheet was touched for them. */
  eventsKnown: number;
  processed: number;
  duplicates: number;
  ignored: number;
  rejected: number;
  errors: number;
  stopped: SyncStop;
  caughtUp: boolean;
  cursor: EventCursor | null;
  message: string;
}

/** Time a list request may take, retries included, before the budget says stop. */
const LIST_STEP_MS = 15_000;

/**
 * Reads every event since the cursor (minus the overlap) and applies them oldest first, one page at a time, saving
 * the cursor after each page. Stripe lists newest first, so the run first walks back to the oldest unread event
 * (⌈N/100⌉ requests, pages held in memory), then applies. A backlog deeper than MAX_BUFFERED_PAGES keeps the oldest
 * pages and reads the rest forward with `ending_before` once they are applied.
 */
export function runEventSync(ports: EventSyncPorts): EventSyncReport {
  const report: EventSyncReport = {
    listRequests: 0,
    pagesApplied: 0,
    eventsListed: 0,
    eventsKnown: 0,
    processed: 0,
    duplicates: 0,
    ignored: 0,
    rejected: 0,
    errors: 0,
    stopped: null,
    caughtUp: false,
    cursor: ports.loadCursor(),
    message: '',
  };
  const list = (request: EventsPageRequest): EventsPage => {
    report.listRequests += 1;
    const page = ports.listEvents(request);
    report.eventsListed += page.events.length;
    return page;
  };
  const stop = (why: Exclude<SyncStop, null>, message: string): EventSyncReport => {
    report.stopped = why;
    report.message = message;
    return report;
  };

  const since = windowStart(report.cursor);
  const buffered: ListedEvent[][] = [];
  let droppedNewer = false;
  let startingAfter: string | null = null;
  for (;;) {
    if (!ports.budget.allows(LIST_STEP_MS))
      return stop('time', 'Stopped before the time limit; the next run continues.');
    const page = list({ direction: 'back', since, startingAfter });
    if (page.events.length > 0) buffered.push(page.events);
    if (buffered.length > MAX_BUFFERED_PAGES) {
      buffered.shift();
      droppedNewer = true;
    }
    const last = page.events[page.events.length - 1];
    if (!page.hasMore || !last) break;
    startingAfter = last.id;
  }

  const apply = (newestFirst: ListedEvent[]): boolean => {
    const events = [...newestFirst].reverse();
    const fresh = events.filter((event) => !knownToCursor(report.cursor, event.id));
    report.eventsKnown += events.length - fresh.length;
    if (fresh.length === 0) {
      const next = advanceCursor(report.cursor, events);
      if (serialiseEventCursor(next) !== (report.cursor ? serialiseEventCursor(report.cursor) : '')) {
        ports.saveCursor(next);
        report.cursor = next;
      }
      return true;
    }
    if (!ports.budget.allows()) {
      stop('time', 'Stopped before the time limit; the next run continues.');
      return false;
    }
    const outcome = ports.budget.time(() => ports.applyPage(fresh));
    if (outcome === 'busy') {
      stop('busy', 'Another execution held the script lock; the next run continues.');
      return false;
    }
    report.processed += outcome.processed;
    report.duplicates += outcome.duplicate;
    report.ignored += outcome.ignored;
    report.rejected += outcome.rejected;
    report.errors += outcome.error;
    report.pagesApplied += 1;
    // The cursor passes only what is settled: a failed event and those after it are read again next run.
    const firstUnsettled = fresh[outcome.settled];
    const settled = firstUnsettled ? events.slice(0, events.indexOf(firstUnsettled)) : events;
    const next = advanceCursor(report.cursor, settled);
    ports.saveCursor(next);
    report.cursor = next;
    if (firstUnsettled) {
      stop('failed', `Applying ${firstUnsettled.id} failed; the next run tries it again.`);
      return false;
    }
    return true;
  };

  for (let i = buffered.length - 1; i >= 0; i--) {
    if (!apply(buffered[i] ?? [])) return report;
  }
  if (droppedNewer) {
    let endingBefore = newestId(buffered[0]);
    while (endingBefore) {
      if (!ports.budget.allows(LIST_STEP_MS))
        return stop('time', 'Stopped before the time limit; the next run continues.');
      const page = list({ direction: 'forward', endingBefore });
      if (!apply(page.events)) return report;
      if (!page.hasMore) break;
      endingBefore = newestId(page.events);
    }
  }
  report.caughtUp = true;
  report.message =
    report.processed + report.ignored + report.rejected === 0
      ? 'Up to date: nothing new in Stripe.'
      : `Applied ${report.processed} new event${report.processed === 1 ? '' : 's'} from Stripe.`;
  return report;
}

function newestId(newestFirst: ListedEvent[] | undefined): string | null {
  return newestFirst?.[0]?.id ?? null;
}
