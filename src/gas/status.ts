// What the owner sees of sync, from the menu only (the public doGet shows none of it): the status dialog with the
// day's quota use, the cursor and the last run, and the menu actions that run sync, import, drift and verify.

import type { CellDifference } from '../core/replay';
import { BOOKKEEPING, SETTING } from '../core/settings';
import { parseEventCursor } from '../core/sync/cursor';
import type { ImportCursor } from '../core/sync/import-run';
import { DAILY_TRIGGER_MS, DAILY_URL_FETCHES } from '../core/sync/quota';
import { MENU_TITLE } from './menu';
import { readUsage } from './quota';
import {
  checkDrift,
  importHistory,
  readImportCursor,
  runSync,
  type SyncStatusRecord,
  verifyFromLog,
} from './sync';
import { installedTriggers, installTriggers, removeTriggers } from './triggers';

export interface SyncStatusView {
  quota: {
    day: string;
    urlFetches: number;
    urlFetchLimit: number;
    triggerMinutes: number;
    triggerMinuteLimit: number;
    runs: number;
  };
  /** Stripe time of the newest event synced, or null before the first sync. */
  cursorAt: Date | null;
  lastRun: SyncStatusRecord | null;
  import: ImportCursor | null;
  driftCheckedAt: Date | null;
  triggers: { handler: string; every: string }[];
  apiKey: 'restricted' | 'secret' | 'missing' | 'invalid';
}

export function syncStatus(now: Date = new Date()): SyncStatusView {
  const properties = PropertiesService.getScriptProperties();
  const usage = readUsage(now);
  const cursor = parseEventCursor(properties.getProperty(BOOKKEEPING.syncCursor));
  const driftAt = Number(properties.getProperty(BOOKKEEPING.driftCheckedAt) ?? 0);
  const key = (properties.getProperty(SETTING.apiKey) ?? '').trim();
  return {
    quota: {
      day: usage.day,
      urlFetches: usage.urlFetches,
      urlFetchLimit: DAILY_URL_FETCHES,
      triggerMinutes: Math.round((usage.triggerMs / 60_000) * 10) / 10,
      triggerMinuteLimit: DAILY_TRIGGER_MS / 60_000,
      runs: usage.runs,
    },
    cursorAt: cursor ? new Date(cursor.created * 1000) : null,
    lastRun: parseRecord(properties.getProperty(BOOKKEEPING.syncStatus)),
    import: readImportCursor(),
    driftCheckedAt: driftAt ? new Date(driftAt) : null,
    triggers: installedTriggers(),
    apiKey: !key
      ? 'missing'
      : key.startsWith('rk_')
        ? 'restricted'
        : key.startsWith('sk_')
          ? 'secret'
          : 'invalid',
  };
}

/** Menu: the status dialog. */
export function showSyncStatus(): void {
  const view = syncStatus();
  const rows: [string, string][] = [
    ['URL fetches today (UTC)', `${view.quota.urlFetches} of ${view.quota.urlFetchLimit}`],
    ['Trigger run time today', `${view.quota.triggerMinutes} of ${view.quota.triggerMinuteLimit} minutes`],
    ['Sync runs today', String(view.quota.runs)],
    ['Synced up to (Stripe time)', view.cursorAt ? view.cursorAt.toISOString() : 'not synced yet'],
    ['Last run', view.lastRun ? `${view.lastRun.at}: ${view.lastRun.message}` : 'never'],
    [
      'Last run cost',
      view.lastRun
        ? `${view.lastRun.listRequests} list requests, ${view.lastRun.urlFetches} fetches, ${Math.round(view.lastRun.elapsedMs / 100) / 10} s`
        : '—',
    ],
    ['History import', importLine(view.import)],
    ['Last drift check', view.driftCheckedAt ? view.driftCheckedAt.toISOString() : 'never'],
    ['Triggers', view.triggers.map((t) => `${t.handler} every ${t.every}`).join('; ') || 'none installed'],
    [
      'API key',
      {
        restricted: 'restricted (rk_…)',
        secret: 'secret (sk_…)',
        missing: 'not set',
        invalid: 'not a Stripe secret or restricted key',
      }[view.apiKey],
    ],
  ];
  const html = `<table style="font:13px sans-serif;border-collapse:collapse">${rows
    .map(
      ([label, value]) =>
        `<tr><th style="text-align:left;padding:4px 12px 4px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('')}</table>`;
  SpreadsheetApp.getUi().showModalDialog(
    HtmlService.createHtmlOutput(html).setWidth(560).setHeight(360),
    'Stripe sync status',
  );
}

/** Menu: sync now and say what happened. */
export function syncStripeFromMenu(): void {
  toast('Syncing with Stripe… (up to a few minutes)');
  const summary = runSync({ forceDrift: false });
  if (!summary.ok) {
    alert(summary.message || 'The sync did not finish; see Sync status.');
    return;
  }
  const events = summary.events;
  toast(
    events
      ? `${summary.message} ${events.processed} applied, ${events.duplicates} already here, ${events.listRequests} request(s) to Stripe.`
      : summary.message,
    8,
  );
}

/** Menu: import invoices, refunds and disputes older than Stripe's 30-day event window. */
export function importHistoryFromMenu(): void {
  toast('Importing history from Stripe… (it continues on the next syncs if it takes longer)');
  const summary = importHistory();
  const progress = importLine(summary.importStatus ?? readImportCursor());
  if (!summary.ok) {
    alert(`${summary.message} History import: ${progress}`);
    return;
  }
  toast(`History import: ${progress}.`, 8);
}

export function checkDriftFromMenu(): void {
  toast('Comparing the ledger with Stripe’s invoices…');
  const report = checkDrift();
  if (!report) {
    alert('No STRIPE_API_KEY in the script properties: add a restricted read-only key (rk_…) first.');
    return;
  }
  toast(
    `Checked ${report.invoicesChecked} invoices against Stripe: ${report.opened.length} new DRIFT exception(s)` +
      `${report.alreadyOpen ? `, ${report.alreadyOpen} already open` : ''}.`,
    8,
  );
}

/** Rows shown in the dialog; the count says how many more there are. */
const MAX_LISTED = 200;

export function verifyLedgerFromLog(): void {
  toast('Replaying Stripe Events into a scratch copy of the ledger…');
  const report = verifyFromLog();
  const head =
    `<p>Replayed ${report.eventsReplayed} events over ${report.rowsCompared} rows (${report.cellsCompared} cells). ` +
    `${report.differences.length === 0 ? 'Every maintained cell matches its evidence.' : `${report.differences.length} cell(s) differ:`}</p>`;
  const rows = report.differences
    .slice(0, MAX_LISTED)
    .map(
      (d) =>
        `<tr>${[String(d.rowNumber), d.invoiceId, d.field, show(d.ledger), show(d.replayed), explain(d)].map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  const table = rows
    ? `<table style="border-collapse:collapse"><tr><th>Row</th><th>Invoice</th><th>Column</th><th>Ledger</th><th>From the log</th><th>Audit</th></tr>${rows}</table>`
    : '';
  const more =
    report.differences.length > MAX_LISTED
      ? `<p>…and ${report.differences.length - MAX_LISTED} more.</p>`
      : '';
  const unplaced = report.unplaced.length
    ? `<p>${report.unplaced.length} event(s) could not be tied to a row from the log alone.</p>`
    : '';
  SpreadsheetApp.getUi().showModalDialog(
    HtmlService.createHtmlOutput(`<div style="font:13px sans-serif">${head}${table}${more}${unplaced}</div>`)
      .setWidth(900)
      .setHeight(500),
    'Verify ledger from log',
  );
}

export function installTriggersFromMenu(): void {
  const report = installTriggers();
  const parts = [
    report.installed.length ? `Installed: ${report.installed.join(', ')}.` : '',
    report.kept.length ? `Already installed: ${report.kept.join(', ')}.` : '',
    report.skipped.length ? `Not in this version: ${report.skipped.join(', ')}.` : '',
  ];
  alert(parts.filter(Boolean).join(' '));
}

export function removeTriggersFromMenu(): void {
  alert(`Removed ${removeTriggers()} trigger(s).`);
}

function importLine(cursor: ImportCursor | null): string {
  if (!cursor) return 'not started';
  const counts = `${cursor.imported.invoices} invoices, ${cursor.imported.refunds} refunds, ${cursor.imported.disputes} disputes`;
  return cursor.phase === 'done' ? `finished (${counts})` : `in progress: ${cursor.phase} (${counts} so far)`;
}

function explain(difference: CellDifference): string {
  const audit = difference.audit;
  if (!audit) return 'no audit row: a hand edit';
  return `${audit.actor} ${audit.action} at ${audit.at.toISOString()} (${audit.evidence})`;
}

function show(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** A toast in the spreadsheet's corner: `-1` stays until the next one replaces it (a long action is running). */
function toast(message: string, seconds = -1): void {
  SpreadsheetApp.getActiveSpreadsheet()?.toast(message, MENU_TITLE, seconds);
}

function alert(message: string): void {
  const ui = SpreadsheetApp.getUi();
  ui.alert(MENU_TITLE, message, ui.ButtonSet.OK);
}

function parseRecord(raw: string | null): SyncStatusRecord | null {
  try {
    return raw ? (JSON.parse(raw) as SyncStatusRecord) : null;
  } catch {
    return null;
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
