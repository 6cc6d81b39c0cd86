// Data validation: SpreadsheetApp.newDataValidation(), Range.setDataValidation(s)/getDataValidation(s), and whether
// an entry passes. As in Sheets, a rule bites only on what a person types (gas-user-edit.ts): a script's setValue
// bypasses validation, and the cell merely shows as invalid. A rule with allowInvalid (the default for new rules)
// warns; one without it rejects the entry.

import { type Env, GasObject, gasEnum, isDate, signatureError, unwrap } from './gas-core';
import type { Cell, CellValue, FakeRange } from './gas-sheets';

export const DataValidationCriteria = gasEnum(
  'DATE_AFTER',
  'DATE_BEFORE',
  'DATE_BETWEEN',
  'DATE_EQUAL_TO',
  'DATE_IS_VALID_DATE',
  'DATE_NOT_BETWEEN',
  'DATE_ON_OR_AFTER',
  'DATE_ON_OR_BEFORE',
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
  'TEXT_IS_VALID_EMAIL',
  'TEXT_IS_VALID_URL',
  'VALUE_IN_LIST',
  'VALUE_IN_RANGE',
  'CUSTOM_FORMULA',
  'CHECKBOX',
);

/** A rule as a cell keeps it: plain data, so snapshots persist it. Never mutated once built. */
export interface DataValidationState {
  criteria: string;
  /** As getCriteriaValues returns them; for VALUE_IN_LIST `[values, showDropdown]`. */
  values: unknown[];
  allowInvalid: boolean;
  helpText: string | null;
}

export class FakeDataValidation extends GasObject {
  constructor(
    env: Env,
    readonly _state: DataValidationState,
  ) {
    super(env, 'DataValidation');
  }
  getCriteriaType(): string {
    return this._state.criteria;
  }
  getCriteriaValues(): unknown[] {
    return copyValues(this._state.values);
  }
  getAllowInvalid(): boolean {
    return this._state.allowInvalid;
  }
  getHelpText(): string | null {
    return this._state.helpText;
  }
  copy(): FakeDataValidationBuilder {
    return new FakeDataValidationBuilder(this._env, {
      ...this._state,
      values: copyValues(this._state.values),
    });
  }
}

function copyValues(values: unknown[]): unknown[] {
  return values.map((v) => (Array.isArray(v) ? [...v] : v));
}

export class FakeDataValidationBuilder extends GasObject {
  constructor(
    env: Env,
    // A new rule warns rather than rejects until told otherwise (Apps Script: "The default for new data
    // validation rules is true").
    private readonly state: {
      criteria: string | null;
      values: unknown[];
      allowInvalid: boolean;
      helpText: string | null;
    } = {
      criteria: null,
      values: [],
      allowInvalid: true,
      helpText: null,
    },
  ) {
    super(env, 'DataValidationBuilder');
  }

  private require(criteria: string, ...values: unknown[]): FakeDataValidationBuilder {
    this.state.criteria = criteria;
    this.state.values = values;
    return this;
  }
  private numbers(method: string, values: unknown[]): unknown[] {
    if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw signatureError(this._env, `SpreadsheetApp.DataValidationBuilder.${method}`, values);
    }
    return values;
  }

  requireValueInList(values: string[], showDropdown = true): FakeDataValidationBuilder {
    if (!Array.isArray(values)) {
      throw signatureError(this._env, 'SpreadsheetApp.DataValidationBuilder.requireValueInList', [values]);
    }
    // ASSUMPTION (unverified against live Sheets): an empty list is refused.
    if (values.length === 0) throw this._env.error('The list of values for data validation is empty.');
    return this.require(DataValidationCriteria.VALUE_IN_LIST, values.map(String), showDropdown !== false);
  }
  requireCheckbox(checked?: unknown, unchecked?: unknown): FakeDataValidationBuilder {
    const values = checked === undefined ? [] : unchecked === undefined ? [checked] : [checked, unchecked];
    return this.require(DataValidationCriteria.CHECKBOX, ...values);
  }
  requireNumberBetween(start: number, end: number): FakeDataValidationBuilder {
    return this.require(
      DataValidationCriteria.NUMBER_BETWEEN,
      ...this.numbers('requireNumberBetween', [start, end]),
    );
  }
  requireNumberGreaterThanOrEqualTo(n: number): FakeDataValidationBuilder {
    return this.require(
      DataValidationCriteria.NUMBER_GREATER_THAN_OR_EQUAL_TO,
      ...this.numbers('requireNumberGreaterThanOrEqualTo', [n]),
    );
  }
  requireNumberGreaterThan(n: number): FakeDataValidationBuilder {
    return this.require(
      DataValidationCriteria.NUMBER_GREATER_THAN,
      ...this.numbers('requireNumberGreaterThan', [n]),
    );
  }
  requireNumberLessThanOrEqualTo(n: number): FakeDataValidationBuilder {
    return this.require(
      DataValidationCriteria.NUMBER_LESS_THAN_OR_EQUAL_TO,
      ...this.numbers('requireNumberLessThanOrEqualTo', [n]),
    );
  }
  requireNumberLessThan(n: number): FakeDataValidationBuilder {
    return this.require(
      DataValidationCriteria.NUMBER_LESS_THAN,
      ...this.numbers('requireNumberLessThan', [n]),
    );
  }
  requireTextContains(text: string): FakeDataValidationBuilder {
    return this.require(DataValidationCriteria.TEXT_CONTAINS, String(text));
  }
  requireTextDoesNotContain(text: string): FakeDataValidationBuilder {
    return this.require(DataValidationCriteria.TEXT_DOES_NOT_CONTAIN, String(text));
  }
  requireTextEqualTo(text: string): FakeDataValidationBuilder {
    return this.require(DataValidationCriteria.TEXT_EQUAL_TO, String(text));
  }
  requireTextIsEmail(): FakeDataValidationBuilder {
    return this.require(DataValidationCriteria.TEXT_IS_VALID_EMAIL);
  }
  requireTextIsUrl(): FakeDataValidationBuilder {
    return this.require(DataValidationCriteria.TEXT_IS_VALID_URL);
  }
  requireDate(): FakeDataValidationBuilder {
    return this.require(DataValidationCriteria.DATE_IS_VALID_DATE);
  }
  /** Kept and read back; never evaluated (the fake has no formula engine), so every entry passes it. */
  requireFormulaSatisfied(formula: string): FakeDataValidationBuilder {
    return this.require(DataValidationCriteria.CUSTOM_FORMULA, String(formula));
  }
  withCriteria(criteria: string, args: unknown[]): FakeDataValidationBuilder {
    if (!Object.hasOwn(DataValidationCriteria, String(criteria)) || !Array.isArray(args)) {
      throw signatureError(this._env, 'SpreadsheetApp.DataValidationBuilder.withCriteria', [criteria, args]);
    }
    return this.require(String(criteria), ...args);
  }
  setAllowInvalid(allowInvalidData: boolean): FakeDataValidationBuilder {
    this.state.allowInvalid = allowInvalidData === true;
    return this;
  }
  setHelpText(helpText: string): FakeDataValidationBuilder {
    this.state.helpText = String(helpText);
    return this;
  }
  getCriteriaType(): string | null {
    return this.state.criteria;
  }
  getCriteriaValues(): unknown[] {
    return copyValues(this.state.values);
  }
  getAllowInvalid(): boolean {
    return this.state.allowInvalid;
  }
  getHelpText(): string | null {
    return this.state.helpText;
  }
  copy(): FakeDataValidationBuilder {
    return new FakeDataValidationBuilder(this._env, { ...this.state, values: copyValues(this.state.values) });
  }
  build(): FakeDataValidation {
    const { criteria } = this.state;
    // ASSUMPTION (unverified against live Sheets): building a rule with no criteria is refused.
    if (!criteria) throw this._env.error('A data validation rule needs criteria (require…) before build().');
    return new FakeDataValidation(this._env, {
      ...this.state,
      criteria,
      values: copyValues(this.state.values),
    });
  }
}

// --- Range.setDataValidation(s) and friends --------------------------------------------------------------------

/** The rule to store for what a script passed: a built rule, or null to remove. */
export function validationState(env: Env, method: string, rule: unknown): DataValidationState | undefined {
  const raw = unwrap(rule);
  if (raw === null) return undefined;
  if (!(raw instanceof FakeDataValidation))
    throw signatureError(env, `SpreadsheetApp.Range.${method}`, [rule]);
  return raw._state;
}

export function setRangeValidation(range: FakeRange, rule: unknown): void {
  const state = validationState(range._env, 'setDataValidation', rule);
  range._each((cell) => {
    if (state) cell.dv = state;
    else delete cell.dv;
  });
}

export function setRangeValidations(range: FakeRange, rules: unknown): void {
  const rows = range._checkShape(rules, 'setDataValidations');
  const states = rows.map((line) =>
    line.map((rule) => validationState(range._env, 'setDataValidations', rule)),
  );
  range._each((cell, r, c) => {
    const state = states[r]?.[c];
    if (state) cell.dv = state;
    else delete cell.dv;
  });
}

export function rangeValidations(range: FakeRange): (FakeDataValidation | null)[][] {
  return range._read((cell) => (cell?.dv ? new FakeDataValidation(range._env, cell.dv) : null));
}

// --- Does an entry pass? ----------------------------------------------------------------------------------------

/**
 * Why Sheets would flag this cell under this rule, or null when it passes. Blank always passes. `display` is the
 * cell's text as shown, which is what a list compares against.
 */
export function validationProblem(
  rule: DataValidationState,
  cell: Cell | undefined,
  display: string,
): string | null {
  const value: CellValue = cell?.v ?? '';
  if (value === '' && cell?.f === undefined) return null;
  const [a, b] = rule.values;
  const n = typeof value === 'number' ? value : null;
  const fail = (why: string): string => rule.helpText || why;
  switch (rule.criteria) {
    case DataValidationCriteria.VALUE_IN_LIST: {
      // ASSUMPTION (unverified against live Sheets): the list comparison ignores case, as Sheets' text
      // comparisons do; so code that reads a validated column must not rely on the list's own case.
      const items = (Array.isArray(a) ? a : []).map((item) => String(item).toLowerCase());
      return items.includes(display.toLowerCase())
        ? null
        : fail('Input must be an item on the specified list.');
    }
    case DataValidationCriteria.CHECKBOX: {
      const allowed = rule.values.length > 0 ? rule.values : [true, false];
      return allowed.some((x) => x === value || String(x).toLowerCase() === display.toLowerCase())
        ? null
        : fail('Input must be a checkbox value.');
    }
    case DataValidationCriteria.NUMBER_BETWEEN:
      return n !== null && n >= Math.min(Number(a), Number(b)) && n <= Math.max(Number(a), Number(b))
        ? null
        : fail(`Input must be a number between ${String(a)} and ${String(b)}.`);
    case DataValidationCriteria.NUMBER_GREATER_THAN:
      return n !== null && n > Number(a) ? null : fail(`Input must be a number greater than ${String(a)}.`);
    case DataValidationCriteria.NUMBER_GREATER_THAN_OR_EQUAL_TO:
      return n !== null && n >= Number(a) ? null : fail(`Input must be a number at least ${String(a)}.`);
    case DataValidationCriteria.NUMBER_LESS_THAN:
      return n !== null && n < Number(a) ? null : fail(`Input must be a number less than ${String(a)}.`);
    case DataValidationCriteria.NUMBER_LESS_THAN_OR_EQUAL_TO:
      return n !== null && n <= Number(a) ? null : fail(`Input must be a number at most ${String(a)}.`);
    case DataValidationCriteria.TEXT_CONTAINS:
      return display.includes(String(a)) ? null : fail(`Input must contain "${String(a)}".`);
    case DataValidationCriteria.TEXT_DOES_NOT_CONTAIN:
      return display.includes(String(a)) ? fail(`Input must not contain "${String(a)}".`) : null;
    case DataValidationCriteria.TEXT_EQUAL_TO:
      return display === String(a) ? null : fail(`Input must be "${String(a)}".`);
    case DataValidationCriteria.TEXT_IS_VALID_EMAIL:
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(display) ? null : fail('Input must be a valid email address.');
    case DataValidationCriteria.TEXT_IS_VALID_URL:
      return /^(https?:\/\/)?[^\s/]+\.[^\s]+$/i.test(display) ? null : fail('Input must be a valid URL.');
    case DataValidationCriteria.DATE_IS_VALID_DATE:
      return isDate(value) ? null : fail('Input must be a valid date.');
    default:
      // Ranges, custom formulas and date comparisons need a calculation engine the fake does not have.
      return null;
  }
}
