// Status chips: one conditional-format rule per contract value of a status column ("paid" green, "open" red…), over
// the rows below the header. A sheet's rules are set all at once, so the user's rules are read and kept, in front
// of ours (Sheets applies the first rule that matches a cell, so theirs win where both apply).

import type { StatusColours } from '../core/look';
import type { SheetLayout } from './layout';
import type { BodyRows } from './look';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Rule = GoogleAppsScript.Spreadsheet.ConditionalFormatRule;

export function colourStatuses(
  sheet: Sheet,
  layout: SheetLayout,
  colours: readonly StatusColours[],
  body: BodyRows,
): void {
  const columns = colours
    .map((spec) => ({ spec, column: layout.column(spec.column) }))
    .filter(({ column }) => column > 0);
  if (columns.length === 0) return;
  const existing = sheet.getConditionalFormatRules();
  const kept = existing.filter((rule) => !columns.some(({ spec, column }) => isOurs(rule, spec, column)));
  const ours = columns.flatMap(({ spec, column }) => {
    const range = body(column);
    return Object.entries(spec.chips).map(([value, chip]) =>
      SpreadsheetApp.newConditionalFormatRule()
        .whenTextEqualTo(value)
        .setBackground(chip.background)
        .setFontColor(chip.font)
        .setBold(true)
        .setRanges([range])
        .build(),
    );
  });
  sheet.setConditionalFormatRules([...kept, ...ours]);
}

/**
 * A rule is the add-on's when it tests a status column, and that column alone, for exactly one of the column's
 * contract values. Colours are not compared, so a later version's palette replaces an earlier one's; a user's rule
 * with another condition, or over other cells, is never taken for ours.
 */
function isOurs(rule: Rule, spec: StatusColours, column: number): boolean {
  const condition = rule.getBooleanCondition();
  if (!condition || condition.getCriteriaType() !== SpreadsheetApp.BooleanCriteria.TEXT_EQUAL_TO)
    return false;
  const value = String(condition.getCriteriaValues()[0] ?? '').toLowerCase();
  if (!Object.keys(spec.chips).some((status) => status.toLowerCase() === value)) return false;
  const ranges = rule.getRanges();
  return (
    ranges.length > 0 && ranges.every((range) => range.getColumn() === column && range.getNumColumns() === 1)
  );
}
