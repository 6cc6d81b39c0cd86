// The one place that wires the add-on's dependencies: the settings (one read of the script properties), the clock,
// the locks, the spreadsheet and its time zone, the Stripe client, and the books the apply step writes to. The web
// app, sync, the menu and the sidebar all start from here.

import type { BooksPorts } from '../core/apply/ports';
import type { LockedWork } from '../core/ingest/ports';
import type { WebhookDeps } from '../core/ingest/webhook';
import { readSettings, type Settings } from '../core/settings';
import type { RetryPolicy } from '../core/sync/retry';
import { SheetAuditBook } from './audit';
import { balancesVia } from './balances';
import { SheetEventLog } from './event-log';
import { SheetExceptionBook } from './exceptions';
import { propertyJournal } from './journal';
import { SheetLedger } from './ledger';
import { scriptLock } from './locks';
import { paymentLinksVia } from './payment-links';
import { SheetPayouts } from './payouts';
import { hmacSha256Hex, rejectionBudget } from './services';
import { type StripeClient, stripeClientFor } from './stripe-client';
import { stripeEventsVia } from './stripe-events';
import { Workbook } from './workbook';

export interface ContextOptions {
  /** The clock runs are timed with (tests move it). */
  nowMs?: () => number;
  /** Jitter source for Stripe retries. */
  random?: () => number;
  /** Stripe retries: the webhook path waits at most one short retry, since Stripe waits for the answer. */
  retry?: RetryPolicy;
  /** Milliseconds left in the run: a Stripe retry that would wait past it is not made. */
  remainingMs?: () => number;
  /** A spreadsheet already opened by the caller. */
  book?: Workbook;
}

/** The webhook path asks Stripe once more at most: Stripe is waiting for the answer. */
export const WEBHOOK_RETRY: RetryPolicy = {
  maxAttempts: 2,
  baseDelayMs: 300,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 2_000,
};

export interface LedgerContext {
  settings: Settings;
  book: Workbook;
  clock: { now(): Date };
  nowMs(): number;
  /** The Stripe client for the configured key (created once), or null without one. */
  stripe(): StripeClient | null;
  ledger: SheetLedger;
  exceptions: SheetExceptionBook;
  audit: SheetAuditBook;
  log: SheetEventLog;
  payouts: SheetPayouts;
  books(): BooksPorts;
  lockedWork(): LockedWork;
  webhookDeps(): WebhookDeps;
}

export function ledgerContext(options: ContextOptions = {}): LedgerContext {
  const settings = readSettings(PropertiesService.getScriptProperties().getProperties());
  const nowMs = options.nowMs ?? (() => Date.now());
  const clock = { now: () => new Date(nowMs()) };
  const book = options.book ?? new Workbook();
  const ledger = new SheetLedger(book);
  const exceptions = new SheetExceptionBook(book);
  const audit = new SheetAuditBook(book);
  const log = new SheetEventLog(book, nowMs);
  const payouts = new SheetPayouts(book);
  let client: StripeClient | null | undefined;
  const stripe = () => {
    if (client === undefined) {
      client = stripeClientFor(settings, {
        random: options.random,
        remainingMs: options.remainingMs,
        ...(options.retry ? { policy: options.retry } : {}),
      });
    }
    return client;
  };
  const books = (): BooksPorts => ({
    clock,
    get timeZone() {
      return book.timeZone;
    },
    ledger,
    exceptions,
    audit,
    log,
    journal: propertyJournal,
    paymentLinks: paymentLinksVia(stripe),
    events: stripeEventsVia(stripe),
    balances: balancesVia(stripe),
    payouts,
    flush: () => SpreadsheetApp.flush(),
  });
  const lockedWork = (): LockedWork => ({
    lock: scriptLock(),
    queue: log,
    books,
    flush: () => SpreadsheetApp.flush(),
    nowMs,
    warn: (message) => console.warn(message),
  });
  return {
    settings,
    book,
    clock,
    nowMs,
    stripe,
    ledger,
    exceptions,
    audit,
    log,
    payouts,
    books,
    lockedWork,
    webhookDeps: () => ({
      ...lockedWork(),
      clock,
      hmac: hmacSha256Hex,
      secrets: () => settings.webhookSecrets,
      rejections: rejectionBudget,
      outside: log,
    }),
  };
}
