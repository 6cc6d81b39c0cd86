// System trouble worth a message: signature failures, no webhook secret, sync failing or falling behind, a daily
// quota near its limit, the spreadsheet near its cell limit. Each comes with a fingerprint: the same trouble alerts
// once, and again only when its fingerprint changes (it grew tenfold, the error changed, another day's quota) or after
// it went away and came back.

export interface Trouble {
  /** One per kind at a time: `signature`, `webhook-secret`, `sync-failing`, `sync-behind`, `quota`, `spreadsheet-size`. */
  kind: string;
  fingerprint: string;
  /** One sentence for the finance user: what is wrong and what to do. No secret: names properties, never values. */
  text: string;
}

export interface SyncSignal {
  /** The last sync run's record (`STRIPE_SYNC_STATUS`), or null before the first run. */
  lastRun: { at: string; ok: boolean; message: string; caughtUp: boolean } | null;
  /** Stripe `created` of the newest event synced (unix seconds), or null. */
  cursorCreated: number | null;
  /** Minutes between scheduled syncs; null when no sync trigger is installed. */
  intervalMinutes: number | null;
}

export interface TroubleSignals {
  /** Deliveries refused for their signature in the last 24 hours (`invalid` or `stale`). */
  signatureFailures?: { count: number; latest: Date | null };
  /** Deliveries answered `error` for want of STRIPE_WEBHOOK_SECRETS in the last 24 hours. */
  unconfiguredDeliveries?: number;
  sync?: SyncSignal;
  quota?: {
    day: string;
    urlFetches: number;
    urlFetchLimit: number;
    triggerMs: number;
    triggerMsLimit: number;
  };
  spreadsheetCells?: { used: number; limit: number };
}

const HOUR_MS = 60 * 60_000;
/** "Near its limit": four fifths used leaves a day's margin at a school's volumes. */
const NEAR_LIMIT = 0.8;

/** The trouble present now, and which kinds were looked at (a kind not looked at keeps its last fingerprint). */
export function systemTrouble(signals: TroubleSignals, now: Date): { trouble: Trouble[]; checked: string[] } {
  const trouble: Trouble[] = [];
  const checked: string[] = [];

  if (signals.signatureFailures) {
    checked.push('signature');
    const { count, latest } = signals.signatureFailures;
    if (count > 0) {
      trouble.push({
        kind: 'signature',
        fingerprint: `signature:${magnitude(count)}`,
        text: `Stripe signature check failed for ${count} ${count === 1 ? 'delivery' : 'deliveries'} in the last 24 hours${latest ? ` (latest ${latest.toISOString()})` : ''}: if Stripe's own deliveries fail, copy the endpoint's signing secret into STRIPE_WEBHOOK_SECRETS again; otherwise someone is posting to the web app, which is refused and harmless.`,
      });
    }
  }

  if (signals.unconfiguredDeliveries !== undefined) {
    checked.push('webhook-secret');
    if (signals.unconfiguredDeliveries > 0) {
      trouble.push({
        kind: 'webhook-secret',
        fingerprint: 'webhook-secret',
        text: 'Stripe deliveries are answered with an error because STRIPE_WEBHOOK_SECRETS is empty: set it in the script properties (Stripe retries for three days).',
      });
    }
  }

  if (signals.sync) {
    checked.push('sync-failing', 'sync-behind');
    const { lastRun } = signals.sync;
    if (lastRun && !lastRun.ok) {
      trouble.push({
        kind: 'sync-failing',
        fingerprint: `sync-failing:${hash(lastRun.message)}`,
        text: `Stripe sync is failing: ${lastRun.message}`,
      });
    }
    const behind = syncBehind(signals.sync, now);
    if (behind) trouble.push(behind);
  }

  if (signals.quota) {
    checked.push('quota');
    const { day, urlFetches, urlFetchLimit, triggerMs, triggerMsLimit } = signals.quota;
    const near: string[] = [];
    if (urlFetches >= NEAR_LIMIT * urlFetchLimit) near.push(`${urlFetches} of ${urlFetchLimit} URL fetches`);
    if (triggerMs >= NEAR_LIMIT * triggerMsLimit) {
      near.push(
        `${Math.round(triggerMs / 60_000)} of ${Math.round(triggerMsLimit / 60_000)} trigger minutes`,
      );
    }
    if (near.length > 0) {
      trouble.push({
        kind: 'quota',
        fingerprint: `quota:${day}:${near.length}`,
        text: `Apps Script quota near its daily limit (${day}, UTC): ${near.join(' and ')} used. Lengthen SYNC_INTERVAL_MINUTES if this recurs.`,
      });
    }
  }

  if (signals.spreadsheetCells) {
    checked.push('spreadsheet-size');
    const { used, limit } = signals.spreadsheetCells;
    if (used >= NEAR_LIMIT * limit) {
      const percent = Math.floor((used / limit) * 100);
      trouble.push({
        kind: 'spreadsheet-size',
        fingerprint: `spreadsheet-size:${Math.floor(percent / 5) * 5}`,
        text: `The spreadsheet holds ${used.toLocaleString('en-US')} of its ${limit.toLocaleString('en-US')} cells (${percent} %): Stripe Events grows by a row per delivery, and its old rows move to an archive once it passes LOG_ARCHIVE_ROWS; lower LOG_ARCHIVE_ROWS, or delete blank rows and columns in other sheets, before it fills.`,
      });
    }
  }
  return { trouble, checked };
}

/**
 * Sync is behind when its last run stopped before catching up and the newest event it applied is over an hour old,
 * or when no run has finished for an hour and two intervals although a trigger is installed.
 */
function syncBehind(sync: SyncSignal, now: Date): Trouble | null {
  const { lastRun, cursorCreated, intervalMinutes } = sync;
  if (!lastRun) return null;
  const nowMs = now.getTime();
  if (!lastRun.caughtUp && cursorCreated !== null && nowMs - cursorCreated * 1000 > HOUR_MS) {
    const hours = Math.floor((nowMs - cursorCreated * 1000) / HOUR_MS);
    return {
      kind: 'sync-behind',
      fingerprint: 'sync-behind:catching-up',
      text: `Stripe sync is ${hours} hours behind Stripe and still catching up: check Stripe Ledger → Sync status.`,
    };
  }
  const lastAt = Date.parse(lastRun.at);
  if (
    intervalMinutes !== null &&
    Number.isFinite(lastAt) &&
    nowMs - lastAt > HOUR_MS + 2 * intervalMinutes * 60_000
  ) {
    return {
      kind: 'sync-behind',
      fingerprint: 'sync-behind:not-running',
      text: `Stripe sync has not run since ${lastRun.at}: run Stripe Ledger → Install triggers again.`,
    };
  }
  return null;
}

/** 1, 10, 100…: a flood of forged requests re-alerts when it grows tenfold, not with every request. */
function magnitude(count: number): number {
  return 10 ** Math.floor(Math.log10(Math.max(1, count)));
}

/** A short stable digest of an error text, so the same error keeps its fingerprint. */
function hash(text: string): string {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value.toString(36);
}
