// `Audit`: one row per changed cell. Only the holder of the script lock writes it, so its next free row is kept in a
// script property (no row count read per delivery); the row is reserved before it is written, so a stop in between
// leaves a blank row, never a row written twice.

import { auditKey } from '../core/apply/exception-plan';
import type { AuditBook, AuditEntry } from '../core/apply/ports';
import { SHEET } from '../core/contract';
import { BOOKKEEPING, readCount } from '../core/settings';
import type { Cell } from './layout';
import { asCellValue, columnLetter } from './sheet-text';
import { GROWTH_ROWS, type Workbook } from './workbook';

export class SheetAuditBook implements AuditBook {
  constructor(private readonly book: Workbook) {}

  append(entries: AuditEntry[]): void {
    if (entries.length === 0) return;
    const layout = this.book.layout(SHEET.audit);
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
    const properties = PropertiesService.getScriptProperties();
    const first =
      readCount(properties.getProperty(BOOKKEEPING.auditNextRow)) ??
      this.book.sheet(SHEET.audit).getLastRow() + 1;
    properties.setProperty(BOOKKEEPING.auditNextRow, String(first + rows.length));
    const last = first + rows.length - 1;
    this.book
      .growingRange(SHEET.audit, `A${first}:${columnLetter(layout.width)}${last}`, last)
      .setValues(rows);
  }

  /** Every audit row, in one read (verify from log explains differences with them). */
  readAll(): AuditEntry[] {
    const sheet = this.book.sheet(SHEET.audit);
    const layout = this.book.layout(SHEET.audit);
    const last = sheet.getLastRow();
    if (last < 2) return [];
    const values = sheet.getRange(2, 1, last - 1, layout.width).getValues() as Cell[][];
    const at = (row: Cell[], name: string) => row[layout.require(name) - 1] ?? '';
    return values
      .filter((row) => String(at(row, 'Target')) !== '')
      .map((row) => {
        const when = at(row, 'At');
        return {
          at: when instanceof Date ? when : new Date(String(when)),
          actor: String(at(row, 'Actor')),
          action: String(at(row, 'Action')),
          target: String(at(row, 'Target')),
          field: String(at(row, 'Field')),
          before: at(row, 'Before'),
          after: at(row, 'After'),
          evidence: String(at(row, 'Evidence')),
        };
      });
  }

  existingKeys(evidence: string[]): Set<string> {
    const keys = new Set<string>();
    const layout = this.book.layout(SHEET.audit);
    const column = layout.require('Evidence');
    const letter = columnLetter(column);
    for (const value of new Set(evidence)) {
      if (!value) continue;
      for (const hit of this.book
        .range(SHEET.audit, `${letter}:${letter}`)
        .createTextFinder(value)
        .findAll()) {
        const row = (hit.offset(0, 1 - column, 1, layout.width).getValues()[0] ?? []) as Cell[];
        const cell = (name: string) => String(row[layout.require(name) - 1] ?? '');
        if (cell('Evidence') !== value) continue;
        keys.add(auditKey({ evidence: value, target: cell('Target'), field: cell('Field') }));
      }
    }
    return keys;
  }
}

/** Writes `rows` below the last row (growing the sheet when needed); answers the first row written. */
export function appendRows(sheet: GoogleAppsScript.Spreadsheet.Sheet, rows: Cell[][], width: number): number {
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
  return first;
}
