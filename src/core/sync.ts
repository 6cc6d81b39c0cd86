// The pure half of syncStripe(): where to read from, how much to read per run, when to retry, what a failure means
// to the owner, and the two comparisons (drift against Stripe, replay against the log). No Apps Script in here.

import type { InvoiceFact } from './facts';
import type { ExceptionDraft, LedgerRowView } from './ledger-row';
import { emptyState, mergeFact } from './merge';
import { majorToMinor } from './money';
import { normaliseEvent } from './normalise';
import { deriveRow } from './status';

// ---------------------------------------------------------------------------------------------------------------
// What is read

/**
 * The event types the pipeline turns into facts (see normalise.ts), so `types[]` keeps every other event off the
 * wire. Stripe accepts at most 20 values in `types[]`.
 */
export const USED_EVENT_TYPES = [
  'invoice.created',
  'invoice.updated',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'invoice_payment.paid',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'payment_intent.processing',
] as const;

/** Stripe's largest page. */
export const PAGE_SIZE = 100;
/**
 * Stripe's event list is eventually consistent: an event can appear a little after later ones. Each run re-reads
 * this much event time before its cursor; what it re-reads is recognised by id and costs nothing.
 */
export const OVERLAP_SECONDS = 300;
/** Ids remembered in the cursor (a script property holds 9 KB): enough for the overlap window of a busy account. */
export const RECENT_IDS_LIMIT = 150;
/**
 * Pages held in memory while walking back to the oldest unread event. A deeper backlog keeps the oldest pages,
 * applies them, then walks forward with `ending_before` for the rest.
 */
export const MAX_BUFFERED_PAGES = 20;

/** Query parameters in order; repeated keys (`types[]`) are repeated pairs. */
export type Query = [string, string][];

/** Stripe's form encoding: brackets percent-encoded so UrlFetchApp accepts the URL. */
export function encodeQuery(query: Query): string {
  return query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

export type EventsPageRequest =
  | { direction: 'back'; since: number | null; startingAfter: string | null }
  | { direction: 'forward'; endingBefore: string };

export function eventsQuery(request: EventsPageRequest): Query {
  const query: Query = [['limit', String(PAGE_SIZE)]];
  if (request.direction === 'back') {
    if (request.since !== null) query.push(['created[gte]', String(request.since)]);
    if (request.startingAfter) query.push(['starting_after', request.startingAfter]);
  } else {
    query.push(['ending_before', request.endingBefore]);
  }
  for (const type of USED_EVENT_TYPES) query.push(['types[]', type]);
  return query;
}

// ---------------------------------------------------------------------------------------------------------------
// The cursor

export interface EventCursor {
  v: 1;
  /** Stripe `created` of the newest event applied, unix seconds. */
  created: number;
  /** Ids applied whose `created` is inside the overlap window, with that time: a re-read of them needs no sheet. */
  recent: [string, number][];
}

export function parseEventCursor(raw: string | null): EventCursor | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<EventCursor>;
    if (value.v !== 1 || typeof value.created !== 'number' || !Array.isArray(value.recent)) return null;
    const recent = value.recent.filter(
      (entry): entry is [string, number] =>
        Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number',
    );
    return { v: 1, created: value.created, recent };
  } catch {
    return null;
  }
}

export function serialiseEventCursor(cursor: EventCursor): string {
  return JSON.stringify(cursor);
}

/** Where the next run starts reading; null reads everything Stripe still holds (its 30 days). */
export function windowStart(cursor: EventCursor | null): number | null {
  return cursor ? cursor.created - OVERLAP_SECONDS : null;
}

export function knownToCursor(cursor: EventCursor | null, eventId: string): boolean {
  return cursor?.recent.some(([id]) => id === eventId) ?? false;
}

export interface ListedEvent {
  id: string;
  created: number;
  /** The event as the API returned it, serialised: the payload the log keeps. */
  payload: string;
}

/** The cursor once these events (oldest first) are durably applied. */
export function advanceCursor(
  cursor: EventCursor | null,
  applied: Pick<ListedEvent, 'id' | 'created'>[],
): EventCursor {
  let created = cursor?.created ?? Number.NEGATIVE_INFINITY;
  for (const event of applied) created = Math.max(created, event.created);
  if (!Number.isFinite(created)) return cursor ?? { v: 1, created: 0, recent: [] };
  const recent = new Map<string, number>(cursor?.recent ?? []);
  for (const event of applied) recent.set(event.id, event.created);
  const kept = [...recent]
    .filter(([, at]) => at >= created - OVERLAP_SECONDS)
    .sort((a, b) => b[1] - a[1])
    .slice(0, RECENT_IDS_LIMIT);
  return { v: 1, created, recent: kept };
}

/** Events of a Stripe list page, newest first as Stripe returns them; a malformed item is skipped. */
export function listedEvents(data: unknown): ListedEvent[] {
  if (!Array.isArray(data)) return [];
  const events: ListedEvent[] = [];
  for (const item of data) {
    if (!item || typeof item !== 'object') continue;
    const { id, created } = item as { id?: unknown; created?: unknown };
    if (typeof id !== 'string' || typeof created !== 'number') continue;
    events.push({ id, created, payload: JSON.stringify(item) });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------------
// Time

/** Apps Script stops an execution at 6 minutes; sync stops starting work well before. */
export const RUN_LIMIT_MS = 6 * 60_000;
export const DEFAULT_BUDGET_MS = 4.5 * 60_000;

export class RunBudget {
  private slowestStepMs = 0;

  constructor(
    private readonly nowMs: () => number,
    private readonly startedMs: number = nowMs(),
    private readonly budgetMs: number = DEFAULT_BUDGET_MS,
  ) {}

  elapsedMs(): number {
    return this.nowMs() - this.startedMs;
  }

  /** Whether a step as slow as the slowest one so far (at least `minimumMs`) still ends inside the budget. */
  allows(minimumMs = 10_000): boolean {
    return this.elapsedMs() + Math.max(minimumMs, this.slowestStepMs * 1.5) <= this.budgetMs;
  }

  /** Times a step (a page applied, an import chunk) so that the next decision knows what one costs. */
  time<T>(step: () => T): T {
    const start = this.nowMs();
    try {
      return step();
    } finally {
      this.slowestStepMs = Math.max(this.slowestStepMs, this.nowMs() - start);
    }
  }

  /** Time left before the budget, for retries that must not run past it. */
  remainingMs(): number {
    return this.budgetMs - this.elapsedMs();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Retries

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer `Retry-After` is not waited for: the next run tries again. */
  maxRetryAfterMs: number;
}

/** As Stripe's own libraries: 0.5 s doubling, capped, with 50–100 % jitter. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 20_000,
};

export type AttemptOutcome =
  | { kind: 'response'; status: number; shouldRetry: string | null; retryAfter: string | null }
  | { kind: 'network' };

/** Milliseconds to wait before attempt `attempt + 1`, or null when the failure is final. */
export function retryDelayMs(
  outcome: AttemptOutcome,
  attempt: number,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY,
): number | null {
  if (attempt >= policy.maxAttempts || !isRetryable(outcome)) return null;
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  const jittered = Math.round(exponential * (0.5 + 0.5 * clamp01(random())));
  if (outcome.kind === 'response' && outcome.retryAfter !== null) {
    const seconds = Number(outcome.retryAfter);
    if (Number.isFinite(seconds) && seconds > 0) {
      const asked = seconds * 1000;
      if (asked > policy.maxRetryAfterMs) return null;
      return Math.max(jittered, asked);
    }
  }
  return jittered;
}

/** `Stripe-Should-Retry` decides when present; else 409, 429 and 5xx are worth another try, as is a lost request. */
function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'network') return true;
  const header = outcome.shouldRetry?.trim().toLowerCase();
  if (header === 'true') return true;
  if (header === 'false') return false;
  return outcome.status === 409 || outcome.status === 429 || outcome.status >= 500;
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Failures, in words the owner can act on

/** Restricted-key permissions (as Stripe names them in the dashboard) by resource path. */
const PERMISSION_BY_PATH: [RegExp, string][] = [
  [/^\/v1\/events/, 'Events: Read'],
  [/^\/v1\/invoice_payments/, 'Invoices: Read'],
  [/^\/v1\/invoices/, 'Invoices: Read'],
  [/^\/v1\/(charges|refunds)/, 'Charges: Read'],
  [/^\/v1\/disputes/, 'Disputes: Read'],
  [/^\/v1\/payment_intents/, 'PaymentIntents: Read'],
];

/** The dashboard name of the permission a GET of this path needs. */
export function permissionFor(path: string): string {
  const bare = path.split('?')[0] ?? path;
  return PERMISSION_BY_PATH.find(([pattern]) => pattern.test(bare))?.[1] ?? `read access to ${bare}`;
}

/** Stripe's own words name the missing permission, e.g. `Having the 'rak_invoice_read' permission would allow…`. */
export function permissionInStripeMessage(message: string): string | null {
  return /'(rak_[a-z0-9_]+)'/.exec(message)?.[1] ?? null;
}

/** A key never appears in a message, not even the masked form Stripe echoes. */
export function withoutKeys(text: string): string {
  return text.replace(/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9*]+/g, '[key]');
}

export function stripeErrorMessage(status: number, method: string, path: string, body: unknown): string {
  const error = (body && typeof body === 'object' ? (body as { error?: unknown }).error : null) as {
    message?: unknown;
    code?: unknown;
  } | null;
  const stripeSays = typeof error?.message === 'string' ? withoutKeys(error.message) : '';
  const request = `${method.toUpperCase()} ${path.split('?')[0]}`;
  if (status === 401) {
    return (
      `Stripe did not accept STRIPE_API_KEY (401 on ${request}): the key is mistyped, revoked or from another ` +
      'account. Set a restricted read-only key (rk_…) or a secret key (sk_…) of this Stripe account in the script ' +
      'properties.'
    );
  }
  if (status === 403) {
    const rak = permissionInStripeMessage(stripeSays);
    return (
      `STRIPE_API_KEY may not read this (403 on ${request}): give the restricted key the "${permissionFor(path)}" ` +
      `permission${rak ? ` (Stripe calls it ${rak})` : ''} in Stripe's dashboard under Developers → API keys, ` +
      'then run the sync again.'
    );
  }
  if (status === 429)
    return `Stripe kept refusing requests as too many (429 on ${request}); the next run continues.`;
  if (status >= 500) return `Stripe had an error (${status} on ${request}); the next run continues.`;
  return `Stripe answered ${status} on ${request}${stripeSays ? `: ${stripeSays}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Triggers

export type TriggerInterval = { everyMinutes: 1 | 5 | 10 | 15 | 30 } | { everyHours: 1 | 2 | 4 | 6 | 8 | 12 };

const MINUTE_STEPS = [1, 5, 10, 15, 30] as const;
const HOUR_STEPS = [1, 2, 4, 6, 8, 12] as const;

/** Apps Script offers only these intervals: the nearest one not more frequent than asked. */
export function triggerInterval(minutes: number): TriggerInterval {
  const wanted = Number.isFinite(minutes) && minutes > 0 ? minutes : 15;
  if (wanted < 60) {
    const step = [...MINUTE_STEPS].reverse().find((m) => m <= wanted) ?? 1;
    return { everyMinutes: step };
  }
  const hours = wanted / 60;
  const step = [...HOUR_STEPS].reverse().find((h) => h <= hours) ?? 1;
  return { everyHours: step };
}

export function intervalMinutes(interval: TriggerInterval): number {
  return 'everyMinutes' in interval ? interval.everyMinutes : interval.everyHours * 60;
}

// ---------------------------------------------------------------------------------------------------------------
// Quota

/** Consumer-account quotas (DESIGN.md). */
export const DAILY_URL_FETCHES = 20_000;
export const DAILY_TRIGGER_MS = 90 * 60_000;

export interface QuotaDay {
  /** UTC day, yyyy-mm-dd: Google counts quotas over 24 hours, not by the sheet's calendar. */
  day: string;
  urlFetches: number;
  triggerMs: number;
  runs: number;
}

export function quotaDay(raw: string | null, now: Date): QuotaDay {
  const day = now.toISOString().slice(0, 10);
  try {
    const value = raw ? (JSON.parse(raw) as Partial<QuotaDay>) : null;
    if (value && value.day === day) {
      return {
        day,
        urlFetches: Number(value.urlFetches) || 0,
        triggerMs: Number(value.triggerMs) || 0,
        runs: Number(value.runs) || 0,
      };
    }
  } catch {
    // A damaged counter starts the day again.
  }
  return { day, urlFetches: 0, triggerMs: 0, runs: 0 };
}

export function addUsage(
  quota: QuotaDay,
  usage: { urlFetches?: number; triggerMs?: number; runs?: number },
): QuotaDay {
  return {
    day: quota.day,
    urlFetches: quota.urlFetches + (usage.urlFetches ?? 0),
    triggerMs: quota.triggerMs + (usage.triggerMs ?? 0),
    runs: quota.runs + (usage.runs ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// History beyond the event window: Stripe objects as the events that would have described them

type Json = Record<string, unknown>;

/**
 * An imported object has no Stripe event, yet the ledger must be explainable from the log alone. So each object is
 * logged as the event that describes its current state, with an id that says it is an import and changes when the
 * state does (so a re-import of the same state is a duplicate, and of a newer state is applied).
 */
export const IMPORT_EVENT_PREFIX = 'evt_import_';

export function isImportEventId(eventId: string): boolean {
  return eventId.startsWith(IMPORT_EVENT_PREFIX);
}

function snapshotEvent(id: string, type: string, created: number, object: Json, apiVersion: string): Json {
  return {
    id,
    object: 'event',
    api_version: apiVersion,
    created,
    data: { object },
    livemode: object.livemode === true,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type,
  };
}

const INVOICE_SNAPSHOT_TYPE: Record<string, string> = {
  draft: 'invoice.created',
  open: 'invoice.finalized',
  paid: 'invoice.paid',
  void: 'invoice.voided',
  uncollectible: 'invoice.marked_uncollectible',
};

function transition(object: Json, field: string): number | null {
  const transitions = object.status_transitions;
  if (!transitions || typeof transitions !== 'object') return null;
  const value = (transitions as Json)[field];
  return typeof value === 'number' ? value : null;
}

/** The event for an invoice's current state, stamped with the time it reached that state. */
export function invoiceSnapshotEvent(invoice: Json, apiVersion: string): Json | null {
  const id = typeof invoice.id === 'string' ? invoice.id : null;
  const status = typeof invoice.status === 'string' ? invoice.status : null;
  const type = status ? INVOICE_SNAPSHOT_TYPE[status] : undefined;
  if (!id || !status || !type) return null;
  const created = typeof invoice.created === 'number' ? invoice.created : 0;
  const reached =
    status === 'paid'
      ? transition(invoice, 'paid_at')
      : status === 'void'
        ? transition(invoice, 'voided_at')
        : status === 'uncollectible'
          ? transition(invoice, 'marked_uncollectible_at')
          : status === 'open'
            ? transition(invoice, 'finalized_at')
            : null;
  const object = { ...invoice };
  delete object.payments;
  return snapshotEvent(`${IMPORT_EVENT_PREFIX}${id}_${status}`, type, reached ?? created, object, apiVersion);
}

/** `basil`+: each paid invoice_payment of the invoice. */
export function invoicePaymentSnapshotEvent(payment: Json, apiVersion: string): Json | null {
  if (typeof payment.id !== 'string' || payment.status !== 'paid') return null;
  const created =
    transition(payment, 'paid_at') ?? (typeof payment.created === 'number' ? payment.created : 0);
  return snapshotEvent(
    `${IMPORT_EVENT_PREFIX}${payment.id}`,
    'invoice_payment.paid',
    created,
    payment,
    apiVersion,
  );
}

/** A charge with refunds, as `charge.refunded` would carry it; stamped with its newest refund. */
export function refundSnapshotEvent(charge: Json, refundCreated: number, apiVersion: string): Json | null {
  if (
    typeof charge.id !== 'string' ||
    typeof charge.amount_refunded !== 'number' ||
    charge.amount_refunded <= 0
  ) {
    return null;
  }
  const id = `${IMPORT_EVENT_PREFIX}${charge.id}_refunded_${charge.amount_refunded}`;
  return snapshotEvent(id, 'charge.refunded', refundCreated, charge, apiVersion);
}

const OPEN_DISPUTE_STATUSES = new Set([
  'warning_needs_response',
  'warning_under_review',
  'needs_response',
  'under_review',
]);

export function disputeSnapshotEvent(dispute: Json, apiVersion: string): Json | null {
  if (typeof dispute.id !== 'string' || typeof dispute.status !== 'string') return null;
  const open = OPEN_DISPUTE_STATUSES.has(dispute.status);
  const type = open ? 'charge.dispute.created' : 'charge.dispute.closed';
  const created = typeof dispute.created === 'number' ? dispute.created : 0;
  return snapshotEvent(
    `${IMPORT_EVENT_PREFIX}${dispute.id}_${dispute.status}`,
    type,
    created,
    dispute,
    apiVersion,
  );
}

/** Whether the pinned version has `invoice_payment` objects (from 2025-03-31.basil). */
export function hasInvoicePayments(apiVersion: string): boolean {
  return apiVersion.slice(0, 10) >= '2025-03-31';
}

// ---------------------------------------------------------------------------------------------------------------
// Drift: the ledger's Payment Status against Stripe's invoice as it is now

export interface DriftInput {
  row: LedgerRowView;
  /** Stripe's current invoice object. */
  invoice: Json;
  apiVersion: string;
}

/**
 * What the row should say once Stripe's current invoice is added to its evidence; a DRIFT draft when it says
 * something else (a hand edit, or an event the ledger never saw). A row never written and still open is no drift.
 */
export function driftDraft({ row, invoice, apiVersion }: DriftInput): ExceptionDraft | null {
  const event = invoiceSnapshotEvent(invoice, apiVersion);
  const normalised = event ? normaliseEvent(event) : null;
  if (normalised?.kind !== 'fact' || normalised.fact.kind !== 'invoice') return null;
  const fact: InvoiceFact = normalised.fact;
  const currency = row.currency ?? fact.amountDue.currency;
  if (currency !== fact.amountDue.currency) return null;
  const expectedMinor = row.expectedAmount === null ? null : majorToMinor(row.expectedAmount, currency);
  const merged = mergeFact(row.state ?? emptyState(row.invoiceId), { ...fact, invoiceId: row.invoiceId });
  const stripeStatus = deriveRow(merged, expectedMinor).status;
  const cell = row.cells['Payment Status'];
  const ledgerStatus = typeof cell === 'string' ? cell.trim() : String(cell);
  if (ledgerStatus === stripeStatus) return null;
  if (ledgerStatus === '' && stripeStatus === 'open') return null;
  return {
    reason: 'DRIFT',
    invoiceKey: row.invoiceId,
    eventId: row.state?.last?.eventId ?? '',
    amount: null,
    currency,
    note:
      `Ledger says "${ledgerStatus || '(blank)'}" but Stripe's invoice ${row.invoiceId} is ${fact.status}, which ` +
      `makes it "${stripeStatus}": the row was edited by hand or an event was missed. Run Verify ledger from log to see the cells.`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One run of the event sync

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
