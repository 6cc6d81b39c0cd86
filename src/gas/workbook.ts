// One place that opens the ledger spreadsheet and reads sheet layouts, so every adapter pays each call once.

import { PROPERTY, SHEET } from '../core/contract';
import { SheetLayout } from './layout';
import { a1 } from './sheet-text';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** The add-on's own sheets: their layouts are cached, since only the script (and its owner) edits them. */
const CACHED_LAYOUTS = new Set<string>([SHEET.events, SHEET.exceptions, SHEET.audit]);
const LAYOUT_TTL_SECONDS = 6 * 60 * 60;

export function openLedgerSpreadsheet(): Spreadsheet {
  // The web app and triggers have no active spreadsheet; setupLedger() saved its id.
  const id = PropertiesService.getScriptProperties().getProperty(PROPERTY.spreadsheetId);
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
  range(sheetName: string, notation: string): GoogleAppsScript.Spreadsheet.Range {
    return this.spreadsheet.getRange(a1(sheetName, notation));
  }

  layout(name: string): SheetLayout {
    const known = this.layouts.get(name);
    if (known) return known;
    const cache = CACHED_LAYOUTS.has(name) ? CacheService.getScriptCache() : null;
    const key = layoutCacheKey(name);
    const cached = cache?.get(key);
    let layout: SheetLayout;
    if (cached) {
      layout = new SheetLayout(name, JSON.parse(cached) as string[]);
      // Renewed on use, so a ledger with at least one event every six hours never pays the header read.
      cache?.put(key, cached, LAYOUT_TTL_SECONDS);
    } else {
      layout = SheetLayout.fromRow(name, this.range(name, '1:1').getValues()[0] ?? []);
      cache?.put(key, JSON.stringify(layout.header), LAYOUT_TTL_SECONDS);
    }
    this.layouts.set(name, layout);
    return layout;
  }

  /** After setup changes a header: the next execution reads it afresh. */
  forgetLayouts(): void {
    const cache = CacheService.getScriptCache();
    for (const name of CACHED_LAYOUTS) cache.remove(layoutCacheKey(name));
    this.layouts.clear();
  }

  get timeZone(): string {
    return this.spreadsheet.getSpreadsheetTimeZone();
  }
}

function layoutCacheKey(sheetName: string): string {
  return `layout:${sheetName}`;
}
