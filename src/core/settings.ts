// Every script property the add-on reads or writes, in one place: the owner's settings (CONTRACT.md and README)
// with one strict parser each, and the add-on's own bookkeeping. A malformed setting is reported by name, with the
// value it falls back to, never silently replaced.

import { DEFAULT_GRACE_MINUTES } from './apply/held-payments';

/** Set by the owner in Project Settings → Script properties. */
export const SETTING = {
  webhookSecrets: 'STRIPE_WEBHOOK_SECRETS',
  apiKey: 'STRIPE_API_KEY',
  apiVersion: 'STRIPE_API_VERSION',
  spreadsheetId: 'LEDGER_SPREADSHEET_ID',
  reviewers: 'REVIEWERS',
  alertEmails: 'ALERT_EMAILS',
  alertMinAmount: 'ALERT_MIN_AMOUNT',
  slackWebhookUrl: 'SLACK_WEBHOOK_URL',
  telegramBotToken: 'TELEGRAM_BOT_TOKEN',
  telegramChatId: 'TELEGRAM_CHAT_ID',
  syncIntervalMinutes: 'SYNC_INTERVAL_MINUTES',
  reportIntervalMinutes: 'REPORT_INTERVAL_MINUTES',
  driftDays: 'SYNC_DRIFT_DAYS',
  escalateAfterDays: 'ALERT_ESCALATE_AFTER_DAYS',
  escalateAfterDaysByReason: 'ALERT_ESCALATE_AFTER_DAYS_BY_REASON',
  settlementWindowDays: 'SETTLEMENT_WINDOW_DAYS',
  unmatchedGraceMinutes: 'UNMATCHED_GRACE_MINUTES',
  logArchiveRows: 'LOG_ARCHIVE_ROWS',
  logRetentionDays: 'LOG_RETENTION_DAYS',
} as const;

/** Written by the add-on itself; the README tells owners to leave these alone. */
export const BOOKKEEPING = {
  syncCursor: 'STRIPE_SYNC_CURSOR',
  syncStatus: 'STRIPE_SYNC_STATUS',
  syncRunning: 'STRIPE_SYNC_RUNNING',
  importCursor: 'STRIPE_IMPORT_CURSOR',
  driftCheckedAt: 'STRIPE_DRIFT_CHECKED_AT',
  quotaToday: 'STRIPE_LEDGER_QUOTA_TODAY',
  triggers: 'STRIPE_LEDGER_TRIGGERS',
  floodCounter: 'REJECTED_FLOOD_COUNTER',
  /** The next free row of `Stripe Events`: rows are reserved under the append lock, then written. */
  eventsNextRow: 'STRIPE_EVENTS_NEXT_ROW',
  /** The lowest `Stripe Events` row that may still hold a queued delivery. */
  queue: 'STRIPE_QUEUE',
  /** Set after a delivery is queued, cleared by the holder of the script lock before it reads the queue. */
  queueSignal: 'STRIPE_QUEUE_SIGNAL',
  /** The batch being written; present only while a batch is being written, or after one was stopped. */
  journal: 'STRIPE_LEDGER_JOURNAL',
  auditNextRow: 'STRIPE_AUDIT_NEXT_ROW',
  timeZone: 'STRIPE_LEDGER_TIME_ZONE',
  /** Set when an UNKNOWN_INVOICE opens, cleared when none is open: sync looks for rows to claim them only then. */
  parkedEvidence: 'STRIPE_PARKED_EVIDENCE',
  /** Set before a held payment's row is written; sync looks for held payments only while it is set. */
  heldPayments: 'STRIPE_HELD_PAYMENTS',
  /** Set when a payout row may need its balance transactions read; sync reconciles payouts only while it is set. */
  payoutsToReconcile: 'STRIPE_PAYOUTS_TO_RECONCILE',
  /** What each alert channel has been told. */
  alertMemory: 'STRIPE_LEDGER_ALERT_MEMORY',
  /** The alert run in progress, so two runs never send the same news twice. */
  alertRunClaim: 'STRIPE_LEDGER_ALERT_RUN',
  /** The archive spreadsheets of `Stripe Events`, and a move in progress (src/core/log-retention.ts). */
  logArchive: 'STRIPE_LOG_ARCHIVE',
} as const;

/** The layouts of the add-on's own sheets, kept so that no webhook has to read their headers. */
export function layoutKey(sheetName: string): string {
  return `LAYOUT ${sheetName}`;
}

export const DEFAULTS = {
  syncIntervalMinutes: 15,
  reportIntervalMinutes: 60,
  driftDays: 7,
  /** How long money with no known invoice is held before UNMATCHED_PAYMENT (src/core/apply/held-payments.ts). */
  unmatchedGraceMinutes: DEFAULT_GRACE_MINUTES,
  /** Rows of `Stripe Events` above which the oldest are moved to the archive. */
  logArchiveRows: 100_000,
  /** Days a log row stays in the ledger's spreadsheet at least. */
  logRetentionDays: 90,
} as const;

/** Stripe keeps events 30 days and retries a delivery for 3: a row younger than this may still be asked for. */
export const MIN_RETENTION_DAYS = 35;
/** Fewer rows than this in the log are never worth an archive. */
export const MIN_ARCHIVE_ROWS = 1_000;

export interface Settings {
  webhookSecrets: string[];
  apiKey: string | null;
  apiVersion: string | null;
  spreadsheetId: string | null;
  reviewers: string[];
  alertEmails: string[];
  alertMinAmount: number | null;
  slackWebhookUrl: string | null;
  telegram: { botToken: string; chatId: string } | null;
  syncIntervalMinutes: number;
  reportIntervalMinutes: number;
  driftDays: number;
  unmatchedGraceMinutes: number;
  logArchiveRows: number;
  logRetentionDays: number;
  /** One sentence per malformed setting, naming it and what is used instead; secrets never quoted. */
  problems: string[];
}

export function readSettings(raw: Readonly<Record<string, string | undefined>>): Settings {
  const problems: string[] = [];
  const text = (key: string): string | null => {
    const value = raw[key]?.trim();
    return value ? value : null;
  };
  const list = (key: string): string[] =>
    (raw[key] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const emails = (key: string): string[] =>
    list(key).filter((email) => {
      const ok = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email);
      if (!ok) problems.push(`${key} lists "${email}", which is not an e-mail address; it is left out.`);
      return ok;
    });
  const positive = (key: string, fallback: number): number => {
    const value = text(key);
    if (value === null) return fallback;
    const parsed = Number(value);
    if (Number.isFinite(parsed) && parsed > 0) return parsed;
    problems.push(`${key} is "${value}", not a positive number; ${fallback} is used.`);
    return fallback;
  };
  const atLeast = (key: string, fallback: number, floor: number): number => {
    const value = positive(key, fallback);
    if (value >= floor) return Math.floor(value);
    problems.push(`${key} is ${value}, below its minimum; ${floor} is used.`);
    return floor;
  };

  const webhookSecrets = list(SETTING.webhookSecrets);
  for (const [i, secret] of webhookSecrets.entries()) {
    if (!secret.startsWith('whsec_')) {
      problems.push(
        `${SETTING.webhookSecrets} entry ${i + 1} does not start with whsec_: copy the endpoint's signing secret again.`,
      );
    }
  }
  const apiKey = text(SETTING.apiKey);
  if (apiKey !== null && !/^(sk|rk)_(test|live)_/.test(apiKey)) {
    problems.push(
      `${SETTING.apiKey} is not a secret (sk_…) or restricted (rk_…) key; sync and lookups are off.`,
    );
  }
  let alertMinAmount: number | null = null;
  const minimum = text(SETTING.alertMinAmount);
  if (minimum !== null) {
    const parsed = Number(minimum.replace(/,/g, ''));
    if (Number.isFinite(parsed) && parsed >= 0) alertMinAmount = parsed;
    else
      problems.push(`${SETTING.alertMinAmount} is "${minimum}", not an amount; every exception is alerted.`);
  }
  let slackWebhookUrl = text(SETTING.slackWebhookUrl);
  if (slackWebhookUrl !== null && !slackWebhookUrl.startsWith('https://hooks.slack.com/')) {
    problems.push(
      `${SETTING.slackWebhookUrl} is not a https://hooks.slack.com/ address; Slack alerts are off.`,
    );
    slackWebhookUrl = null;
  }
  const botToken = text(SETTING.telegramBotToken);
  const chatId = text(SETTING.telegramChatId);
  if ((botToken === null) !== (chatId === null)) {
    problems.push(
      `Telegram alerts need both ${SETTING.telegramBotToken} and ${SETTING.telegramChatId}; they are off.`,
    );
  }

  return {
    webhookSecrets,
    apiKey: apiKey !== null && /^(sk|rk)_(test|live)_/.test(apiKey) ? apiKey : null,
    apiVersion: text(SETTING.apiVersion),
    spreadsheetId: text(SETTING.spreadsheetId),
    reviewers: emails(SETTING.reviewers).map((email) => email.toLowerCase()),
    alertEmails: emails(SETTING.alertEmails),
    alertMinAmount,
    slackWebhookUrl,
    telegram: botToken !== null && chatId !== null ? { botToken, chatId } : null,
    syncIntervalMinutes: positive(SETTING.syncIntervalMinutes, DEFAULTS.syncIntervalMinutes),
    reportIntervalMinutes: positive(SETTING.reportIntervalMinutes, DEFAULTS.reportIntervalMinutes),
    driftDays: positive(SETTING.driftDays, DEFAULTS.driftDays),
    unmatchedGraceMinutes: positive(SETTING.unmatchedGraceMinutes, DEFAULTS.unmatchedGraceMinutes),
    logArchiveRows: atLeast(SETTING.logArchiveRows, DEFAULTS.logArchiveRows, MIN_ARCHIVE_ROWS),
    logRetentionDays: atLeast(SETTING.logRetentionDays, DEFAULTS.logRetentionDays, MIN_RETENTION_DAYS),
    problems,
  };
}

/** A whole number kept in a property (a row counter); null when absent or damaged. */
export function readCount(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** JSON kept in a property; null when absent or damaged (the caller starts over). */
export function readJson<T>(raw: string | null | undefined, check: (value: unknown) => value is T): T | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return check(value) ? value : null;
  } catch {
    return null;
  }
}
