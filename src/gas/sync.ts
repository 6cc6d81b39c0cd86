// syncStripe() and its companions: catch up on Stripe's events, import older history, check for drift, and verify
// the ledger from its log. Each reads Stripe through one counted client and writes through the same pipeline as
// the webhook, a page at a time under the script lock.

import { ingestPage, type PageTargets } from '../core/batching';
import type { ExceptionDraft } from '../core/ledger-row';
import type { PipelineDeps } from '../core/pipeline';
import { SYSTEM_ACTOR } from '../core/pipeline';
import type { AuditEntry } from '../core/ports';
import { explainDifferences, type ReplayReport, replayFromLog } from '../core/replay';
import {
  type AppliedPage,
  DEFAULT_BUDGET_MS,
  disputeSnapshotEvent,
  driftDraft,
  type EventSyncReport,
  eventsQuery,
  hasInvoicePayments,
  invoicePaymentSnapshotEvent,
  invoiceSnapshotEvent,
  type ListedEvent,
  listedEvents,
  PAGE_SIZE,
  parseEventCursor,
  type Query,
  RunBudget,
  refundSnapshotEvent,
  runEventSync,
  serialiseEventCursor,
} from '../core/sync';
import { checkAfterSync } from './after-sync';
import { SheetAuditTrail } from './audit';
import { SheetEventLog } from './event-log';
import { SheetExceptionQueue } from './exceptions';
import { SheetLedger } from './ledger';
import { paymentLinksVia } from './payment-links';
import { recordUsage } from './quota';
import { StripeApiError, type StripeClient, stripeClientFromProperties } from './stripe-client';
import {
  LoggedEventIds,
  PageExceptions,
  PageLedger,
  readAuditEntries,
  readLedgerRows,
  readLoggedEvents,
} from './sync-sheets';
import { webhookDeps } from './webapp';
import { Workbook } from './workbook';

export const SYNC_PROPERTY = {
  cursor: 'STRIPE_SYNC_CURSOR',
  status: 'STRIPE_SYNC_STATUS',
  running: 'STRIPE_SYNC_RUNNING',
  import: 'STRIPE_IMPORT_CURSOR',
  driftCheckedAt: 'STRIPE_DRIFT_CHECKED_AT',
  /** Owner setting: how many days back the drift check looks (default 7). */
  driftDays: 'SYNC_DRIFT_DAYS',
} as const;

/** A page holds the lock for seconds; a webhook waiting longer than this would rather be retried by Stripe. */
const SYNC_LOCK_WAIT_MS = 20_000;
const DRIFT_EVERY_MS = 24 * 60 * 60_000;
const DEFAULT_DRIFT_DAYS = 7;
/** Invoices fetched one by one in a drift check (active rows the creation-date list does not cover). */
const DRIFT_SINGLE_FETCHES = 50;
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
  urlFetches: number;
  retries: number;
  elapsedMs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The run's context

interface SyncContext {
  book: Workbook;
  client: StripeClient;
  budget: RunBudget;
  base: PipelineDeps;
  sheets: {
    ledger: SheetLedger;
    pageLedger: PageLedger;
    pageExceptions: PageExceptions;
    eventLog: SheetEventLog;
    exceptions: SheetExceptionQueue;
    audit: SheetAuditTrail;
    loggedIds: LoggedEventIds;
  };
}

function openContext(options: SyncOptions): SyncContext | null {
  const nowMs = options.nowMs ?? (() => Date.now());
  const budget = new RunBudget(nowMs, nowMs(), options.budgetMs ?? DEFAULT_BUDGET_MS);
  const client = stripeClientFromProperties({
    random: options.random,
    remainingMs: () => budget.remainingMs(),
  });
  if (!client) return null;
  const book = new Workbook();
  const ledger = new SheetLedger(book);
  const exceptions = new SheetExceptionQueue(book);
  const base: PipelineDeps = { ...webhookDeps(book), paymentLinks: paymentLinksVia(() => client) };
  return {
    book,
    client,
    budget,
    base,
    sheets: {
      ledger,
      pageLedger: new PageLedger(book, ledger),
      pageExceptions: new PageExceptions(book, exceptions),
      eventLog: new SheetEventLog(book),
      exceptions,
      audit: new SheetAuditTrail(book),
      loggedIds: new LoggedEventIds(book),
    },
  };
}

/** Applies events, oldest first, through the pipeline with batched writes, under the script lock. */
function applyEvents(context: SyncContext, events: ListedEvent[]): AppliedPage | 'busy' {
  const { base, sheets } = context;
  if (!base.lock.tryLock(SYNC_LOCK_WAIT_MS)) return 'busy';
  try {
    sheets.pageExceptions.refresh();
    const targets: PageTargets = {
      ledger: sheets.pageLedger,
      exceptions: sheets.pageExceptions,
      audit: sheets.audit,
      eventLog: sheets.eventLog,
      loggedEventIds: sheets.loggedIds.refresh(),
    };
    const result = ingestPage(base, targets, events, base.clock.now());
    // Other executions read the sheet as soon as the lock is free: pending writes must land first.
    SpreadsheetApp.flush();
    return { ...result.tally, settled: result.settled };
  } finally {
    base.lock.release();
  }
}

function listPage(client: StripeClient, path: string, query: Query): { data: Json[]; hasMore: boolean } {
  const page = client.get(path, query);
  const data = Array.isArray(page.data)
    ? (page.data.filter((item) => item && typeof item === 'object') as Json[])
    : [];
  return { data, hasMore: page.has_more === true };
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
    urlFetches: 0,
    retries: 0,
    elapsedMs: 0,
  };
  const running = Number(properties.getProperty(SYNC_PROPERTY.running) ?? 0);
  if (running && Date.now() - running < 6 * 60_000) {
    summary.message = 'Another sync is still running; this one stopped.';
    return summary;
  }
  let context: SyncContext | null = null;
  let configurationError: StripeApiError | null = null;
  properties.setProperty(SYNC_PROPERTY.running, String(Date.now()));
  try {
    context = openContext(options);
    if (!context) {
      summary.message =
        'No STRIPE_API_KEY in the script properties: add a restricted read-only key (rk_…) to sync.';
      return summary;
    }
    const ctx = context;
    summary.events = runEventSync({
      budget: ctx.budget,
      loadCursor: () => parseEventCursor(properties.getProperty(SYNC_PROPERTY.cursor)),
      saveCursor: (cursor) => properties.setProperty(SYNC_PROPERTY.cursor, serialiseEventCursor(cursor)),
      listEvents: (request) => {
        const page = ctx.client.get('/v1/events', eventsQuery(request));
        return { events: listedEvents(page.data), hasMore: page.has_more === true };
      },
      applyPage: (events) => applyEvents(ctx, events),
    });
    summary.ok = summary.events.stopped !== 'failed';
    summary.message = summary.events.message;
    if (summary.events.caughtUp) {
      const pending = readImportCursor();
      if (pending && pending.phase !== 'done' && ctx.budget.allows()) {
        summary.importStatus = continueImport(ctx, pending);
      }
      const lastDrift = Number(properties.getProperty(SYNC_PROPERTY.driftCheckedAt) ?? 0);
      const due = options.forceDrift || Date.now() - lastDrift >= DRIFT_EVERY_MS;
      if (due && ctx.budget.allows()) summary.drift = runDriftCheck(ctx, driftDays());
    }
  } catch (error) {
    summary.ok = false;
    summary.message = error instanceof Error ? error.message : String(error);
    if (error instanceof StripeApiError && error.isConfiguration) configurationError = error;
  } finally {
    summary.elapsedMs = clock() - started;
    summary.urlFetches = context?.client.fetches ?? 0;
    summary.retries = context?.client.retries ?? 0;
    recordUsage({
      urlFetches: summary.urlFetches,
      triggerMs: options.triggered ? summary.elapsedMs : 0,
      runs: 1,
    });
    properties.setProperty(SYNC_PROPERTY.status, JSON.stringify(statusOf(summary)));
    properties.deleteProperty(SYNC_PROPERTY.running);
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

// ---------------------------------------------------------------------------------------------------------------
// History import

export type ImportPhase = 'invoices' | 'refunds' | 'disputes' | 'done';

export interface ImportCursor {
  v: 1;
  phase: ImportPhase;
  /** Objects created before this (unix seconds) are imported; the event sync covers the rest. */
  before: number;
  startingAfter: string | null;
  imported: { invoices: number; refunds: number; disputes: number; events: number };
  startedAt: string;
  finishedAt: string | null;
}

const NEXT_PHASE: Record<ImportPhase, ImportPhase> = {
  invoices: 'refunds',
  refunds: 'disputes',
  disputes: 'done',
  done: 'done',
};

export function readImportCursor(): ImportCursor | null {
  const raw = PropertiesService.getScriptProperties().getProperty(SYNC_PROPERTY.import);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as ImportCursor;
    return value.v === 1 ? value : null;
  } catch {
    return null;
  }
}

function saveImportCursor(cursor: ImportCursor): void {
  PropertiesService.getScriptProperties().setProperty(SYNC_PROPERTY.import, JSON.stringify(cursor));
}

/**
 * Starts (or restarts) an import of invoices, refunds and disputes created before `before` (default: the start of
 * Stripe's 30-day event window), then runs as much of it as fits; syncStripe() continues it on later runs.
 */
export function importHistory(before?: Date, options: SyncOptions = {}): SyncRunSummary {
  const now = Math.floor(Date.now() / 1000);
  saveImportCursor({
    v: 1,
    phase: 'invoices',
    before: before ? Math.floor(before.getTime() / 1000) : now - EVENT_WINDOW_SECONDS,
    startingAfter: null,
    imported: { invoices: 0, refunds: 0, disputes: 0, events: 0 },
    startedAt: new Date().toISOString(),
    finishedAt: null,
  });
  return runSync(options);
}

function continueImport(context: SyncContext, start: ImportCursor): ImportCursor {
  let cursor = start;
  const version = context.client.apiVersion;
  while (cursor.phase !== 'done' && context.budget.allows()) {
    const { path, query } = importQuery(cursor, version);
    const page = listPage(context.client, path, query);
    const events: ListedEvent[] = [];
    for (const object of page.data)
      events.push(...importEvents(context.client, cursor.phase, object, version));
    events.sort((a, b) => a.created - b.created);
    if (events.length > 0) {
      const outcome = context.budget.time(() => applyEvents(context, events));
      if (outcome === 'busy' || outcome.settled < events.length) break;
    }
    const last = page.data[page.data.length - 1];
    const counted = { ...cursor.imported, events: cursor.imported.events + events.length };
    if (cursor.phase === 'invoices') counted.invoices += page.data.length;
    if (cursor.phase === 'refunds') counted.refunds += page.data.length;
    if (cursor.phase === 'disputes') counted.disputes += page.data.length;
    const phaseDone = !page.hasMore || !last;
    const phase = phaseDone ? NEXT_PHASE[cursor.phase] : cursor.phase;
    cursor = {
      ...cursor,
      phase,
      startingAfter: phaseDone ? null : String(last?.id ?? ''),
      imported: counted,
      finishedAt: phase === 'done' ? new Date().toISOString() : null,
    };
    saveImportCursor(cursor);
  }
  return cursor;
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
      for (const payment of invoicePayments(client, object))
        events.push(invoicePaymentSnapshotEvent(payment, version));
    }
  } else if (phase === 'refunds') {
    const charge = object.charge;
    if (charge && typeof charge === 'object') {
      events.push(refundSnapshotEvent(charge as Json, Number(object.created) || 0, version));
    }
  } else if (phase === 'disputes') {
    events.push(disputeSnapshotEvent(object, version));
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
  let startingAfter: string | null = null;
  for (;;) {
    const query: Query = [
      ['invoice', String(invoice.id)],
      ['limit', String(PAGE_SIZE)],
    ];
    if (startingAfter) query.push(['starting_after', startingAfter]);
    const page = listPage(client, '/v1/invoice_payments', query);
    payments.push(...page.data);
    const last = page.data[page.data.length - 1];
    if (!page.hasMore || !last) return payments;
    startingAfter = String(last.id);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Drift

export interface DriftReport {
  invoicesChecked: number;
  opened: string[];
  alreadyOpen: number;
}

/** Menu: compares now, whatever the last check. */
export function checkDrift(days?: number, options: SyncOptions = {}): DriftReport | null {
  const context = openContext(options);
  if (!context) return null;
  try {
    return runDriftCheck(context, days ?? driftDays());
  } finally {
    recordUsage({ urlFetches: context.client.fetches });
  }
}

function driftDays(): number {
  const value = Number(PropertiesService.getScriptProperties().getProperty(SYNC_PROPERTY.driftDays));
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_DRIFT_DAYS;
}

/**
 * For invoices active in the last `days` — created then (one list), or with ledger evidence from then (fetched one by
 * one, capped) — compares `Payment Status` with Stripe's current invoice and opens one DRIFT exception per row.
 */
function runDriftCheck(context: SyncContext, days: number): DriftReport {
  const { book, client, base, sheets } = context;
  const since = Math.floor(Date.now() / 1000) - Math.round(days * DAY_SECONDS);
  const rows = new Map(readLedgerRows(book, sheets.ledger).map((row) => [row.invoiceId, row]));
  const invoices = new Map<string, Json>();
  let startingAfter: string | null = null;
  for (;;) {
    const query: Query = [
      ['limit', String(PAGE_SIZE)],
      ['created[gte]', String(since)],
    ];
    if (startingAfter) query.push(['starting_after', startingAfter]);
    const page = listPage(client, '/v1/invoices', query);
    for (const invoice of page.data)
      if (rows.has(String(invoice.id))) invoices.set(String(invoice.id), invoice);
    const last = page.data[page.data.length - 1];
    if (!page.hasMore || !last) break;
    startingAfter = String(last.id);
  }
  const active = [...rows.values()].filter(
    (row) => !invoices.has(row.invoiceId) && (row.state?.last?.at ?? 0) >= since,
  );
  for (const row of active.slice(0, DRIFT_SINGLE_FETCHES)) {
    invoices.set(row.invoiceId, client.get(`/v1/invoices/${encodeURIComponent(row.invoiceId)}`));
  }

  const drafts: ExceptionDraft[] = [];
  for (const [invoiceId, invoice] of invoices) {
    const row = rows.get(invoiceId);
    if (!row) continue;
    const draft = driftDraft({ row, invoice, apiVersion: client.apiVersion });
    if (draft) drafts.push(draft);
  }
  const report: DriftReport = { invoicesChecked: invoices.size, opened: [], alreadyOpen: 0 };
  if (drafts.length > 0) {
    if (!base.lock.tryLock(SYNC_LOCK_WAIT_MS)) return report;
    try {
      const at = base.clock.now();
      const entries: AuditEntry[] = [];
      for (const draft of drafts) {
        // One DRIFT per row while it is open: a later check finding the same difference adds nothing.
        if (sheets.exceptions.findOpen('DRIFT', draft.invoiceKey)) {
          report.alreadyOpen += 1;
          continue;
        }
        const id = sheets.exceptions.open(draft, at);
        report.opened.push(id);
        entries.push({
          at,
          actor: SYSTEM_ACTOR,
          action: 'open_exception',
          target: `Exceptions:${id}`,
          field: 'Status',
          before: '',
          after: 'open',
          evidence: draft.eventId,
        });
      }
      sheets.audit.append(entries);
      SpreadsheetApp.flush();
    } finally {
      base.lock.release();
    }
  }
  PropertiesService.getScriptProperties().setProperty(SYNC_PROPERTY.driftCheckedAt, String(Date.now()));
  return report;
}

// ---------------------------------------------------------------------------------------------------------------
// Verify from the log

/** Replays `Stripe Events` into a scratch copy of the maintained columns and lists where the ledger differs. */
export function verifyFromLog(book: Workbook = new Workbook()): ReplayReport {
  const ledger = new SheetLedger(book);
  const rows = readLedgerRows(book, ledger);
  const events = readLoggedEvents(book);
  const report = replayFromLog(rows, events, { timeZone: webhookDeps(book).timeZone });
  return { ...report, differences: explainDifferences(report.differences, readAuditEntries(book)) };
}
