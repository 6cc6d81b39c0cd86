// What the script properties and the spreadsheet say about the system's health: the sync's last run and cursor, the
// day's quota use, and how many of the spreadsheet's 10 million cells are taken.

import type { SyncSignal, TroubleSignals } from '../core/alerts/system-trouble';
import { BOOKKEEPING } from '../core/settings';
import { parseEventCursor } from '../core/sync/cursor';
import { DAILY_TRIGGER_MS, DAILY_URL_FETCHES } from '../core/sync/quota';
import { readUsage } from './quota';
import { INSTALLED_PROPERTY } from './triggers';
import type { Workbook } from './workbook';

/** Sheets' limit per spreadsheet, counting every cell of every sheet's grid, blank or not. */
export const SPREADSHEET_CELL_LIMIT = 10_000_000;

export function syncSignal(): SyncSignal {
  const properties = PropertiesService.getScriptProperties();
  const cursor = parseEventCursor(properties.getProperty(BOOKKEEPING.syncCursor));
  return {
    lastRun: parseLastRun(properties.getProperty(BOOKKEEPING.syncStatus)),
    cursorCreated: cursor?.created ?? null,
    intervalMinutes: syncTriggerMinutes(properties.getProperty(INSTALLED_PROPERTY)),
  };
}

export function quotaSignal(now: Date): NonNullable<TroubleSignals['quota']> {
  const usage = readUsage(now);
  return {
    day: usage.day,
    urlFetches: usage.urlFetches,
    urlFetchLimit: DAILY_URL_FETCHES,
    triggerMs: usage.triggerMs,
    triggerMsLimit: DAILY_TRIGGER_MS,
  };
}

/** Two calls per sheet: the grid's size, which is what counts against the limit. */
export function spreadsheetCells(book: Workbook): NonNullable<TroubleSignals['spreadsheetCells']> {
  let used = 0;
  for (const sheet of book.spreadsheet.getSheets()) used += sheet.getMaxRows() * sheet.getMaxColumns();
  return { used, limit: SPREADSHEET_CELL_LIMIT };
}

function parseLastRun(raw: string | null): SyncSignal['lastRun'] {
  try {
    const value = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    if (!value || typeof value.at !== 'string') return null;
    return {
      at: value.at,
      ok: value.ok === true,
      message: typeof value.message === 'string' ? value.message : '',
      caughtUp: value.caughtUp === true,
    };
  } catch {
    return null;
  }
}

function syncTriggerMinutes(raw: string | null): number | null {
  try {
    const installed = raw ? (JSON.parse(raw) as Record<string, { minutes?: unknown }>) : {};
    const minutes = installed.syncStripe?.minutes;
    return typeof minutes === 'number' && minutes > 0 ? minutes : null;
  } catch {
    return null;
  }
}
