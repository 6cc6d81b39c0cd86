// The history import as a loop over ports: invoices, then refunds, disputes and payouts created before Stripe's
// 30-day event window, each page turned into the events that describe those objects and applied through the apply step. Resumable:
// the cursor is saved after every page, and a page is applied before the cursor passes it.

import type { RunBudget } from './budget';
import type { ListedEvent } from './cursor';
import type { AppliedPage } from './event-sync';
import type { ListPage } from './paginate';

export type ImportPhase = 'invoices' | 'refunds' | 'disputes' | 'payouts' | 'done';

export interface ImportCursor {
  v: 1;
  phase: ImportPhase;
  /** Objects created before this (unix seconds) are imported; the event sync covers the rest. */
  before: number;
  startingAfter: string | null;
  imported: { invoices: number; refunds: number; disputes: number; payouts?: number; events: number };
  startedAt: string;
  finishedAt: string | null;
}

export const NEXT_PHASE: Readonly<Record<ImportPhase, ImportPhase>> = {
  invoices: 'refunds',
  refunds: 'disputes',
  disputes: 'payouts',
  payouts: 'done',
  done: 'done',
};

type Json = Record<string, unknown>;

export interface ImportPorts {
  /** One page of the phase's list, created before `cursor.before`, after `cursor.startingAfter`. */
  listPage(cursor: ImportCursor): ListPage<Json>;
  /** The events that describe one object of the phase (an invoice's payments may need their own reads). */
  eventsFor(phase: ImportPhase, object: Json): ListedEvent[];
  /** Applies events, oldest first, under the script lock; 'busy' when the lock was not had. */
  apply(events: ListedEvent[]): AppliedPage | 'busy';
  saveCursor(cursor: ImportCursor): void;
  budget: RunBudget;
  /** ISO time, for the cursor's `finishedAt`. */
  nowIso(): string;
}

export function newImportCursor(before: number, nowIso: string): ImportCursor {
  return {
    v: 1,
    phase: 'invoices',
    before,
    startingAfter: null,
    imported: { invoices: 0, refunds: 0, disputes: 0, payouts: 0, events: 0 },
    startedAt: nowIso,
    finishedAt: null,
  };
}

export function parseImportCursor(raw: string | null): ImportCursor | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as ImportCursor;
    return value && value.v === 1 && typeof value.phase === 'string' ? value : null;
  } catch {
    return null;
  }
}

export function runImport(ports: ImportPorts, start: ImportCursor): ImportCursor {
  let cursor = start;
  while (cursor.phase !== 'done' && ports.budget.allows()) {
    const page = ports.listPage(cursor);
    const events: ListedEvent[] = [];
    for (const object of page.data) events.push(...ports.eventsFor(cursor.phase, object));
    events.sort((a, b) => a.created - b.created);
    if (events.length > 0) {
      const outcome = ports.budget.time(() => ports.apply(events));
      // A page not fully applied is read again next run: the cursor does not pass it.
      if (outcome === 'busy' || outcome.settled < events.length) break;
    }
    const last = page.data[page.data.length - 1];
    const counted = { ...cursor.imported, events: cursor.imported.events + events.length };
    if (cursor.phase === 'invoices') counted.invoices += page.data.length;
    if (cursor.phase === 'refunds') counted.refunds += page.data.length;
    if (cursor.phase === 'disputes') counted.disputes += page.data.length;
    if (cursor.phase === 'payouts') counted.payouts = (counted.payouts ?? 0) + page.data.length;
    const phaseDone = !page.hasMore || !last;
    const phase = phaseDone ? NEXT_PHASE[cursor.phase] : cursor.phase;
    cursor = {
      ...cursor,
      phase,
      startingAfter: phaseDone ? null : String(last?.id ?? ''),
      imported: counted,
      finishedAt: phase === 'done' ? ports.nowIso() : null,
    };
    ports.saveCursor(cursor);
  }
  return cursor;
}
