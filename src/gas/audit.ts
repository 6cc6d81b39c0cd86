// `Audit`: one row per changed cell, appended in a single call per execution step.

import { SHEET } from '../core/contract';
import type { AuditEntry, AuditTrail } from '../core/ports';
import { asCellValue } from './sheet-text';
import type { Workbook } from './workbook';

/** Rows added at a time when the sheet is full, so growth costs one extra call per thousand appends. */
const GROWTH_ROWS = 1000;

export class SheetAuditTrail implements AuditTrail {
  constructor(private readonly book: Workbook) {}

  append(entries: AuditEntry[]): void {
    if (entries.length === 0) return;
    const layout = this.book.layout(SHEET.audit);
    const sheet = this.book.sheet(SHEET.audit);
    const rows = entries.map((entry) =>
      layout.rowOf({
        At: entry.at,
        Actor: asCellValue(entry.actor),
        Action: entry.action,
        Target: asCellValue(entry.target),
        Field: entry.field,
        Before: asCellValue(entry.before),
        After: asCellValue(entry.after),
        Evidence: asCellValue(entry.evidence),
      }),
    );
    appendRows(sheet, rows, layout.width);
  }
}

/** Appends rows below the last one in one write; a full sheet grows first (getRange past its end throws). */
export function appendRows(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  rows: (string | number | boolean | Date)[][],
  width: number,
): void {
  const first = sheet.getLastRow() + 1;
  let target: GoogleAppsScript.Spreadsheet.Range;
  try {
    target = sheet.getRange(first, 1, rows.length, width);
  } catch {
    const maxRows = sheet.getMaxRows();
    sheet.insertRowsAfter(maxRows, Math.max(GROWTH_ROWS, first + rows.length - 1 - maxRows));
    target = sheet.getRange(first, 1, rows.length, width);
  }
  target.setValues(rows);
}
