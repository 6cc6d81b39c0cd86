// syncStripe() and its companions: catch up on Stripe's events, import older history, check for drift, and verify
// the ledger from its log. Each reads Stripe through one counted client and changes the books only through the apply
// step, a page at a time, under the one lock helper.

import { applyChanges } from '../core/apply/apply-step';
import type { Delivery } from '../core/apply/changes';
import { claimsForRows, parkedKeys } from '../core/apply/claims';
import { withLock } from '../core/ingest/lock-scope';
import { explainDifferences, type ReplayReport, replayFromLog } from '../core/replay';
import { BOOKKEEPING, SETTING } from '../core/settings';
import { DEFAULT_BUDGET_MS, RunBudget } from '../core/sync/budget';
import {
  type EventCursor,
  type ListedEvent,
  listedEvents,
  parseEventCursor,
  serialiseEventCursor,
} from '../core/sync/cursor';
import { type DriftReport, runDriftCheck } from '../core/sync/drift-run';
import { type AppliedPage, type EventSyncReport, runEventSync } from '../core/sync/event-sync';
import {
  type ImportCursor,
  type ImportPhase,
  newImportCursor,
  parseImportCursor,
  runImport,
} from '../core/sync/import-run';
import { listPageOf, paginate } from '../core/sync/paginate';
import { eventsQuery, PAGE_SIZE, type Query } from '../core/sync/query';
import {
  disputeSnapshotEvent,
  hasInvoicePayments,
  invoicePaymentSnapshotEvent,
  invoiceSnapshotEvent,
  payoutSnapshotEvent,
  refundSnapshotEvent,
} from '../core/sync/snapshots';
import { errorMessage } from '../shared/error-message';
import { checkAfterSync } from './after-sync';
import { type LedgerContext, ledgerContext } from './context';
import { decideHeldPayments, type HeldDecision } from './held-payments';
import { type PayoutReconciliation, reconcilePayouts } from './payout-reconciliation';
import { recordUsage } from './quota';
import { StripeApiError, type StripeClient } from './stripe-client';

/** A page holds the lock for seconds; a webhook waiting longer than this would rather be recorded as queued. */
const SYNC_LOCK_WAIT_MS = 20_000;
const DRIFT_EVERY_MS = 24 * 60 * 60_000;
const DAY_SECONDS = 24 * 60 * 60;
/** Stripe keeps events for 30 days: older history comes from the list endpoints. */
const EVENT_WINDOW_SECONDS = 30 * DAY_SECONDS;

type Json = Record<string, unknown>;

export interface SyncOptions {
  /** Run-time budget; default 4.5 minutes of Apps Script's 6. */
  budgetMs?: number;
  /** The clock the budget reads (tests move it to simulate the time limit). */
  nowMs?: () => number;
  /** Jitter source for retries. */
  random?: () => number;
  /** A time-driven run: its duration counts against the daily trigger quota. */
  triggered?: boolean;
  /** Check drift in this run even if one ran in the last day. */
  forceDrift?: boolean;
}

export interface SyncRunSummary {
  ok: boolean;
  message: string;
  events: EventSyncReport | null;
  importStatus: ImportCursor | null;
  drift: DriftReport | null;
  /** Held payments decided this run (UNMATCHED_PAYMENT, a row, or a parked invoice). */
  held: HeldDecision | null;
  payouts: PayoutReconciliation | null;
  urlFetches: number;
  retries: number;
  elapsedMs: number;
}

interface SyncRun {
  context: LedgerContext;
  client: StripeClient;
  budget: RunBudget;
}

function openRun(options: SyncOptions): { run: SyncRun | null; context: LedgerContext } {
  const nowMs = options.nowMs ?? (() => Date.now());
  const budget = new RunBudget(nowMs, nowMs(), options.budgetMs ?? DEFAULT_BUDGET_MS);
  const context = ledgerContext({ nowMs, random: options.random, remainingMs: () => budget.remainingMs() });
  const client = context.stripe();
  return { run: client ? { context, client, budget } : null, context };
}

/** Applies events, oldest first, through the apply step under the lock; the cursor may pass the settled ones. */
function applyEvents(run: SyncRun, events: ListedEvent[]): AppliedPage | 'busy' {
  const receivedAt = run.context.clock.now();
  const deliveries: Delivery[] = events.map((event) => ({
    payload: event.payload,
    receivedAt,
    source: 'sync',
    verification: 'api',
    logRow: null,
  }));
  const outcome = withLock(run.context.lockedWork(), SYNC_LOCK_WAIT_MS, (books) =>
    applyChanges(books, deliveries, {}, { stopAtFirstError: true }),
  );
  if (!outcome.held) return 'busy';
  const page: AppliedPage = { processed: 0, duplicate: 0, ignored: 0, rejected: 0, error: 0, settled: 0 };
  let settling = true;
  for (const delivery of outcome.value.deliveries) {
    if (delivery.result === 'processed') page.processed += 1;
    else if (delivery.result === 'duplicate') page.duplicate += 1;
    else if (delivery.result === 'ignored') page.ignored += 1;
    else if (delivery.result === 'rejected') page.rejected += 1;
    else page.error += 1;
    if (delivery.result === 'error' || delivery.result === 'queued') settling = false;
    if (settling) page.settled += 1;
  }
  return page;
}

// ---------------------------------------------------------------------------------------------------------------
// syncStripe()

/** Time trigger and menu: catch up on events, then continue an import, then check drift once a day. */
export function syncStripe(e?: { triggerUid?: string }): SyncRunSummary {
  try {
    return runSync({ triggered: Boolean(e && typeof e === 'object' && 'triggerUid' in e) });
  } finally {
    // Issue 10: settlement timers and alerts after each sync, kept apart (src/gas/after-sync.ts); never throws.
    checkAfterSync();
  }
}

export function runSync(options: SyncOptions = {}): SyncRunSummary {
  const properties = PropertiesService.getScriptProperties();
  const clock = options.nowMs ?? (() => Date.now());
  const started = clock();
  const summary: SyncRunSummary = {
    ok: false,
    message: '',
    events: null,
    importStatus: null,
    drift: null,
    held: null,
    payouts: null,
    urlFetches: 0,
    retries: 0,
    elapsedMs: 0,
  };
  const running = Number(properties.getProperty(BOOKKEEPING.syncRunning) ?? 0);
  if (running && Date.now() - running < 6 * 60_000) {
    summary.message = 'Another sync is still running; this one stopped.';
    return summary;
  }
  let run: SyncRun | null = null;
  let configurationError: StripeApiError | null = null;
  properties.setProperty(BOOKKEEPING.syncRunning, String(Date.now()));
  try {
    const opened = openRun(options);
    run = opened.run;
    // Whatever the key, sync completes an interrupted batch and applies deliveries left queued.
    withLock(opened.context.lockedWork(), SYNC_LOCK_WAIT_MS, () => undefined, { forceDrain: true });
    if (!run) {
      // Without a key there is nothing to read, but money held past its grace window is still decided here.
      summary.held = decideHeldPayments(opened.context);
      const problems = opened.context.settings.problems.filter((p) => p.includes(SETTING.apiKey));
      summary.message =
        problems[0] ??
        'No STRIPE_API_KEY in the script properties: add a restricted read-only key (rk_…) to sync.';
      return summary;
    }
    const active = run;
    summary.events = runEventSync({
      budget: active.budget,
      loadCursor: () => parseEventCursor(properties.getProperty(BOOKKEEPING.syncCursor)),
      saveCursor: (cursor: EventCursor) =>
        properties.setProperty(BOOKKEEPING.syncCursor, serialiseEventCursor(cursor)),
      listEvents: (request) => {
        const page = active.client.get('/v1/events', eventsQuery(request));
        return { events: listedEvents(page.data), hasMore: page.has_more === true };
      },
      applyPage: (events) => applyEvents(active, events),
    });
    summary.ok = summary.events.stopped !== 'failed';
    summary.message = summary.events.message;
    if (summary.events.caughtUp) {
      claimParkedEvidence(active.context);
      // Every event Stripe has is applied by now: a payment still held past its grace window belongs to nothing.
      if (active.budget.allows()) summary.held = decideHeldPayments(active.context);
      const pending = readImportCursor();
      if (pending && pending.phase !== 'done' && active.budget.allows()) {
        summary.importStatus = continueImport(active, pending);
      }
      if (active.budget.allows()) {
        summary.payouts = reconcilePayouts(
          active.context,
          active.client,
          (events) => applyEvents(active, events),
          () => active.budget.allows(),
        );
      }
      const lastDrift = Number(properties.getProperty(BOOKKEEPING.driftCheckedAt) ?? 0);
      const due = options.forceDrift || Date.now() - lastDrift >= DRIFT_EVERY_MS;
      if (due && active.budget.allows()) {
        // Once a day: the spreadsheet's time zone, which the webhook path reads from a property, may have changed.
        active.context.book.refreshTimeZone();
        summary.drift = driftCheck(active);
      }
    }
  } catch (error) {
    summary.ok = false;
    summary.message = errorMessage(error);
    if (error instanceof StripeApiError && error.isConfiguration) configurationError = error;
  } finally {
    summary.elapsedMs = clock() - started;
    summary.urlFetches = run?.client.fetches ?? 0;
    summary.retries = run?.client.retries ?? 0;
    recordUsage({
      urlFetches: summary.urlFetches,
      triggerMs: options.triggered ? summary.elapsedMs : 0,
      runs: 1,
    });
    properties.setProperty(BOOKKEEPING.syncStatus, JSON.stringify(statusOf(summary)));
    properties.deleteProperty(BOOKKEEPING.syncRunning);
  }
  // A key Stripe refuses will not fix itself: failing the trigger makes Apps Script email the owner.
  if (configurationError && options.triggered) throw configurationError;
  return summary;
}

export interface SyncStatusRecord {
  at: string;
  ok: boolean;
  message: string;
  listRequests: number;
  processed: number;
  duplicates: number;
  pagesApplied: number;
  caughtUp: boolean;
  urlFetches: number;
  elapsedMs: number;
}

function statusOf(summary: SyncRunSummary): SyncStatusRecord {
  return {
    at: new Date().toISOString(),
    ok: summary.ok,
    message: summary.message,
    listRequests: summary.events?.listRequests ?? 0,
    processed: summary.events?.processed ?? 0,
    duplicates: summary.events?.duplicates ?? 0,
    pagesApplied: summary.events?.pagesApplied ?? 0,
    caughtUp: summary.events?.caughtUp ?? false,
    urlFetches: summary.urlFetches,
    elapsedMs: summary.elapsedMs,
  };
}

/** Rows typed in since an event was parked claim it: through the apply step, as a system match. */
export function claimParkedEvidence(context: LedgerContext): number {
  const properties = PropertiesService.getScriptProperties();
  // Nothing parked since the last look: no sheet is read (an idle sync stays one list request).
  if (properties.getProperty(BOOKKEEPING.parkedEvidence) !== '1') return 0;
  const outcome = withLock(context.lockedWork(), SYNC_LOCK_WAIT_MS, (books) => {
    const records = context.exceptions.readAll();
    const keys = parkedKeys(records);
    if (keys.length === 0) {
      properties.deleteProperty(BOOKKEEPING.parkedEvidence);
      return 0;
    }
    const index = context.ledger.find(keys, []);
    const reviews = claimsForRows(records, (invoiceId) => index.byInvoice(invoiceId) !== null);
    if (reviews.length === 0) return 0;
    return applyChanges(books, [], { reviews }).reviews.filter((r) => r.result === 'applied').length;
  });
  return outcome.held ? outcome.value : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// History import

export function readImportCursor(): ImportCursor | null {
  return parseImportCursor(PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.importCursor));
}

/**
 * Starts (or restarts) an import of invoices, refunds and disputes created before `before` (default: the start of
 * Stripe's 30-day event window), then runs as much of it as fits; syncStripe() continues it on later runs.
 */
export function importHistory(before?: Date, options: SyncOptions = {}): SyncRunSummary {
  const now = Math.floor(Date.now() / 1000);
  const cursor = newImportCursor(
    before ? Math.floor(before.getTime() / 1000) : now - EVENT_WINDOW_SECONDS,
    new Date().toISOString(),
  );
  PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.importCursor, JSON.stringify(cursor));
  return runSync(options);
}

function continueImport(run: SyncRun, start: ImportCursor): ImportCursor {
  const version = run.client.apiVersion;
  return runImport(
    {
      listPage: (cursor) => {
        const { path, query } = importQuery(cursor, version);
        return listPageOf(run.client.get(path, query));
      },
      eventsFor: (phase, object) => importEvents(run.client, phase, object, version),
      apply: (events) => applyEvents(run, events),
      saveCursor: (cursor) =>
        PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.importCursor, JSON.stringify(cursor)),
      budget: run.budget,
      nowIso: () => new Date().toISOString(),
    },
    start,
  );
}

function importQuery(cursor: ImportCursor, version: string): { path: string; query: Query } {
  const query: Query = [
    ['limit', String(PAGE_SIZE)],
    ['created[lt]', String(cursor.before)],
  ];
  if (cursor.startingAfter) query.push(['starting_after', cursor.startingAfter]);
  if (cursor.phase === 'invoices') {
    // `payments` is includable from basil on: the first payments come with the invoice, saving a request each.
    if (hasInvoicePayments(version)) query.push(['expand[]', 'data.payments']);
    return { path: '/v1/invoices', query };
  }
  if (cursor.phase === 'refunds') {
    query.push(['expand[]', 'data.charge']);
    return { path: '/v1/refunds', query };
  }
  if (cursor.phase === 'payouts') return { path: '/v1/payouts', query };
  return { path: '/v1/disputes', query };
}

function importEvents(
  client: StripeClient,
  phase: ImportPhase,
  object: Json,
  version: string,
): ListedEvent[] {
  const events: (Json | null)[] = [];
  if (phase === 'invoices') {
    events.push(invoiceSnapshotEvent(object, version));
    if (hasInvoicePayments(version) && object.status !== 'draft') {
      for (const payment of invoicePayments(client, object)) {
        events.push(invoicePaymentSnapshotEvent(payment, version));
      }
    }
  } else if (phase === 'refunds') {
    const charge = object.charge;
    if (charge && typeof charge === 'object') {
      events.push(refundSnapshotEvent(charge as Json, Number(object.created) || 0, version));
    }
  } else if (phase === 'disputes') {
    events.push(disputeSnapshotEvent(object, version));
  } else if (phase === 'payouts') {
    events.push(payoutSnapshotEvent(object, version));
  }
  return events
    .filter((event): event is Json => event !== null)
    .map((event) => ({
      id: String(event.id),
      created: Number(event.created),
      payload: JSON.stringify(event),
    }));
}

/** The invoice's payments: those included with it, and the rest from /v1/invoice_payments when there are more. */
function invoicePayments(client: StripeClient, invoice: Json): Json[] {
  const included = invoice.payments as { data?: unknown; has_more?: unknown } | undefined;
  if (included && Array.isArray(included.data) && included.has_more !== true) return included.data as Json[];
  const payments: Json[] = [];
  paginate(
    (after) => {
      const query: Query = [
        ['invoice', String(invoice.id)],
        ['limit', String(PAGE_SIZE)],
      ];
      if (after) query.push(['starting_after', after]);
      return listPageOf(client.get('/v1/invoice_payments', query));
    },
    (page) => {
      payments.push(...page.data);
      return true;
    },
  );
  return payments;
}

// ---------------------------------------------------------------------------------------------------------------
// Drift

/** Menu: compares now, whatever the last check. */
export function checkDrift(days?: number, options: SyncOptions = {}): DriftReport | null {
  const { run } = openRun(options);
  if (!run) return null;
  try {
    return driftCheck(run, days);
  } finally {
    recordUsage({ urlFetches: run.client.fetches });
  }
}

function driftCheck(run: SyncRun, days: number = run.context.settings.driftDays): DriftReport {
  const report = runDriftCheck(
    {
      ledgerRows: () => run.context.ledger.readAll(),
      listInvoices: (since, after) => {
        const query: Query = [
          ['limit', String(PAGE_SIZE)],
          ['created[gte]', String(since)],
        ];
        if (after) query.push(['starting_after', after]);
        return listPageOf(run.client.get('/v1/invoices', query));
      },
      fetchInvoice: (id) => run.client.get(`/v1/invoices/${encodeURIComponent(id)}`),
      apply: (findings) => {
        const outcome = withLock(run.context.lockedWork(), SYNC_LOCK_WAIT_MS, (books) =>
          applyChanges(books, [], { findings }),
        );
        return outcome.held ? outcome.value : 'busy';
      },
      apiVersion: run.client.apiVersion,
      nowSeconds: Math.floor(Date.now() / 1000),
    },
    days,
  );
  if (!report.busy) {
    PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.driftCheckedAt, String(Date.now()));
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------------------
// Verify from the log

/** Replays `Stripe Events` into a scratch copy of the maintained columns and lists where the ledger differs. */
export function verifyFromLog(): ReplayReport {
  const context = ledgerContext();
  const rows = context.ledger.readAll();
  const events = context.log.readAllEvents();
  const report = replayFromLog(rows, events, { timeZone: context.book.timeZone });
  return { ...report, differences: explainDifferences(report.differences, context.audit.readAll()) };
}
