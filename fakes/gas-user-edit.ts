// What a person typing into the Sheets grid does, as opposed to a script: a protection they are not an editor of
// stops them, a data-validation rule that rejects invalid input refuses the entry (a script's write is never
// refused), and what they type is read as Sheets reads typing (the same parsing as a script's setValues).
// A successful edit reports what an onEdit trigger receives.

import { validationProblem } from './gas-data-validation';
import { type CellValue, displayOf, enterValue, type FakeRange, type FakeSheet } from './gas-sheets';

export type UserEdit =
  | {
      ok: true;
      range: FakeRange;
      /** e.value: the entry as typed, for a single cell only. */
      value?: string;
      /** e.oldValue: the cell's value before, for a single cell that had one. */
      oldValue?: string;
    }
  | { ok: false; message: string };

/** Sheets' words when an edit touches a protected range the user may not edit. */
export const PROTECTED_MESSAGE =
  'You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.';

export function typeInto(
  sheet: FakeSheet,
  row: number,
  column: number,
  entries: string[][],
  user: string,
): UserEdit {
  const numRows = entries.length;
  const numColumns = Math.max(0, ...entries.map((line) => line.length));
  const range = sheet._range(row, column, numRows, numColumns);
  if (entries.some((line) => line.length !== numColumns)) {
    return { ok: false, message: 'Every row of the entry must have the same number of cells.' };
  }
  const blocked = sheet.protections.some((protection) => {
    if (protection.warningOnly || user === sheet.spreadsheet.people.owner || protection.editors.has(user))
      return false;
    const area = protection.getRange();
    return (
      area.row <= range.getLastRow() &&
      row <= area.getLastRow() &&
      area.column <= range.getLastColumn() &&
      column <= area.getLastColumn()
    );
  });
  if (blocked) return { ok: false, message: PROTECTED_MESSAGE };

  const ss = sheet.spreadsheet;
  for (let r = 0; r < numRows; r++) {
    for (let c = 0; c < numColumns; c++) {
      const current = sheet._cell(row + r, column + c);
      const rule = current?.dv;
      if (!rule || rule.allowInvalid) continue;
      const entered = enterValue(sheet._env, entries[r]?.[c] ?? '', current?.nf, ss.timeZone, ss.settings);
      const typed = { v: entered.v, f: entered.f, nf: current?.nf ?? entered.autoFormat };
      const problem = validationProblem(rule, typed, displayOf(typed, ss.timeZone));
      if (problem) return { ok: false, message: `There was a problem: ${problem}` };
    }
  }

  const single = numRows === 1 && numColumns === 1;
  const before = single ? sheet._cell(row, column)?.v : undefined;
  range._write(entries);
  return {
    ok: true,
    range,
    ...(single ? { value: entries[0]?.[0] ?? '' } : {}),
    ...(single && before !== undefined && before !== '' ? { oldValue: asText(before, ss.timeZone) } : {}),
  };
}

/**
 * What the formula bar shows for a cell, so that typing it back stores the same value: the formula, a number's
 * plain digits, a date as Sheets shows it, and text with a leading apostrophe when it would otherwise be read as
 * something else (`'0012`, `'TRUE`).
 */
export function editText(sheet: FakeSheet, row: number, column: number): string {
  const cell = sheet._cell(row, column);
  if (!cell) return '';
  if (cell.f !== undefined) return cell.f;
  const ss = sheet.spreadsheet;
  if (typeof cell.v !== 'string') return asText(cell.v, ss.timeZone, cell.nf);
  if (cell.v === '') return '';
  const typedBack = enterValue(sheet._env, cell.v, cell.nf, ss.timeZone, ss.settings);
  return typedBack.f === undefined && typedBack.v === cell.v ? cell.v : `'${cell.v}`;
}

function asText(value: CellValue, timeZone: string, numberFormat?: string): string {
  if (typeof value === 'number') return String(value);
  return displayOf({ v: value, nf: value instanceof Date ? numberFormat : undefined }, timeZone);
}
