// The row counters and the time zone the webhook path reads from script properties instead of the sheets. Set up
// ledger brings them in line with the sheets (never backwards: a counter behind the last row would reuse a row).

import { SHEET } from '../core/contract';
import { BOOKKEEPING, readCount } from '../core/settings';

export function keepRowCounters(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet): void {
  const properties = PropertiesService.getScriptProperties();
  const keep = (key: string, sheetName: string) => {
    const sheet = spreadsheet.getSheetByName(sheetName);
    if (!sheet) return;
    const kept = readCount(properties.getProperty(key)) ?? 0;
    properties.setProperty(key, String(Math.max(kept, sheet.getLastRow() + 1, 2)));
  };
  keep(BOOKKEEPING.eventsNextRow, SHEET.events);
  keep(BOOKKEEPING.auditNextRow, SHEET.audit);
  properties.setProperty(BOOKKEEPING.timeZone, spreadsheet.getSpreadsheetTimeZone());
}
