// Conditional-format rules: SpreadsheetApp.newConditionalFormatRule(), Sheet.setConditionalFormatRules() and
// getConditionalFormatRules(), and which rule colours a cell — the first rule, in the sheet's order, whose range holds
// the cell and whose condition the cell meets (Sheets applies one rule per cell, the highest).
// Rules are sheet-level: their ranges move when rows or columns are inserted or deleted before or inside them.

import { type Env, GasObject, gasEnum, isDate, signatureError, unwrap } from './gas-core';
import type { Cell, FakeRange, FakeSheet } from './gas-sheets';

export const BooleanCriteria = gasEnum(
  'CELL_EMPTY',
  'CELL_NOT_EMPTY',
  'DATE_AFTER',
  'DATE_BEFORE',
  'DATE_EQUAL_TO',
  'DATE_AFTER_RELATIVE',
  'DATE_BEFORE_RELATIVE',
  'DATE_EQUAL_TO_RELATIVE',
  'NUMBER_BETWEEN',
  'NUMBER_EQUAL_TO',
  'NUMBER_GREATER_THAN',
  'NUMBER_GREATER_THAN_OR_EQUAL_TO',
  'NUMBER_LESS_THAN',
  'NUMBER_LESS_THAN_OR_EQUAL_TO',
  'NUMBER_NOT_BETWEEN',
  'NUMBER_NOT_EQUAL_TO',
  'TEXT_CONTAINS',
  'TEXT_DOES_NOT_CONTAIN',
  'TEXT_EQUAL_TO',
  'TEXT_STARTS_WITH',
  'TEXT_ENDS_WITH',
  'CUSTOM_FORMULA',
);

/** What a rule does to a cell it matches; absent fields leave the cell's own formatting. */
export interface ConditionalFormat {
  background?: string;
  fontColor?: string;
  bold?: boolean;
  italic?: boolean;
  strikethrough?: boolean;
  underline?: boolean;
}

/** A rule as a sheet stores it (and as the emulator's state file keeps it): plain data, ranges as coordinates. */
export interface ConditionalFormatState {
  /** [row, column, numRows, numColumns], 1-based. */
  ranges: [number, number, number, number][];
  criteria: string;
  values: unknown[];
  format: ConditionalFormat;
}

interface Draft {
  ranges: FakeRange[];
  criteria: string | null;
  values: unknown[];
  format: ConditionalFormat;
}

function normaliseColour(color: unknown): string | undefined {
  if (color === null || color === undefined) return undefined;
  const text = String(color);
  return /^#[0-9a-f]{3,8}$/i.test(text) ? text.toLowerCase() : text;
}

export class FakeBooleanCondition extends GasObject {
  constructor(
    env: Env,
    private readonly criteria: string,
    private readonly values: unknown[],
    private readonly format: ConditionalFormat,
  ) {
    super(env, 'BooleanCondition');
  }
  getCriteriaType(): string {
    return this.criteria;
  }
  getCriteriaValues(): unknown[] {
    return this.values.map((v) => (isDate(v) ? this._env.date(v.getTime()) : v));
  }
  getBackground(): string | null {
    return this.format.background ?? null;
  }
  getFontColor(): string | null {
    return this.format.fontColor ?? null;
  }
  getBold(): boolean | null {
    return this.format.bold ?? null;
  }
  getItalic(): boolean | null {
    return this.format.italic ?? null;
  }
  getStrikethrough(): boolean | null {
    return this.format.strikethrough ?? null;
  }
  getUnderline(): boolean | null {
    return this.format.underline ?? null;
  }
}

export class FakeConditionalFormatRuleBuilder extends GasObject {
  constructor(
    env: Env,
    private readonly draft: Draft = { ranges: [], criteria: null, values: [], format: {} },
  ) {
    super(env, 'ConditionalFormatRuleBuilder');
  }

  private when(criteria: string, ...values: unknown[]): FakeConditionalFormatRuleBuilder {
    this.draft.criteria = criteria;
    this.draft.values = values;
    return this;
  }
  private number(method: string, values: unknown[]): unknown[] {
    if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw signatureError(this._env, `SpreadsheetApp.ConditionalFormatRuleBuilder.${method}`, values);
    }
    return values;
  }

  whenCellEmpty(): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.CELL_EMPTY);
  }
  whenCellNotEmpty(): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.CELL_NOT_EMPTY);
  }
  whenTextEqualTo(text: string): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.TEXT_EQUAL_TO, String(text));
  }
  whenTextContains(text: string): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.TEXT_CONTAINS, String(text));
  }
  whenTextDoesNotContain(text: string): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.TEXT_DOES_NOT_CONTAIN, String(text));
  }
  whenTextStartsWith(text: string): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.TEXT_STARTS_WITH, String(text));
  }
  whenTextEndsWith(text: string): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.TEXT_ENDS_WITH, String(text));
  }
  whenNumberEqualTo(n: number): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.NUMBER_EQUAL_TO, ...this.number('whenNumberEqualTo', [n]));
  }
  whenNumberNotEqualTo(n: number): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.NUMBER_NOT_EQUAL_TO, ...this.number('whenNumberNotEqualTo', [n]));
  }
  whenNumberGreaterThan(n: number): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.NUMBER_GREATER_THAN, ...this.number('whenNumberGreaterThan', [n]));
  }
  whenNumberGreaterThanOrEqualTo(n: number): FakeConditionalFormatRuleBuilder {
    return this.when(
      BooleanCriteria.NUMBER_GREATER_THAN_OR_EQUAL_TO,
      ...this.number('whenNumberGreaterThanOrEqualTo', [n]),
    );
  }
  whenNumberLessThan(n: number): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.NUMBER_LESS_THAN, ...this.number('whenNumberLessThan', [n]));
  }
  whenNumberLessThanOrEqualTo(n: number): FakeConditionalFormatRuleBuilder {
    return this.when(
      BooleanCriteria.NUMBER_LESS_THAN_OR_EQUAL_TO,
      ...this.number('whenNumberLessThanOrEqualTo', [n]),
    );
  }
  whenNumberBetween(start: number, end: number): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.NUMBER_BETWEEN, ...this.number('whenNumberBetween', [start, end]));
  }
  whenNumberNotBetween(start: number, end: number): FakeConditionalFormatRuleBuilder {
    return this.when(
      BooleanCriteria.NUMBER_NOT_BETWEEN,
      ...this.number('whenNumberNotBetween', [start, end]),
    );
  }
  whenDateAfter(date: Date): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.DATE_AFTER, date);
  }
  whenDateBefore(date: Date): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.DATE_BEFORE, date);
  }
  whenDateEqualTo(date: Date): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.DATE_EQUAL_TO, date);
  }
  /** Kept and read back, but never evaluated: the fake does not calculate formulas. */
  whenFormulaSatisfied(formula: string): FakeConditionalFormatRuleBuilder {
    return this.when(BooleanCriteria.CUSTOM_FORMULA, String(formula));
  }
  withCriteria(criteria: string, args: unknown[]): FakeConditionalFormatRuleBuilder {
    if (!Object.hasOwn(BooleanCriteria, String(criteria)) || !Array.isArray(args)) {
      throw signatureError(this._env, 'SpreadsheetApp.ConditionalFormatRuleBuilder.withCriteria', [
        criteria,
        args,
      ]);
    }
    return this.when(String(criteria), ...args);
  }

  setBackground(color: string | null): FakeConditionalFormatRuleBuilder {
    this.draft.format.background = normaliseColour(color);
    return this;
  }
  setFontColor(color: string | null): FakeConditionalFormatRuleBuilder {
    this.draft.format.fontColor = normaliseColour(color);
    return this;
  }
  setBold(bold: boolean | null): FakeConditionalFormatRuleBuilder {
    this.draft.format.bold = bold ?? undefined;
    return this;
  }
  setItalic(italic: boolean | null): FakeConditionalFormatRuleBuilder {
    this.draft.format.italic = italic ?? undefined;
    return this;
  }
  setStrikethrough(strikethrough: boolean | null): FakeConditionalFormatRuleBuilder {
    this.draft.format.strikethrough = strikethrough ?? undefined;
    return this;
  }
  setUnderline(underline: boolean | null): FakeConditionalFormatRuleBuilder {
    this.draft.format.underline = underline ?? undefined;
    return this;
  }
  setRanges(ranges: FakeRange[]): FakeConditionalFormatRuleBuilder {
    if (!Array.isArray(ranges)) {
      throw signatureError(this._env, 'SpreadsheetApp.ConditionalFormatRuleBuilder.setRanges', [ranges]);
    }
    this.draft.ranges = ranges.map((range) => unwrap(range));
    return this;
  }
  getRanges(): FakeRange[] {
    return [...this.draft.ranges];
  }
  getBooleanCondition(): FakeBooleanCondition | null {
    const { criteria, values, format } = this.draft;
    return criteria ? new FakeBooleanCondition(this._env, criteria, values, { ...format }) : null;
  }
  getGradientCondition(): null {
    return null;
  }
  copy(): FakeConditionalFormatRuleBuilder {
    return new FakeConditionalFormatRuleBuilder(this._env, copyDraft(this.draft));
  }
  build(): FakeConditionalFormatRule {
    return new FakeConditionalFormatRule(this._env, copyDraft(this.draft));
  }
}

export class FakeConditionalFormatRule extends GasObject {
  constructor(
    env: Env,
    readonly _draft: Draft,
  ) {
    super(env, 'ConditionalFormatRule');
  }
  getRanges(): FakeRange[] {
    return [...this._draft.ranges];
  }
  getBooleanCondition(): FakeBooleanCondition | null {
    const { criteria, values, format } = this._draft;
    return criteria ? new FakeBooleanCondition(this._env, criteria, values, { ...format }) : null;
  }
  getGradientCondition(): null {
    return null;
  }
  copy(): FakeConditionalFormatRuleBuilder {
    return new FakeConditionalFormatRuleBuilder(this._env, copyDraft(this._draft));
  }
}

function copyDraft(draft: Draft): Draft {
  return {
    ranges: [...draft.ranges],
    criteria: draft.criteria,
    values: [...draft.values],
    format: { ...draft.format },
  };
}

// --- What the sheet keeps ---------------------------------------------------------------------------------------

/** Sheet.setConditionalFormatRules: replaces every rule of the sheet with these, in this order. */
export function setSheetRules(sheet: FakeSheet, rules: unknown): void {
  const env = sheet._env;
  if (!Array.isArray(rules)) {
    throw signatureError(env, 'SpreadsheetApp.Sheet.setConditionalFormatRules', [rules]);
  }
  sheet.conditionalFormats = rules.map((item) => {
    const rule = unwrap(item);
    if (!(rule instanceof FakeConditionalFormatRule)) {
      throw signatureError(env, 'SpreadsheetApp.Sheet.setConditionalFormatRules', [rules]);
    }
    const { ranges, criteria, values, format } = rule._draft;
    // ASSUMPTION (unverified against live Sheets): a rule without a condition or a range, or with a range on
    // another sheet, is refused rather than silently stored.
    if (!criteria) throw env.error('A conditional format rule needs a condition (when…) before it is set.');
    if (ranges.length === 0) throw env.error('A conditional format rule needs at least one range.');
    if (ranges.some((range) => range.sheet !== sheet)) {
      throw env.error('A conditional format rule can only apply to ranges on the sheet it is set on.');
    }
    return {
      ranges: ranges.map(
        (r) => [r.row, r.column, r.numRows, r.numColumns] as [number, number, number, number],
      ),
      criteria,
      values: [...values],
      format: { ...format },
    };
  });
}

/** Sheet.getConditionalFormatRules: fresh rule objects over the sheet's current ranges. */
export function sheetRules(sheet: FakeSheet): FakeConditionalFormatRule[] {
  return sheet.conditionalFormats.map(
    (state) =>
      new FakeConditionalFormatRule(sheet._env, {
        ranges: state.ranges.map(([row, column, numRows, numColumns]) =>
          sheet._range(row, column, numRows, numColumns),
        ),
        criteria: state.criteria,
        values: [...state.values],
        format: { ...state.format },
      }),
  );
}

/**
 * Rows or columns inserted (`count` > 0, before position `at`) or deleted (`count` < 0, from `at`): ranges after the
 * change move, ranges it cuts through grow or shrink, ranges wholly deleted go, and so does a rule left with none.
 */
export function shiftRules(sheet: FakeSheet, dimension: 'ROWS' | 'COLUMNS', at: number, count: number): void {
  const axis: 0 | 1 = dimension === 'ROWS' ? 0 : 1;
  const size: 2 | 3 = dimension === 'ROWS' ? 2 : 3;
  sheet.conditionalFormats = sheet.conditionalFormats
    .map((rule) => ({
      ...rule,
      ranges: rule.ranges.flatMap((range) => {
        const start = range[axis];
        const end = start + range[size] - 1;
        const moved = count > 0 ? insertInto(start, end, at, count) : deleteFrom(start, end, at, -count);
        if (!moved) return [];
        const next: [number, number, number, number] = [...range];
        next[axis] = moved[0];
        next[size] = moved[1] - moved[0] + 1;
        return [next];
      }),
    }))
    .filter((rule) => rule.ranges.length > 0);
}

function insertInto(start: number, end: number, at: number, count: number): [number, number] {
  if (at <= start) return [start + count, end + count];
  if (at <= end) return [start, end + count];
  return [start, end];
}

function deleteFrom(start: number, end: number, at: number, count: number): [number, number] | null {
  const last = at + count - 1;
  const map = (p: number, edge: 'start' | 'end'): number =>
    p < at ? p : p > last ? p - count : edge === 'start' ? at : at - 1;
  const from = map(start, 'start');
  const to = map(end, 'end');
  return to < from ? null : [from, to];
}

// --- Which rule a cell shows ------------------------------------------------------------------------------------

/** The format of the first rule that holds this cell and whose condition it meets, or null. */
export function conditionalFormatAt(
  sheet: FakeSheet,
  row: number,
  column: number,
  display: (cell: Cell | undefined) => string,
): ConditionalFormat | null {
  const cell = sheet._cell(row, column);
  for (const rule of sheet.conditionalFormats) {
    const inside = rule.ranges.some(
      ([r, c, nr, nc]) => row >= r && row < r + nr && column >= c && column < c + nc,
    );
    if (inside && meets(rule, cell, display)) return { ...rule.format };
  }
  return null;
}

function meets(
  rule: ConditionalFormatState,
  cell: Cell | undefined,
  display: (cell: Cell | undefined) => string,
): boolean {
  const value = cell?.v ?? '';
  const empty = value === '' && cell?.f === undefined;
  const [a, b] = rule.values;
  // ASSUMPTION (unverified against live Sheets): text conditions ignore case, as Sheets' text comparisons do.
  const text = display(cell).toLowerCase();
  const wanted = String(a ?? '').toLowerCase();
  const n = typeof value === 'number' ? value : null;
  const between = (x: number): boolean =>
    x >= Math.min(Number(a), Number(b)) && x <= Math.max(Number(a), Number(b));
  switch (rule.criteria) {
    case BooleanCriteria.CELL_EMPTY:
      return empty;
    case BooleanCriteria.CELL_NOT_EMPTY:
      return !empty;
    case BooleanCriteria.TEXT_EQUAL_TO:
      return !empty && text === wanted;
    case BooleanCriteria.TEXT_CONTAINS:
      return !empty && text.includes(wanted);
    case BooleanCriteria.TEXT_DOES_NOT_CONTAIN:
      return !text.includes(wanted);
    case BooleanCriteria.TEXT_STARTS_WITH:
      return !empty && text.startsWith(wanted);
    case BooleanCriteria.TEXT_ENDS_WITH:
      return !empty && text.endsWith(wanted);
    case BooleanCriteria.NUMBER_EQUAL_TO:
      return n !== null && n === Number(a);
    case BooleanCriteria.NUMBER_NOT_EQUAL_TO:
      return n !== null && n !== Number(a);
    case BooleanCriteria.NUMBER_GREATER_THAN:
      return n !== null && n > Number(a);
    case BooleanCriteria.NUMBER_GREATER_THAN_OR_EQUAL_TO:
      return n !== null && n >= Number(a);
    case BooleanCriteria.NUMBER_LESS_THAN:
      return n !== null && n < Number(a);
    case BooleanCriteria.NUMBER_LESS_THAN_OR_EQUAL_TO:
      return n !== null && n <= Number(a);
    case BooleanCriteria.NUMBER_BETWEEN:
      return n !== null && between(n);
    case BooleanCriteria.NUMBER_NOT_BETWEEN:
      return n !== null && !between(n);
    default:
      // Custom formulas and date conditions (days in the spreadsheet's zone, relative dates) are kept and read
      // back but never met here: nothing in this project colours by them.
      return false;
  }
}
