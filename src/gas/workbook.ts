// One place that opens the ledger spreadsheet and reads sheet layouts, so every adapter pays each call once.

import { SHEET } from '../core/contract';
import { BOOKKEEPING, layoutKey, SETTING } from '../core/settings';
import { type Cell, SheetLayout } from './layout';
import { a1, columnLetter } from './sheet-text';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Range = GoogleAppsScript.Spreadsheet.Range;

/** Rows added when a sheet is full, so growth costs one extra call per thousand rows. */
export const GROWTH_ROWS = 1000;

/**
 * The add-on's own sheets: their layouts are kept in script properties (written by setupLedger), so a webhook pays no
 * header read. Stripe Events and Audit are protected and the Exceptions header row too, so only the owner can move
 * their columns; Set up ledger (run again after doing so) rewrites what is kept. The Ledger's header is read every
 * time: its columns are the school's, and people move them.
 */
const KEPT_LAYOUTS = new Set<string>([SHEET.events, SHEET.exceptions, SHEET.audit, SHEET.payouts]);

export function openLedgerSpreadsheet(): Spreadsheet {
  // The web app and triggers have no active spreadsheet; setupLedger() saved its id.
  const id = PropertiesService.getScriptProperties().getProperty(SETTING.spreadsheetId);
  if (id) return SpreadsheetApp.openById(id);
  const active = SpreadsheetApp.getActiveSpreadsheet();
  if (!active) {
    throw new Error('No ledger spreadsheet: open the sheet and run Stripe Ledger → Set up ledger once.');
  }
  return active;
}

export class Workbook {
  private spreadsheetHandle: Spreadsheet | null = null;
  private readonly sheets = new Map<string, Sheet>();
  private readonly layouts = new Map<string, SheetLayout>();
  private zone: string | null = null;

  constructor(private readonly open: () => Spreadsheet = openLedgerSpreadsheet) {}

  get spreadsheet(): Spreadsheet {
    if (!this.spreadsheetHandle) this.spreadsheetHandle = this.open();
    return this.spreadsheetHandle;
  }

  sheet(name: string): Sheet {
    let sheet = this.sheets.get(name);
    if (!sheet) {
      const found = this.spreadsheet.getSheetByName(name);
      if (!found) throw new Error(`Sheet "${name}" is missing: run Stripe Ledger → Set up ledger.`);
      sheet = found;
      this.sheets.set(name, sheet);
    }
    return sheet;
  }

  /** A range by A1 notation on a named sheet, without fetching the Sheet object. */
  range(sheetName: string, notation: string): Range {
    return this.spreadsheet.getRange(a1(sheetName, notation));
  }

  /**
   * A range that may end past the sheet's last row (`lastRow`, reserved ahead): a full sheet grows first, since
   * getRange past its end throws. Rows below the data are blank, so nothing moves.
   */
  growingRange(sheetName: string, notation: string, lastRow: number): Range {
    try {
      return this.range(sheetName, notation);
    } catch {
      const sheet = this.sheet(sheetName);
      const maxRows = sheet.getMaxRows();
      sheet.insertRowsAfter(maxRows, Math.max(GROWTH_ROWS, lastRow - maxRows));
      return this.range(sheetName, notation);
    }
  }

  /**
   * The rows whose `column` holds `text`, each read `width` cells wide from column 1. A plain finder (substring, any
   * case) costs a call less than an exact one, so the caller confirms each hit on the values.
   */
  rowsHolding(
    sheetName: string,
    column: number,
    text: string,
    width: number,
  ): { range: Range; values: Cell[] }[] {
    const letter = columnLetter(column);
    return this.range(sheetName, `${letter}:${letter}`)
      .createTextFinder(text)
      .findAll()
      .map((hit) => {
        const range = hit.offset(0, 1 - column, 1, width);
        return { range, values: (range.getValues()[0] ?? []) as Cell[] };
      });
  }

  layout(name: string): SheetLayout {
    const known = this.layouts.get(name);
    if (known) return known;
    const properties = KEPT_LAYOUTS.has(name) ? PropertiesService.getScriptProperties() : null;
    const kept = properties?.getProperty(layoutKey(name));
    let layout: SheetLayout;
    if (kept) {
      layout = new SheetLayout(name, JSON.parse(kept) as string[]);
    } else {
      layout = SheetLayout.fromRow(name, this.range(name, '1:1').getValues()[0] ?? []);
      properties?.setProperty(layoutKey(name), JSON.stringify(layout.header));
    }
    this.layouts.set(name, layout);
    return layout;
  }

  /** Keeps a layout just written (setup), so no later execution reads that header. */
  keepLayout(layout: SheetLayout): void {
    if (!KEPT_LAYOUTS.has(layout.sheetName)) return;
    PropertiesService.getScriptProperties().setProperty(
      layoutKey(layout.sheetName),
      JSON.stringify(layout.header),
    );
    this.layouts.set(layout.sheetName, layout);
  }

  /** After a header of the add-on's own sheets changed: the next use reads it afresh and keeps it. */
  forgetLayouts(): void {
    const properties = PropertiesService.getScriptProperties();
    for (const name of KEPT_LAYOUTS) properties.deleteProperty(layoutKey(name));
    this.layouts.clear();
  }

  /**
   * The spreadsheet's time zone, for ids and messages. Kept in a script property by setupLedger and refreshed by
   * every sync, so a webhook learns it without a Spreadsheet call.
   */
  get timeZone(): string {
    if (this.zone) return this.zone;
    const properties = PropertiesService.getScriptProperties();
    const kept = properties.getProperty(BOOKKEEPING.timeZone);
    this.zone = kept || this.refreshTimeZone();
    return this.zone;
  }

  refreshTimeZone(): string {
    this.zone = this.spreadsheet.getSpreadsheetTimeZone();
    PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.timeZone, this.zone);
    return this.zone;
  }
}
