// setupLedger(): creates what is missing, never reorders or deletes a user's column, and gives the sheets their
// look (formats, status colours, drop-downs, frozen header). Safe to run again.

import {
  AUDIT_COLUMNS,
  EVENTS_COLUMNS,
  EXCEPTIONS_COLUMNS,
  EXCEPTIONS_HIDDEN,
  LEDGER_CUSTOMER_COLUMN,
  LEDGER_KEY,
  LEDGER_MAINTAINED,
  LEDGER_STATE_COLUMN,
  LEDGER_USER_COLUMNS,
  PAYOUTS_KEY,
  PAYOUTS_MAINTAINED,
  SHEET,
} from '../core/contract';
import { LOOK } from '../core/look';
import { readSettings, SETTING } from '../core/settings';
import { SheetLayout } from './layout';
import { applyLook } from './look';
import { keepRowCounters } from './row-counters';
import { Workbook } from './workbook';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** `sheet`: only the owner edits anything; `header`: reviewers work in the rows, only the owner moves columns. */
type Protect = 'none' | 'sheet' | 'header';

const SHEETS: { name: string; columns: readonly string[]; hidden: readonly string[]; protect: Protect }[] = [
  {
    name: SHEET.ledger,
    columns: [
      LEDGER_KEY,
      ...LEDGER_USER_COLUMNS,
      ...LEDGER_MAINTAINED,
      LEDGER_STATE_COLUMN,
      LEDGER_CUSTOMER_COLUMN,
    ],
    hidden: [LEDGER_STATE_COLUMN, LEDGER_CUSTOMER_COLUMN],
    protect: 'none',
  },
  { name: SHEET.events, columns: EVENTS_COLUMNS, hidden: [], protect: 'sheet' },
  { name: SHEET.exceptions, columns: EXCEPTIONS_COLUMNS, hidden: EXCEPTIONS_HIDDEN, protect: 'header' },
  { name: SHEET.audit, columns: AUDIT_COLUMNS, hidden: [], protect: 'sheet' },
  {
    name: SHEET.payouts,
    columns: [PAYOUTS_KEY, ...PAYOUTS_MAINTAINED, LEDGER_STATE_COLUMN],
    hidden: [LEDGER_STATE_COLUMN],
    protect: 'sheet',
  },
];

export interface SetupReport {
  spreadsheetId: string;
  createdSheets: string[];
  addedColumns: string[];
  /** People in REVIEWERS who may now write the log and the audit trail (the sidebar's actions run as them). */
  reviewers: string[];
  /** People in REVIEWERS who are not editors of the spreadsheet: share it with them, then run setup again. */
  reviewersNotEditors: string[];
}

export function setupLedger(): SetupReport {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet() ?? openSaved();
  const report: SetupReport = {
    spreadsheetId: spreadsheet.getId(),
    createdSheets: [],
    addedColumns: [],
    reviewers: [],
    reviewersNotEditors: [],
  };
  const trailWriters = reviewersWhoEdit(spreadsheet, report);
  // Kept as set up here, so that no webhook has to read a header of the add-on's own sheets.
  const book = new Workbook(() => spreadsheet);
  for (const spec of SHEETS) {
    let sheet = spreadsheet.getSheetByName(spec.name);
    if (!sheet) {
      sheet = spreadsheet.insertSheet(spec.name);
      report.createdSheets.push(spec.name);
    }
    const { layout, added } = addMissingColumns(sheet, spec.name, spec.columns);
    report.addedColumns.push(...added.map((name) => `${spec.name}: ${name}`));
    book.keepLayout(layout);
    for (const name of spec.hidden) sheet.hideColumns(layout.require(name));
    // Sheets cannot freeze every row of a sheet, and the formats below the header need a row to sit on.
    if (sheet.getMaxRows() < 2) sheet.insertRowAfter(1);
    if (sheet.getFrozenRows() === 0) sheet.setFrozenRows(1);
    sheet.getRange(1, 1, 1, layout.width).setFontWeight('bold');
    const look = LOOK.find((entry) => entry.sheet === spec.name);
    if (look) applyLook(sheet, layout, look);
    if (spec.protect === 'sheet') protectForOwner(sheet, trailWriters);
    if (spec.protect === 'header') protectHeaderForOwner(sheet);
  }
  PropertiesService.getScriptProperties().setProperty(SETTING.spreadsheetId, report.spreadsheetId);
  keepRowCounters(spreadsheet);
  return report;
}

function openSaved(): GoogleAppsScript.Spreadsheet.Spreadsheet {
  const id = PropertiesService.getScriptProperties().getProperty(SETTING.spreadsheetId);
  if (!id)
    throw new Error('Open the ledger spreadsheet and run Stripe Ledger → Set up ledger from its menu.');
  return SpreadsheetApp.openById(id);
}

/** Appends absent contract columns after the last named one; existing columns stay where the user put them. */
function addMissingColumns(
  sheet: Sheet,
  name: string,
  columns: readonly string[],
): { layout: SheetLayout; added: string[] } {
  const header = SheetLayout.fromRow(
    name,
    sheet.getRange(1, 1, 1, sheet.getMaxColumns()).getValues()[0] ?? [],
  );
  const missing = columns.filter((column) => !header.column(column));
  if (missing.length === 0) return { layout: header, added: [] };
  const first = header.width + 1;
  const needed = first + missing.length - 1;
  if (sheet.getMaxColumns() < needed)
    sheet.insertColumnsAfter(sheet.getMaxColumns(), needed - sheet.getMaxColumns());
  sheet.getRange(1, first, 1, missing.length).setValues([missing]);
  return { layout: new SheetLayout(name, [...header.header, ...missing]), added: missing };
}

/**
 * Only the owner (and this script, which runs as the owner) may edit the log and the audit trail — and the reviewers
 * listed in REVIEWERS: a reviewer's action in the sidebar runs as the reviewer (Apps Script runs a sidebar's server
 * functions as the person using it), writes its Audit rows as them, and may have to complete a batch another
 * execution left in the journal. Nobody else can, by hand or by script.
 */
function protectForOwner(sheet: Sheet, reviewers: string[]): void {
  const existing = sheet.getProtections(SpreadsheetApp.ProtectionType.SHEET);
  const protection = existing[0] ?? sheet.protect();
  ownerOnly(protection, `${sheet.getName()} is written by Stripe Ledger only`);
  if (reviewers.length > 0) protection.addEditors(reviewers);
}

/** REVIEWERS who can be given the trail: a protected range's editors must be editors of the spreadsheet. */
function reviewersWhoEdit(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  report: SetupReport,
): string[] {
  const listed = readSettings(PropertiesService.getScriptProperties().getProperties()).reviewers;
  if (listed.length === 0) return [];
  const owner = spreadsheet.getOwner()?.getEmail().toLowerCase() ?? '';
  const editors = new Set(spreadsheet.getEditors().map((user) => user.getEmail().toLowerCase()));
  for (const email of listed) {
    if (email === owner) continue;
    if (editors.has(email)) report.reviewers.push(email);
    else report.reviewersNotEditors.push(email);
  }
  return report.reviewers;
}

/** The header row only: the add-on keeps this sheet's column positions, so nobody else may move them. */
function protectHeaderForOwner(sheet: Sheet): void {
  const description = `${sheet.getName()} columns are kept by Stripe Ledger: run Set up ledger after moving them`;
  const existing = sheet
    .getProtections(SpreadsheetApp.ProtectionType.RANGE)
    .find((protection) => protection.getDescription() === description);
  ownerOnly(existing ?? sheet.getRange('1:1').protect(), description);
}

function ownerOnly(protection: GoogleAppsScript.Spreadsheet.Protection, description: string): void {
  protection.setDescription(description);
  protection.removeEditors(protection.getEditors());
  if (protection.canDomainEdit()) protection.setDomainEdit(false);
}
