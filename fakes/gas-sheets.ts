// The fake Spreadsheet service: Spreadsheet, Sheet, Range, TextFinder and Protection over an in-memory grid that
// behaves like Sheets where it bites (user-entered parsing, 50,000-character cells, shape checks, sheet bounds).

import { cellA1, parseA1 } from './gas-a1';
import { type FakeEmbeddedChart, type FakeEmbeddedChartBuilder, SheetCharts } from './gas-charts';
import {
  type ConditionalFormatState,
  type FakeConditionalFormatRule,
  setSheetRules,
  sheetRules,
  shiftRules,
} from './gas-conditional-formats';
import { type Env, GasObject, gasEnum, isDate, signatureError } from './gas-core';
import {
  type DataValidationState,
  type FakeDataValidation,
  rangeValidations,
  setRangeValidation,
  setRangeValidations,
} from './gas-data-validation';
import { formatSheetsValue, instantOfWallTime, SHEETS_DATE_TIME_FORMAT } from './gas-dates';

export type CellValue = string | number | boolean | Date;

/** One stored cell. `v` is what getValues returns; `f` the formula text when the cell holds one. */
export interface Cell {
  v: CellValue;
  f?: string;
  nf?: string;
  note?: string;
  fontWeight?: string;
  background?: string;
  /** Data validation (gas-data-validation.ts). */
  dv?: DataValidationState;
}

export const MAX_CELL_CHARACTERS = 50000;
const DEFAULT_NUMBER_FORMAT = '0.###############';
const NEW_SHEET_ROWS = 1000;
const NEW_SHEET_COLUMNS = 26;

export const ProtectionType = gasEnum('RANGE', 'SHEET');

export interface SpreadsheetPeople {
  owner: string;
  activeUser: string;
  /** Whom the script runs as: the owner for a web app or an owner's trigger, the user at the keyboard otherwise. */
  effectiveUser: string;
  /** Who the spreadsheet is shared with for editing, besides the owner; null: the active user (the common case). */
  editors: string[] | null;
}

export interface UiRecord {
  toasts: { message: string; title: string; timeoutSeconds: number | undefined }[];
}

export interface SpreadsheetSettings {
  /** What getValues returns for a formula cell: the fake cannot calculate, so by default an error value. */
  formulaValue: (formula: string) => CellValue;
}

// --- How Sheets reads what a script writes -------------------------------------------------------------------

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const PERCENT = /^([+-]?(\d+\.?\d*|\.\d+))%$/;
const CURRENCY = /^([+-]?)\$(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.?\d*|\.\d+)$/;
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The value Sheets stores for a script's input, as `setValue`/`setValues`/`appendRow` enter it (user-entered, like
 * typing): `=…` is a formula, a leading `'` forces text and is dropped, numeric/boolean/date-looking text is
 * converted — except in a cell formatted as plain text (`@`), where the text is kept as typed, `=` included (Sheets
 * shows a formula typed into a plain-text cell as text).
 */
export function enterValue(
  env: Env,
  input: unknown,
  numberFormat: string | undefined,
  timeZone: string,
  settings: SpreadsheetSettings,
): { v: CellValue; f?: string; autoFormat?: string } {
  if (input === null || input === undefined) return { v: '' };
  if (isDate(input)) {
    if (Number.isNaN(input.getTime())) throw env.error('Invalid argument: value');
    return { v: new Date(input.getTime()), autoFormat: SHEETS_DATE_TIME_FORMAT };
  }
  if (typeof input === 'number' || typeof input === 'boolean') return { v: input };
  const text = typeof input === 'string' ? input : String(input);
  if (text.length > MAX_CELL_CHARACTERS) {
    throw env.error(
      `Your input contains more than the maximum of ${MAX_CELL_CHARACTERS} characters in a single cell.`,
    );
  }
  // ASSUMPTION (unverified against live Sheets): the apostrophe is dropped in plain-text cells too.
  if (text.startsWith("'")) return { v: text.slice(1) };
  if (numberFormat === '@') return { v: text };
  if (text.startsWith('=') && text.length > 1) return { v: settings.formulaValue(text), f: text };
  const t = text.trim();
  if (t === '') return { v: text };
  if (PLAIN_NUMBER.test(t)) return { v: Number(t) };
  if (GROUPED_NUMBER.test(t)) return { v: Number(t.replace(/,/g, '')), autoFormat: '#,##0.##' };
  const percent = PERCENT.exec(t);
  if (percent) return { v: Number(percent[1]) / 100, autoFormat: t.includes('.') ? '0.00%' : '0%' };
  const money = CURRENCY.exec(t);
  if (money) {
    const n = Number((money[2] ?? '').replace(/,/g, ''));
    return { v: money[1] === '-' ? -n : n, autoFormat: '"$"#,##0.00' };
  }
  const upper = t.toUpperCase();
  if (upper === 'TRUE') return { v: true };
  if (upper === 'FALSE') return { v: false };
  const iso = ISO_DATE.exec(t);
  const us = iso ? null : US_DATE.exec(t);
  const m = iso ?? us;
  if (m) {
    const [y, mo, d] = iso
      ? [Number(m[1]), Number(m[2]), Number(m[3])]
      : [Number(m[3]), Number(m[1]), Number(m[2])];
    const hasTime = m[4] !== undefined;
    if (validDay(y, mo, d)) {
      const at = instantOfWallTime(
        timeZone,
        y,
        mo,
        d,
        Number(m[4] ?? 0),
        Number(m[5] ?? 0),
        Number(m[6] ?? 0),
      );
      const autoFormat = iso
        ? hasTime
          ? 'yyyy-mm-dd h:mm:ss'
          : 'yyyy-mm-dd'
        : hasTime
          ? SHEETS_DATE_TIME_FORMAT
          : 'M/d/yyyy';
      return { v: at, autoFormat };
    }
  }
  return { v: text };
}

function copyOut(env: Env, value: CellValue): CellValue {
  return value instanceof Date ? env.date(value.getTime()) : value;
}

/** What the cell shows (getDisplayValues, and what TextFinder searches). */
export function displayOf(cell: Cell | undefined, timeZone: string): string {
  if (!cell) return '';
  const v = cell.v;
  if (typeof v === 'string') return v;
  // Formatting a date costs microseconds and a TextFinder formats every date cell it passes: keep the last text.
  const known = displayed.get(cell);
  if (known && known.v === v && known.nf === cell.nf && known.timeZone === timeZone) return known.text;
  const text = formatSheetsValue(v, cell.nf, timeZone);
  displayed.set(cell, { v, nf: cell.nf, timeZone, text });
  return text;
}

interface Displayed {
  v: CellValue;
  nf: string | undefined;
  timeZone: string;
  text: string;
}
const displayed = new WeakMap<Cell, Displayed>();

function cellHasContent(cell: Cell | undefined): boolean {
  return cell !== undefined && (cell.v !== '' || cell.f !== undefined);
}

// --- Spreadsheet ----------------------------------------------------------------------------------------------

export class FakeUser extends GasObject {
  constructor(
    env: Env,
    private readonly email: string,
  ) {
    super(env, 'User');
  }
  getEmail(): string {
    return this.email;
  }
  getUsername(): string {
    return this.email.split('@')[0] ?? '';
  }
}

export interface SheetState {
  name: string;
  sheetId: number;
  maxRows: number;
  maxColumns: number;
  frozenRows: number;
  frozenColumns: number;
  hidden: boolean;
  hiddenColumns: number[];
  hiddenRows: number[];
  columnWidths: [number, number][];
  cells: [number, number, Cell][];
  protections: ProtectionState[];
  conditionalFormats?: ConditionalFormatState[];
}

interface ProtectionState {
  type: 'RANGE' | 'SHEET';
  range: [number, number, number, number] | null;
  description: string;
  editors: string[];
  warningOnly: boolean;
  domainEdit: boolean;
}

export interface SpreadsheetState {
  id: string;
  name: string;
  timeZone: string;
  activeSheet: number;
  nextSheetId: number;
  namedRanges: [string, string, number, number, number, number][];
  sheets: SheetState[];
}

export class FakeSpreadsheet extends GasObject {
  sheets: FakeSheet[] = [];
  activeSheet: FakeSheet;
  nextSheetId = 0;
  namedRanges = new Map<string, FakeRange>();

  constructor(
    env: Env,
    public id: string,
    public name: string,
    public timeZone: string,
    readonly people: SpreadsheetPeople,
    readonly ui: UiRecord,
    readonly settings: SpreadsheetSettings,
  ) {
    super(env, 'Spreadsheet');
    this.activeSheet = this._addSheet('Sheet1', 0);
  }

  _addSheet(name: string, index: number): FakeSheet {
    const sheet = new FakeSheet(this._env, this, name, this.nextSheetId);
    // Apps Script gids of added sheets are large and unpredictable; the first sheet's is 0.
    this.nextSheetId = this.nextSheetId === 0 ? 1_000_001 : this.nextSheetId + 1_000_003;
    this.sheets.splice(index, 0, sheet);
    return sheet;
  }

  _sheetByName(name: string): FakeSheet | undefined {
    // Sheet names are unique regardless of case, and getSheetByName ignores case.
    const wanted = name.toLowerCase();
    return this.sheets.find((s) => s.name.toLowerCase() === wanted);
  }

  _requireSheet(name: string): FakeSheet {
    const sheet = this._sheetByName(name);
    if (!sheet) throw this._env.error('Range not found');
    return sheet;
  }

  getId(): string {
    return this.id;
  }
  getName(): string {
    return this.name;
  }
  rename(name: string): void {
    this.name = name;
  }
  getUrl(): string {
    return `https://docs.google.com/spreadsheets/d/${this.id}/edit`;
  }
  getSpreadsheetTimeZone(): string {
    return this.timeZone;
  }
  setSpreadsheetTimeZone(timeZone: string): void {
    this.timeZone = timeZone;
  }
  getSpreadsheetLocale(): string {
    return 'en_US';
  }
  getOwner(): FakeUser {
    return new FakeUser(this._env, this.people.owner);
  }
  getEditors(): FakeUser[] {
    const shared = this.people.editors ?? [this.people.activeUser];
    return [...new Set([this.people.owner, ...shared].filter(Boolean))].map(
      (e) => new FakeUser(this._env, e),
    );
  }
  getSheets(): FakeSheet[] {
    return [...this.sheets];
  }
  getNumSheets(): number {
    return this.sheets.length;
  }
  getSheetByName(name: string): FakeSheet | null {
    return this._sheetByName(String(name)) ?? null;
  }
  getSheetById(id: number): FakeSheet | null {
    return this.sheets.find((s) => s.sheetId === id) ?? null;
  }
  getActiveSheet(): FakeSheet {
    return this.activeSheet;
  }
  setActiveSheet(sheet: FakeSheet): FakeSheet {
    this.activeSheet = sheet;
    return sheet;
  }
  insertSheet(...args: unknown[]): FakeSheet {
    let name: string | undefined;
    let index = this.sheets.length;
    const [a, b] = args;
    if (typeof a === 'string') {
      name = a;
      if (typeof b === 'number') index = b;
    } else if (typeof a === 'number') {
      index = a;
    } else if (a !== undefined) {
      throw signatureError(this._env, 'SpreadsheetApp.Spreadsheet.insertSheet', args);
    }
    if (name === undefined) {
      let n = this.sheets.length + 1;
      while (this._sheetByName(`Sheet${n}`)) n += 1;
      name = `Sheet${n}`;
    }
    if (this._sheetByName(name)) {
      throw this._env.error(`A sheet with the name "${name}" already exists. Please enter another name.`);
    }
    const sheet = this._addSheet(name, Math.max(0, Math.min(index, this.sheets.length)));
    this.activeSheet = sheet;
    return sheet;
  }
  deleteSheet(sheet: FakeSheet): void {
    const i = this.sheets.indexOf(sheet);
    if (i < 0) throw this._env.error('Sheet not found');
    if (this.sheets.length === 1) throw this._env.error("You can't remove all the sheets in a document.");
    this.sheets.splice(i, 1);
    if (this.activeSheet === sheet) this.activeSheet = this.sheets[0] ?? this.activeSheet;
  }
  getRange(a1: string): FakeRange {
    const ref = parseA1(String(a1));
    if (!ref) throw this._env.error('Range not found');
    const sheet = ref.sheetName !== undefined ? this._requireSheet(ref.sheetName) : this.activeSheet;
    return sheet._rangeFromA1(String(a1));
  }
  getRangeByName(name: string): FakeRange | null {
    return this.namedRanges.get(name) ?? null;
  }
  setNamedRange(name: string, range: FakeRange): void {
    this.namedRanges.set(name, range);
  }
  removeNamedRange(name: string): void {
    this.namedRanges.delete(name);
  }
  createTextFinder(findText: string): FakeTextFinder {
    return new FakeTextFinder(this._env, { spreadsheet: this }, String(findText));
  }
  toast(message: string, title?: string, timeoutSeconds?: number): void {
    this.ui.toasts.push({ message: String(message), title: title ?? '', timeoutSeconds });
  }

  _toState(): SpreadsheetState {
    return {
      id: this.id,
      name: this.name,
      timeZone: this.timeZone,
      activeSheet: Math.max(0, this.sheets.indexOf(this.activeSheet)),
      nextSheetId: this.nextSheetId,
      namedRanges: [...this.namedRanges].map(([n, r]) => [
        n,
        r.sheet.name,
        r.row,
        r.column,
        r.numRows,
        r.numColumns,
      ]),
      sheets: this.sheets.map((s) => s._toState()),
    };
  }

  _fromState(state: SpreadsheetState): void {
    this.id = state.id;
    this.name = state.name;
    this.timeZone = state.timeZone;
    this.nextSheetId = state.nextSheetId;
    this.sheets = state.sheets.map((s) => FakeSheet._fromState(this._env, this, s));
    this.activeSheet = this.sheets[state.activeSheet] ?? (this.sheets[0] as FakeSheet);
    this.namedRanges = new Map();
    for (const [name, sheetName, row, column, numRows, numColumns] of state.namedRanges) {
      const sheet = this._sheetByName(sheetName);
      if (sheet)
        this.namedRanges.set(name, new FakeRange(this._env, sheet, row, column, numRows, numColumns));
    }
  }
}

// --- Sheet ----------------------------------------------------------------------------------------------------

export class FakeSheet extends GasObject {
  rows: (Cell | undefined)[][] = [];
  maxRows = NEW_SHEET_ROWS;
  maxColumns = NEW_SHEET_COLUMNS;
  frozenRows = 0;
  frozenColumns = 0;
  hidden = false;
  hiddenColumns = new Set<number>();
  hiddenRows = new Set<number>();
  columnWidths = new Map<number, number>();
  protections: FakeProtection[] = [];
  /** Conditional-format rules in priority order (gas-conditional-formats.ts). */
  conditionalFormats: ConditionalFormatState[] = [];

  constructor(
    env: Env,
    readonly spreadsheet: FakeSpreadsheet,
    public name: string,
    readonly sheetId: number,
  ) {
    super(env, 'Sheet');
  }

  /** Embedded charts live over the grid (fakes/gas-charts.ts): clearing cells leaves them. */
  readonly _charts: SheetCharts = new SheetCharts(this._env, this);
  newChart(): FakeEmbeddedChartBuilder {
    return this._charts.newChart();
  }
  insertChart(chart: FakeEmbeddedChart): void {
    this._charts.insert(chart);
  }
  getCharts(): FakeEmbeddedChart[] {
    return this._charts.list();
  }
  removeChart(chart: FakeEmbeddedChart): void {
    this._charts.remove(chart);
  }
  updateChart(chart: FakeEmbeddedChart): void {
    this._charts.update(chart);
  }

  // Internal grid access (1-based coordinates).
  _cell(row: number, column: number): Cell | undefined {
    return this.rows[row - 1]?.[column - 1];
  }

  /** Bumped on every change to the grid, so the data extent (asked by every TextFinder call) is scanned once. */
  _version = 0;
  private cachedLastRow = { version: -1, value: 0 };
  private cachedLastColumn = { version: -1, value: 0 };

  _ensureCell(row: number, column: number): Cell {
    this._version += 1;
    let r = this.rows[row - 1];
    if (!r) {
      r = [];
      this.rows[row - 1] = r;
    }
    let cell = r[column - 1];
    if (!cell) {
      cell = { v: '' };
      r[column - 1] = cell;
    }
    return cell;
  }

  _lastRow(): number {
    if (this.cachedLastRow.version !== this._version) {
      this.cachedLastRow = { version: this._version, value: this._scanLastRow() };
    }
    return this.cachedLastRow.value;
  }

  _lastColumn(): number {
    if (this.cachedLastColumn.version !== this._version) {
      this.cachedLastColumn = { version: this._version, value: this._scanLastColumn() };
    }
    return this.cachedLastColumn.value;
  }

  _scanLastRow(): number {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const r = this.rows[i];
      if (r?.some(cellHasContent)) return i + 1;
    }
    return 0;
  }

  _scanLastColumn(): number {
    let last = 0;
    for (const r of this.rows) {
      if (!r || r.length <= last) continue;
      for (let c = r.length - 1; c >= last; c--) {
        if (cellHasContent(r[c])) {
          last = c + 1;
          break;
        }
      }
    }
    return last;
  }

  _range(row: number, column: number, numRows: number, numColumns: number, label?: string): FakeRange {
    if (row < 1) throw this._env.error('The starting row of the range is too small.');
    if (column < 1) throw this._env.error('The starting column of the range is too small.');
    if (numRows < 1) throw this._env.error('The number of rows in the range must be at least 1.');
    if (numColumns < 1) throw this._env.error('The number of columns in the range must be at least 1.');
    if (row + numRows - 1 > this.maxRows || column + numColumns - 1 > this.maxColumns) {
      throw this._env.error('The coordinates of the range are outside the dimensions of the sheet.');
    }
    return new FakeRange(this._env, this, row, column, numRows, numColumns, label);
  }

  _rangeFromA1(a1: string): FakeRange {
    const ref = parseA1(a1);
    if (!ref) throw this._env.error('Range not found');
    if (ref.sheetName !== undefined && ref.sheetName.toLowerCase() !== this.name.toLowerCase()) {
      return this.spreadsheet._requireSheet(ref.sheetName)._rangeFromA1(a1);
    }
    const open =
      ref.startRow === undefined ||
      ref.endRow === undefined ||
      ref.startColumn === undefined ||
      ref.endColumn === undefined;
    const r1 = ref.startRow ?? 1;
    const c1 = ref.startColumn ?? 1;
    const r2 = ref.endRow ?? this.maxRows;
    const c2 = ref.endColumn ?? this.maxColumns;
    const top = Math.min(r1, r2);
    const left = Math.min(c1, c2);
    const label = open ? a1.slice(a1.lastIndexOf('!') + 1).replace(/\$/g, '') : undefined;
    return this._range(top, left, Math.abs(r2 - r1) + 1, Math.abs(c2 - c1) + 1, label);
  }

  /** Rows inserted after `position` take that row's formats, as Sheets copies the formatting of the row above. */
  _insertRows(beforeIndex0: number, count: number, formatSource: number): void {
    const source = formatSource >= 1 ? this.rows[formatSource - 1] : undefined;
    const fresh: (Cell | undefined)[][] = [];
    for (let i = 0; i < count; i++) {
      const r: (Cell | undefined)[] = [];
      // Data validation comes along with the number format, as in Sheets.
      source?.forEach((cell, c) => {
        if (cell?.nf !== undefined || cell?.dv !== undefined) {
          r[c] = {
            v: '',
            ...(cell.nf !== undefined ? { nf: cell.nf } : {}),
            ...(cell.dv ? { dv: cell.dv } : {}),
          };
        }
      });
      fresh.push(r);
    }
    while (this.rows.length < beforeIndex0) this.rows.push([]);
    this._version += 1;
    // Spliced in without spreading: thousands of rows at once would overflow the call stack.
    this.rows = [...this.rows.slice(0, beforeIndex0), ...fresh, ...this.rows.slice(beforeIndex0)];
    this.maxRows += count;
    this.hiddenRows = shiftSet(this.hiddenRows, beforeIndex0 + 1, count);
    shiftRules(this, 'ROWS', beforeIndex0 + 1, count);
  }

  _insertColumns(beforeIndex0: number, count: number): void {
    this._version += 1;
    for (const r of this.rows) {
      if (!r || r.length <= beforeIndex0) continue;
      r.splice(beforeIndex0, 0, ...new Array<Cell | undefined>(count));
    }
    this.maxColumns += count;
    this.hiddenColumns = shiftSet(this.hiddenColumns, beforeIndex0 + 1, count);
    shiftRules(this, 'COLUMNS', beforeIndex0 + 1, count);
    this.columnWidths = new Map(
      [...this.columnWidths].map(([c, w]) => [c > beforeIndex0 ? c + count : c, w] as [number, number]),
    );
  }

  _checkNumber(method: string, args: unknown[], min = 1): void {
    for (const a of args) {
      if (typeof a !== 'number' || !Number.isFinite(a)) throw signatureError(this._env, method, args);
    }
    for (const a of args) {
      if ((a as number) < min) throw this._env.error(`Those rows are out of bounds.`);
    }
  }

  getName(): string {
    return this.name;
  }
  getSheetName(): string {
    return this.name;
  }
  setName(name: string): FakeSheet {
    const other = this.spreadsheet._sheetByName(name);
    if (other && other !== this) {
      throw this._env.error(`A sheet with the name "${name}" already exists. Please enter another name.`);
    }
    this.name = name;
    return this;
  }
  getSheetId(): number {
    return this.sheetId;
  }
  getIndex(): number {
    return this.spreadsheet.sheets.indexOf(this) + 1;
  }
  getParent(): FakeSpreadsheet {
    return this.spreadsheet;
  }
  getLastRow(): number {
    return this._lastRow();
  }
  getLastColumn(): number {
    return this._lastColumn();
  }
  getMaxRows(): number {
    return this.maxRows;
  }
  getMaxColumns(): number {
    return this.maxColumns;
  }

  getRange(...args: unknown[]): FakeRange {
    if (args.length === 1 && typeof args[0] === 'string') return this._rangeFromA1(args[0]);
    if (args.length < 2 || args.length > 4)
      throw signatureError(this._env, 'SpreadsheetApp.Sheet.getRange', args);
    for (const a of args) {
      if (typeof a !== 'number' || !Number.isFinite(a)) {
        throw signatureError(this._env, 'SpreadsheetApp.Sheet.getRange', args);
      }
    }
    const [row, column, numRows = 1, numColumns = 1] = (args as number[]).map(Math.trunc);
    return this._range(row ?? 1, column ?? 1, numRows, numColumns);
  }

  getDataRange(): FakeRange {
    return this._range(1, 1, Math.max(1, this._lastRow()), Math.max(1, this._lastColumn()));
  }

  appendRow(rowContents: unknown[]): FakeSheet {
    if (!Array.isArray(rowContents))
      throw signatureError(this._env, 'SpreadsheetApp.Sheet.appendRow', [rowContents]);
    const row = this._lastRow() + 1;
    refuseProtected(this, row, 1, 1, Math.max(1, rowContents.length));
    const prepared = rowContents.map((value, i) =>
      enterValue(
        this._env,
        value,
        this._cell(row, i + 1)?.nf,
        this.spreadsheet.timeZone,
        this.spreadsheet.settings,
      ),
    );
    if (row > this.maxRows) this._insertRows(this.maxRows, row - this.maxRows, this.maxRows);
    if (rowContents.length > this.maxColumns) {
      this._insertColumns(this.maxColumns, rowContents.length - this.maxColumns);
    }
    prepared.forEach((entered, i) => {
      writeCell(this._ensureCell(row, i + 1), entered);
    });
    this._env.counters.cellsWritten += rowContents.length;
    return this;
  }

  insertRowsAfter(afterPosition: number, howMany: number): FakeSheet {
    this._checkNumber('SpreadsheetApp.Sheet.insertRowsAfter', [afterPosition, howMany]);
    if (afterPosition > this.maxRows) throw this._env.error('Those rows are out of bounds.');
    this._insertRows(afterPosition, howMany, afterPosition);
    return this;
  }
  insertRowAfter(afterPosition: number): FakeSheet {
    return this.insertRowsAfter(afterPosition, 1);
  }
  insertRowsBefore(beforePosition: number, howMany: number): FakeSheet {
    this._checkNumber('SpreadsheetApp.Sheet.insertRowsBefore', [beforePosition, howMany]);
    if (beforePosition > this.maxRows) throw this._env.error('Those rows are out of bounds.');
    this._insertRows(beforePosition - 1, howMany, beforePosition);
    return this;
  }
  insertRowBefore(beforePosition: number): FakeSheet {
    return this.insertRowsBefore(beforePosition, 1);
  }
  insertColumnsAfter(afterPosition: number, howMany: number): FakeSheet {
    this._checkNumber('SpreadsheetApp.Sheet.insertColumnsAfter', [afterPosition, howMany]);
    if (afterPosition > this.maxColumns) throw this._env.error('Those columns are out of bounds.');
    this._insertColumns(afterPosition, howMany);
    return this;
  }
  insertColumnAfter(afterPosition: number): FakeSheet {
    return this.insertColumnsAfter(afterPosition, 1);
  }
  insertColumnsBefore(beforePosition: number, howMany: number): FakeSheet {
    this._checkNumber('SpreadsheetApp.Sheet.insertColumnsBefore', [beforePosition, howMany]);
    if (beforePosition > this.maxColumns) throw this._env.error('Those columns are out of bounds.');
    this._insertColumns(beforePosition - 1, howMany);
    return this;
  }
  insertColumnBefore(beforePosition: number): FakeSheet {
    return this.insertColumnsBefore(beforePosition, 1);
  }
  deleteRows(rowPosition: number, howMany: number): void {
    this._checkNumber('SpreadsheetApp.Sheet.deleteRows', [rowPosition, howMany]);
    if (rowPosition + howMany - 1 > this.maxRows) throw this._env.error('Those rows are out of bounds.');
    if (howMany >= this.maxRows - this.frozenRows) {
      throw this._env.error('Sorry, it is not possible to delete all non-frozen rows.');
    }
    this._version += 1;
    this.rows.splice(rowPosition - 1, howMany);
    this.maxRows -= howMany;
    this.hiddenRows = shiftSet(this.hiddenRows, rowPosition, -howMany);
    shiftRules(this, 'ROWS', rowPosition, -howMany);
  }
  deleteRow(rowPosition: number): void {
    this.deleteRows(rowPosition, 1);
  }
  deleteColumns(columnPosition: number, howMany: number): void {
    this._checkNumber('SpreadsheetApp.Sheet.deleteColumns', [columnPosition, howMany]);
    if (columnPosition + howMany - 1 > this.maxColumns)
      throw this._env.error('Those columns are out of bounds.');
    if (howMany >= this.maxColumns - this.frozenColumns) {
      throw this._env.error('Sorry, it is not possible to delete all non-frozen columns.');
    }
    this._version += 1;
    for (const r of this.rows) r?.splice(columnPosition - 1, howMany);
    this.maxColumns -= howMany;
    this.hiddenColumns = shiftSet(this.hiddenColumns, columnPosition, -howMany);
    shiftRules(this, 'COLUMNS', columnPosition, -howMany);
  }
  deleteColumn(columnPosition: number): void {
    this.deleteColumns(columnPosition, 1);
  }

  createTextFinder(findText: string): FakeTextFinder {
    return new FakeTextFinder(this._env, { sheet: this }, String(findText));
  }

  protect(): FakeProtection {
    // Sheet.protect() hands back the existing sheet protection when there is one.
    const existing = this.protections.find((p) => p.type === 'SHEET');
    if (existing) return existing;
    const protection = new FakeProtection(this._env, this, 'SHEET', null);
    this.protections.push(protection);
    return protection;
  }
  getProtections(type: string): FakeProtection[] {
    return this.protections.filter((p) => p.type === String(type));
  }
  setConditionalFormatRules(rules: FakeConditionalFormatRule[]): void {
    setSheetRules(this, rules);
  }
  getConditionalFormatRules(): FakeConditionalFormatRule[] {
    return sheetRules(this);
  }
  clearConditionalFormatRules(): void {
    this.conditionalFormats = [];
  }

  hideColumns(columnIndex: number, numColumns = 1): void {
    this._checkNumber('SpreadsheetApp.Sheet.hideColumns', [columnIndex, numColumns]);
    if (columnIndex + numColumns - 1 > this.maxColumns)
      throw this._env.error('Those columns are out of bounds.');
    for (let c = columnIndex; c < columnIndex + numColumns; c++) this.hiddenColumns.add(c);
  }
  showColumns(columnIndex: number, numColumns = 1): void {
    for (let c = columnIndex; c < columnIndex + numColumns; c++) this.hiddenColumns.delete(c);
  }
  isColumnHiddenByUser(columnPosition: number): boolean {
    return this.hiddenColumns.has(columnPosition);
  }
  hideRows(rowIndex: number, numRows = 1): void {
    for (let r = rowIndex; r < rowIndex + numRows; r++) this.hiddenRows.add(r);
  }
  showRows(rowIndex: number, numRows = 1): void {
    for (let r = rowIndex; r < rowIndex + numRows; r++) this.hiddenRows.delete(r);
  }
  isRowHiddenByUser(rowPosition: number): boolean {
    return this.hiddenRows.has(rowPosition);
  }
  setFrozenRows(rows: number): void {
    if (rows >= this.maxRows) throw this._env.error('You can’t freeze all visible rows on the sheet.');
    this.frozenRows = rows;
  }
  getFrozenRows(): number {
    return this.frozenRows;
  }
  setFrozenColumns(columns: number): void {
    this.frozenColumns = columns;
  }
  getFrozenColumns(): number {
    return this.frozenColumns;
  }
  setColumnWidth(columnPosition: number, width: number): FakeSheet {
    this.columnWidths.set(columnPosition, width);
    return this;
  }
  setColumnWidths(startColumn: number, numColumns: number, width: number): FakeSheet {
    for (let c = startColumn; c < startColumn + numColumns; c++) this.columnWidths.set(c, width);
    return this;
  }
  getColumnWidth(columnPosition: number): number {
    return this.columnWidths.get(columnPosition) ?? 100;
  }
  autoResizeColumns(startColumn: number, numColumns: number): FakeSheet {
    for (let c = startColumn; c < startColumn + numColumns; c++) this.columnWidths.delete(c);
    return this;
  }
  autoResizeColumn(columnPosition: number): FakeSheet {
    return this.autoResizeColumns(columnPosition, 1);
  }
  setTabColor(_color: string | null): FakeSheet {
    return this;
  }
  clear(): FakeSheet {
    this._version += 1;
    this.rows = this.rows.map(
      (r) => r?.map((cell) => (cell?.note !== undefined ? { v: '', note: cell.note } : undefined)) ?? [],
    );
    return this;
  }
  clearContents(): FakeSheet {
    this._version += 1;
    for (const r of this.rows) {
      r?.forEach((cell) => {
        if (cell) clearContent(cell);
      });
    }
    return this;
  }
  clearFormats(): FakeSheet {
    for (const r of this.rows) {
      r?.forEach((cell) => {
        if (cell) clearFormat(cell);
      });
    }
    return this;
  }
  clearNotes(): FakeSheet {
    for (const r of this.rows) {
      r?.forEach((cell) => {
        if (cell) delete cell.note;
      });
    }
    return this;
  }
  activate(): FakeSheet {
    this.spreadsheet.activeSheet = this;
    return this;
  }
  showSheet(): FakeSheet {
    this.hidden = false;
    return this;
  }
  hideSheet(): FakeSheet {
    this.hidden = true;
    return this;
  }
  isSheetHidden(): boolean {
    return this.hidden;
  }

  _toState(): SheetState {
    const cells: [number, number, Cell][] = [];
    this.rows.forEach((r, ri) => {
      r?.forEach((cell, ci) => {
        if (cell) cells.push([ri + 1, ci + 1, { ...cell }]);
      });
    });
    return {
      name: this.name,
      sheetId: this.sheetId,
      maxRows: this.maxRows,
      maxColumns: this.maxColumns,
      frozenRows: this.frozenRows,
      frozenColumns: this.frozenColumns,
      hidden: this.hidden,
      hiddenColumns: [...this.hiddenColumns],
      hiddenRows: [...this.hiddenRows],
      columnWidths: [...this.columnWidths],
      cells,
      protections: this.protections.map((p) => p._toState()),
      conditionalFormats: this.conditionalFormats,
    };
  }

  static _fromState(env: Env, spreadsheet: FakeSpreadsheet, state: SheetState): FakeSheet {
    const sheet = new FakeSheet(env, spreadsheet, state.name, state.sheetId);
    sheet.maxRows = state.maxRows;
    sheet.maxColumns = state.maxColumns;
    sheet.frozenRows = state.frozenRows;
    sheet.frozenColumns = state.frozenColumns;
    sheet.hidden = state.hidden;
    sheet.hiddenColumns = new Set(state.hiddenColumns);
    sheet.hiddenRows = new Set(state.hiddenRows);
    sheet.columnWidths = new Map(state.columnWidths);
    for (const [r, c, cell] of state.cells) Object.assign(sheet._ensureCell(r, c), cell);
    sheet.protections = state.protections.map((p) => FakeProtection._fromState(env, sheet, p));
    sheet.conditionalFormats = state.conditionalFormats ?? [];
    return sheet;
  }
}

function shiftSet(set: Set<number>, from: number, by: number): Set<number> {
  const out = new Set<number>();
  for (const n of set) {
    if (n < from) out.add(n);
    else if (by > 0 || n >= from - by) out.add(n + by);
  }
  return out;
}

function writeCell(cell: Cell, entered: { v: CellValue; f?: string; autoFormat?: string }): void {
  cell.v = entered.v;
  if (entered.f !== undefined) cell.f = entered.f;
  else delete cell.f;
  if (entered.autoFormat !== undefined && cell.nf === undefined) cell.nf = entered.autoFormat;
}

function clearContent(cell: Cell): void {
  cell.v = '';
  delete cell.f;
}

function clearFormat(cell: Cell): void {
  delete cell.nf;
  delete cell.fontWeight;
  delete cell.background;
}

// --- Range ----------------------------------------------------------------------------------------------------

export class FakeRange extends GasObject {
  constructor(
    env: Env,
    readonly sheet: FakeSheet,
    readonly row: number,
    readonly column: number,
    readonly numRows: number,
    readonly numColumns: number,
    private readonly label?: string,
  ) {
    super(env, 'Range');
  }

  _read<T>(pick: (cell: Cell | undefined) => T): T[][] {
    this._env.counters.cellsRead += this.numRows * this.numColumns;
    const out: T[][] = [];
    for (let r = 0; r < this.numRows; r++) {
      const line: T[] = [];
      const src = this.sheet.rows[this.row - 1 + r];
      for (let c = 0; c < this.numColumns; c++) line.push(pick(src?.[this.column - 1 + c]));
      out.push(line);
    }
    return out;
  }

  _display(cell: Cell | undefined): string {
    return displayOf(cell, this.sheet.spreadsheet.timeZone);
  }

  _checkShape(data: unknown, method: string): unknown[][] {
    if (!Array.isArray(data) || data.some((row) => !Array.isArray(row))) {
      throw signatureError(this._env, `SpreadsheetApp.Range.${method}`, [data]);
    }
    const rows = data as unknown[][];
    if (rows.length !== this.numRows) {
      throw this._env.error(
        `The number of rows in the data does not match the number of rows in the range. The data has ${rows.length} but the range has ${this.numRows}.`,
      );
    }
    for (const row of rows) {
      if (row.length !== this.numColumns) {
        throw this._env.error(
          `The number of columns in the data does not match the number of columns in the range. The data has ${row.length} but the range has ${this.numColumns}.`,
        );
      }
    }
    return rows;
  }

  _write(values: unknown[][]): void {
    const ss = this.sheet.spreadsheet;
    refuseProtected(this.sheet, this.row, this.column, this.numRows, this.numColumns);
    // Sheets refuses the whole write when one cell is invalid, so convert everything before storing anything.
    const prepared = values.map((line, r) =>
      line.map((value, c) =>
        enterValue(
          this._env,
          value,
          this.sheet._cell(this.row + r, this.column + c)?.nf,
          ss.timeZone,
          ss.settings,
        ),
      ),
    );
    prepared.forEach((line, r) => {
      line.forEach((entered, c) => {
        writeCell(this.sheet._ensureCell(this.row + r, this.column + c), entered);
      });
    });
    this._env.counters.cellsWritten += this.numRows * this.numColumns;
  }

  _each(fn: (cell: Cell, r: number, c: number) => void): void {
    for (let r = 0; r < this.numRows; r++) {
      for (let c = 0; c < this.numColumns; c++)
        fn(this.sheet._ensureCell(this.row + r, this.column + c), r, c);
    }
  }

  getValues(): CellValue[][] {
    return this._read((cell) => (cell ? copyOut(this._env, cell.v) : ''));
  }
  getValue(): CellValue {
    this._env.counters.cellsRead += 1;
    const cell = this.sheet._cell(this.row, this.column);
    return cell ? copyOut(this._env, cell.v) : '';
  }
  getDisplayValues(): string[][] {
    return this._read((cell) => this._display(cell));
  }
  getDisplayValue(): string {
    this._env.counters.cellsRead += 1;
    return this._display(this.sheet._cell(this.row, this.column));
  }
  getFormulas(): string[][] {
    return this._read((cell) => cell?.f ?? '');
  }
  getFormula(): string {
    this._env.counters.cellsRead += 1;
    return this.sheet._cell(this.row, this.column)?.f ?? '';
  }
  setValues(values: unknown[][]): FakeRange {
    this._write(this._checkShape(values, 'setValues'));
    return this;
  }
  setValue(value: unknown): FakeRange {
    // setValue writes the same value into every cell of the range.
    const line = new Array<unknown>(this.numColumns).fill(value);
    this._write(Array.from({ length: this.numRows }, () => line));
    return this;
  }
  setFormula(formula: string): FakeRange {
    return this.setValue(String(formula).startsWith('=') ? formula : `=${formula}`);
  }
  setFormulas(formulas: string[][]): FakeRange {
    const rows = this._checkShape(formulas, 'setFormulas');
    this._write(
      rows.map((line) => line.map((f) => (f === '' ? '' : String(f).startsWith('=') ? f : `=${f}`))),
    );
    return this;
  }
  getRow(): number {
    return this.row;
  }
  getColumn(): number {
    return this.column;
  }
  getNumRows(): number {
    return this.numRows;
  }
  getNumColumns(): number {
    return this.numColumns;
  }
  getHeight(): number {
    return this.numRows;
  }
  getWidth(): number {
    return this.numColumns;
  }
  getLastRow(): number {
    return this.row + this.numRows - 1;
  }
  getLastColumn(): number {
    return this.column + this.numColumns - 1;
  }
  getA1Notation(): string {
    if (this.label !== undefined) return this.label;
    const start = cellA1(this.row, this.column);
    if (this.numRows === 1 && this.numColumns === 1) return start;
    return `${start}:${cellA1(this.getLastRow(), this.getLastColumn())}`;
  }
  getSheet(): FakeSheet {
    return this.sheet;
  }
  getCell(row: number, column: number): FakeRange {
    if (row < 1 || column < 1 || row > this.numRows || column > this.numColumns) {
      throw this._env.error('The coordinates of the range are outside the dimensions of the sheet.');
    }
    return this.sheet._range(this.row + row - 1, this.column + column - 1, 1, 1);
  }
  offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number): FakeRange {
    return this.sheet._range(
      this.row + rowOffset,
      this.column + columnOffset,
      numRows ?? this.numRows,
      numColumns ?? this.numColumns,
    );
  }
  isBlank(): boolean {
    for (let r = 0; r < this.numRows; r++) {
      for (let c = 0; c < this.numColumns; c++) {
        if (cellHasContent(this.sheet._cell(this.row + r, this.column + c))) return false;
      }
    }
    return true;
  }
  setNumberFormat(format: string): FakeRange {
    this._each((cell) => {
      cell.nf = String(format);
    });
    return this;
  }
  setNumberFormats(formats: string[][]): FakeRange {
    const rows = this._checkShape(formats, 'setNumberFormats');
    this._each((cell, r, c) => {
      cell.nf = String(rows[r]?.[c]);
    });
    return this;
  }
  getNumberFormat(): string {
    return this.sheet._cell(this.row, this.column)?.nf ?? DEFAULT_NUMBER_FORMAT;
  }
  getNumberFormats(): string[][] {
    return this._read((cell) => cell?.nf ?? DEFAULT_NUMBER_FORMAT);
  }
  setFontWeight(fontWeight: string | null): FakeRange {
    this._each((cell) => {
      if (fontWeight === null || fontWeight === 'normal') delete cell.fontWeight;
      else cell.fontWeight = fontWeight;
    });
    return this;
  }
  setFontWeights(fontWeights: string[][]): FakeRange {
    const rows = this._checkShape(fontWeights, 'setFontWeights');
    this._each((cell, r, c) => {
      cell.fontWeight = String(rows[r]?.[c]);
    });
    return this;
  }
  getFontWeight(): string {
    return this.sheet._cell(this.row, this.column)?.fontWeight ?? 'normal';
  }
  setBackground(color: string | null): FakeRange {
    this._each((cell) => {
      if (color === null) delete cell.background;
      else cell.background = color;
    });
    return this;
  }
  setBackgrounds(colors: string[][]): FakeRange {
    const rows = this._checkShape(colors, 'setBackgrounds');
    this._each((cell, r, c) => {
      cell.background = String(rows[r]?.[c]);
    });
    return this;
  }
  getBackground(): string {
    return this.sheet._cell(this.row, this.column)?.background ?? '#ffffff';
  }
  getBackgrounds(): string[][] {
    return this._read((cell) => cell?.background ?? '#ffffff');
  }
  setNote(note: string | null): FakeRange {
    this._each((cell) => {
      if (note === null || note === '') delete cell.note;
      else cell.note = String(note);
    });
    return this;
  }
  setNotes(notes: (string | null)[][]): FakeRange {
    const rows = this._checkShape(notes, 'setNotes');
    this._each((cell, r, c) => {
      const note = rows[r]?.[c];
      if (note === null || note === undefined || note === '') delete cell.note;
      else cell.note = String(note);
    });
    return this;
  }
  getNote(): string {
    return this.sheet._cell(this.row, this.column)?.note ?? '';
  }
  getNotes(): string[][] {
    return this._read((cell) => cell?.note ?? '');
  }
  setDataValidation(rule: FakeDataValidation | null): FakeRange {
    setRangeValidation(this, rule);
    return this;
  }
  setDataValidations(rules: (FakeDataValidation | null)[][]): FakeRange {
    setRangeValidations(this, rules);
    return this;
  }
  getDataValidation(): FakeDataValidation | null {
    return this.sheet._range(this.row, this.column, 1, 1).getDataValidations()[0]?.[0] ?? null;
  }
  getDataValidations(): (FakeDataValidation | null)[][] {
    return rangeValidations(this);
  }
  clearDataValidations(): FakeRange {
    setRangeValidation(this, null);
    return this;
  }
  clearContent(): FakeRange {
    this._each(clearContent);
    return this;
  }
  clearFormat(): FakeRange {
    this._each(clearFormat);
    return this;
  }
  clearNote(): FakeRange {
    this._each((cell) => {
      delete cell.note;
    });
    return this;
  }
  clear(): FakeRange {
    this._each((cell) => {
      clearContent(cell);
      clearFormat(cell);
    });
    return this;
  }
  // Cosmetic setters: accepted and counted, nothing a test reads back.
  setHorizontalAlignment(_alignment: string | null): FakeRange {
    return this;
  }
  setVerticalAlignment(_alignment: string | null): FakeRange {
    return this;
  }
  setWrap(_wrap: boolean): FakeRange {
    return this;
  }
  setFontColor(_color: string | null): FakeRange {
    return this;
  }
  setFontSize(_size: number): FakeRange {
    return this;
  }
  setFontFamily(_family: string | null): FakeRange {
    return this;
  }
  setBorder(..._args: unknown[]): FakeRange {
    return this;
  }
  createTextFinder(findText: string): FakeTextFinder {
    return new FakeTextFinder(this._env, { range: this }, String(findText));
  }
  protect(): FakeProtection {
    const protection = new FakeProtection(this._env, this.sheet, 'RANGE', this);
    this.sheet.protections.push(protection);
    return protection;
  }
  activate(): FakeRange {
    this.sheet.spreadsheet.activeSheet = this.sheet;
    return this;
  }
}

// --- TextFinder -----------------------------------------------------------------------------------------------

type FinderScope = { spreadsheet: FakeSpreadsheet } | { sheet: FakeSheet } | { range: FakeRange };

interface Area {
  sheet: FakeSheet;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

interface Position {
  area: number;
  row: number;
  column: number;
}

export class FakeTextFinder extends GasObject {
  private matchCaseOn = false;
  private entireCell = false;
  private regex = false;
  private formulaText = false;
  private noDiacritics = false;
  private current: Position | null = null;

  constructor(
    env: Env,
    private readonly scope: FinderScope,
    private readonly findText: string,
  ) {
    super(env, 'TextFinder');
    if (findText === '') throw env.error('Invalid argument: findText');
  }

  matchCase(matchCase: boolean): FakeTextFinder {
    this.matchCaseOn = matchCase;
    return this;
  }
  matchEntireCell(entireCell: boolean): FakeTextFinder {
    this.entireCell = entireCell;
    return this;
  }
  useRegularExpression(useRegEx: boolean): FakeTextFinder {
    this.regex = useRegEx;
    return this;
  }
  matchFormulaText(matchFormulaText: boolean): FakeTextFinder {
    this.formulaText = matchFormulaText;
    return this;
  }
  ignoreDiacritics(ignoreDiacritics: boolean): FakeTextFinder {
    this.noDiacritics = ignoreDiacritics;
    return this;
  }
  startFrom(startRange: FakeRange): FakeTextFinder {
    const areas = this._areas();
    const area = areas.findIndex((a) => a.sheet === startRange.sheet);
    this.current = { area: Math.max(0, area), row: startRange.row, column: startRange.column };
    return this;
  }
  getCurrentMatch(): FakeRange | null {
    const areas = this._areas();
    const c = this.current;
    const area = c ? areas[c.area] : undefined;
    return c && area ? area.sheet._range(c.row, c.column, 1, 1) : null;
  }

  findNext(): FakeRange | null {
    return this._step(1);
  }
  findPrevious(): FakeRange | null {
    return this._step(-1);
  }
  findAll(): FakeRange[] {
    const areas = this._areas();
    const test = this._cellTest();
    const found: FakeRange[] = [];
    let scanned = 0;
    for (const a of areas) {
      if (a.bottom < a.top || a.right < a.left) continue;
      scanned += (a.bottom - a.top + 1) * (a.right - a.left + 1);
      for (let r = a.top; r <= a.bottom; r++) {
        const cells = a.sheet.rows[r - 1];
        if (!cells) continue;
        for (let c = a.left; c <= a.right; c++) {
          const cell = cells[c - 1];
          if (cell !== undefined && test(cell, a.sheet)) found.push(a.sheet._range(r, c, 1, 1));
        }
      }
    }
    this._env.counters.cellsScanned += scanned;
    return found;
  }

  /** The searched rectangles, clipped to each sheet's data: Sheets searches stored cells, not the empty grid. */
  _areas(): Area[] {
    const clip = (sheet: FakeSheet, top: number, left: number, bottom: number, right: number): Area => ({
      sheet,
      top,
      left,
      bottom: Math.min(bottom, sheet._lastRow()),
      right: Math.min(right, sheet._lastColumn()),
    });
    const s = this.scope;
    if ('range' in s) {
      const r = s.range;
      return [clip(r.sheet, r.row, r.column, r.getLastRow(), r.getLastColumn())];
    }
    if ('sheet' in s) return [clip(s.sheet, 1, 1, s.sheet.maxRows, s.sheet.maxColumns)];
    return s.spreadsheet.sheets.map((sheet) => clip(sheet, 1, 1, sheet.maxRows, sheet.maxColumns));
  }

  _cellTest(): (cell: Cell, sheet: FakeSheet) => boolean {
    const fold = (text: string): string => {
      let t = this.noDiacritics ? text.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : text;
      if (!this.matchCaseOn) t = t.toLowerCase();
      return t;
    };
    let test: (text: string) => boolean;
    if (this.regex) {
      const source = this.entireCell ? `^(?:${this.findText})$` : this.findText;
      const re = new RegExp(source, this.matchCaseOn ? 'u' : 'iu');
      test = (text) => re.test(this.noDiacritics ? fold(text) : text);
    } else {
      const needle = fold(this.findText);
      // Folding ASCII-only text never changes its length, and no non-ASCII text folds to an ASCII needle of
      // another length, so a length check can skip most cells of a large ledger.
      const asciiNeedle = !this.noDiacritics && /^[\x20-\x7e]*$/.test(needle);
      // Digits and ASCII punctuation have no case and no letter folds into them, so a cell that matches contains
      // the needle's longest run of them exactly: a plain `includes` rejects most cells without folding them.
      const caseless = this.noDiacritics ? '' : longestCaselessRun(needle);
      const mayMatch = (text: string) => caseless === '' || text.includes(caseless);
      if (this.entireCell) {
        test = (text) =>
          (!asciiNeedle || text.length === needle.length) && mayMatch(text) && fold(text) === needle;
      } else {
        test = (text) =>
          (!asciiNeedle || text.length >= needle.length) && mayMatch(text) && fold(text).includes(needle);
      }
    }
    return (cell, sheet) => {
      if (this.formulaText && cell.f !== undefined) return test(cell.f);
      const v = cell.v;
      if (v === '') return false;
      return test(typeof v === 'string' ? v : displayOf(cell, sheet.spreadsheet.timeZone));
    };
  }

  /** findNext/findPrevious: the next match in search order (rows top to bottom, each left to right; sheets in tab
   * order), counting every cell examined on the way. */
  _step(direction: 1 | -1): FakeRange | null {
    const areas = this._areas();
    const test = this._cellTest();
    const from = this.current;
    let scanned = 0;
    let hit: Position | null = null;
    const valid = (a: Area | undefined): a is Area => !!a && a.bottom >= a.top && a.right >= a.left;
    if (direction === 1) {
      outer: for (let ai = from ? from.area : 0; ai < areas.length; ai++) {
        const a = areas[ai];
        if (!valid(a)) continue;
        const inFrom = from !== null && ai === from.area;
        for (let r = inFrom ? from.row : a.top; r <= a.bottom; r++) {
          const first = inFrom && r === from.row ? from.column + 1 : a.left;
          const cells = a.sheet.rows[r - 1];
          for (let c = Math.max(first, a.left); c <= a.right; c++) {
            scanned += 1;
            const cell = cells?.[c - 1];
            if (cell !== undefined && test(cell, a.sheet)) {
              hit = { area: ai, row: r, column: c };
              break outer;
            }
          }
        }
      }
    } else {
      outer: for (let ai = from ? from.area : areas.length - 1; ai >= 0; ai--) {
        const a = areas[ai];
        if (!valid(a)) continue;
        const inFrom = from !== null && ai === from.area;
        for (let r = inFrom ? from.row : a.bottom; r >= a.top; r--) {
          const last = inFrom && r === from.row ? from.column - 1 : a.right;
          const cells = a.sheet.rows[r - 1];
          for (let c = Math.min(last, a.right); c >= a.left; c--) {
            scanned += 1;
            const cell = cells?.[c - 1];
            if (cell !== undefined && test(cell, a.sheet)) {
              hit = { area: ai, row: r, column: c };
              break outer;
            }
          }
        }
      }
    }
    this._env.counters.cellsScanned += scanned;
    const area = hit ? areas[hit.area] : undefined;
    if (!hit || !area) return null;
    this.current = hit;
    return area.sheet._range(hit.row, hit.column, 1, 1);
  }
}

/** The longest run of ASCII digits, spaces and punctuation: characters that no case folding produces or changes. */
function longestCaselessRun(text: string): string {
  const runs = text.match(/[\x20-\x40\x5b-\x60\x7b-\x7e]+/g) ?? [];
  return runs.reduce((best, run) => (run.length > best.length ? run : best), '');
}

// --- Protection -----------------------------------------------------------------------------------------------

export class FakeProtection extends GasObject {
  description = '';
  editors: Set<string>;
  warningOnly = false;
  domainEdit = false;

  constructor(
    env: Env,
    readonly sheet: FakeSheet,
    readonly type: 'RANGE' | 'SHEET',
    public range: FakeRange | null,
  ) {
    super(env, 'Protection');
    const people = sheet.spreadsheet.people;
    // A new protection starts with the spreadsheet's editors; scripts then remove them.
    this.editors = new Set([people.owner, people.effectiveUser].filter(Boolean));
  }

  getProtectionType(): string {
    return this.type;
  }
  getRange(): FakeRange {
    return this.range ?? this.sheet._range(1, 1, this.sheet.maxRows, this.sheet.maxColumns);
  }
  setRange(range: FakeRange): FakeProtection {
    this.range = range;
    return this;
  }
  setDescription(description: string): FakeProtection {
    this.description = String(description);
    return this;
  }
  getDescription(): string {
    return this.description;
  }
  addEditor(emailOrUser: string | FakeUser): FakeProtection {
    this.editors.add(emailOf(emailOrUser));
    return this;
  }
  addEditors(emailAddresses: string[]): FakeProtection {
    for (const e of emailAddresses) this.editors.add(emailOf(e));
    return this;
  }
  removeEditor(emailOrUser: string | FakeUser): FakeProtection {
    return this.removeEditors([emailOrUser]);
  }
  removeEditors(emailsOrUsers: (string | FakeUser)[]): FakeProtection {
    const owner = this.sheet.spreadsheet.people.owner;
    // The owner can always edit: Sheets silently keeps them.
    for (const e of emailsOrUsers) {
      const email = emailOf(e);
      if (email !== owner) this.editors.delete(email);
    }
    return this;
  }
  getEditors(): FakeUser[] {
    return [...this.editors].map((e) => new FakeUser(this._env, e));
  }
  canEdit(): boolean {
    const people = this.sheet.spreadsheet.people;
    return (
      this.warningOnly || this.editors.has(people.effectiveUser) || people.effectiveUser === people.owner
    );
  }
  setWarningOnly(warningOnly: boolean): FakeProtection {
    this.warningOnly = warningOnly;
    return this;
  }
  isWarningOnly(): boolean {
    return this.warningOnly;
  }
  setDomainEdit(editable: boolean): FakeProtection {
    this.domainEdit = editable;
    return this;
  }
  canDomainEdit(): boolean {
    return this.domainEdit;
  }
  remove(): void {
    this.sheet.protections = this.sheet.protections.filter((p) => p !== this);
  }

  _toState(): ProtectionState {
    const r = this.range;
    return {
      type: this.type,
      range: r ? [r.row, r.column, r.numRows, r.numColumns] : null,
      description: this.description,
      editors: [...this.editors],
      warningOnly: this.warningOnly,
      domainEdit: this.domainEdit,
    };
  }

  static _fromState(env: Env, sheet: FakeSheet, state: ProtectionState): FakeProtection {
    const range = state.range ? new FakeRange(env, sheet, ...state.range) : null;
    const p = new FakeProtection(env, sheet, state.type, range);
    p.description = state.description;
    p.editors = new Set(state.editors);
    p.warningOnly = state.warningOnly;
    p.domainEdit = state.domainEdit;
    return p;
  }
}

/**
 * A script runs as its effective user, and Sheets holds it to that user's protections as it holds a person typing:
 * a sidebar's server function run by an editor cannot write a sheet protected for the owner.
 */
function refuseProtected(
  sheet: FakeSheet,
  row: number,
  column: number,
  numRows: number,
  numColumns: number,
): void {
  const people = sheet.spreadsheet.people;
  const user = people.effectiveUser;
  if (user === people.owner) return;
  const blocked = sheet.protections.some((protection) => {
    if (protection.warningOnly || protection.editors.has(user)) return false;
    const area = protection.getRange();
    return (
      area.row <= row + numRows - 1 &&
      row <= area.getLastRow() &&
      area.column <= column + numColumns - 1 &&
      column <= area.getLastColumn()
    );
  });
  if (blocked) throw sheet._env.error(PROTECTED_WRITE);
}

/** Sheets' words when a script writes where its user may not. */
export const PROTECTED_WRITE =
  'You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.';

function emailOf(value: string | FakeUser): string {
  return typeof value === 'string' ? value : value.getEmail();
}
