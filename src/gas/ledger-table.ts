// The whole Ledger in one read, header included, for the review sidebar's ranking: whatever columns the school
// keeps, the ranking looks at them all, and a payment is ranked against two thousand rows at the cost of one call.

import { SHEET } from '../core/contract';
import type { SheetTable } from '../core/sheet-rows';
import type { Workbook } from './workbook';

export function readLedgerTable(book: Workbook): SheetTable {
  const sheet = book.sheet(SHEET.ledger);
  const lastRow = sheet.getLastRow();
  const lastColumn = sheet.getLastColumn();
  if (lastRow < 1 || lastColumn < 1) return { header: [], rows: [] };
  const [header = [], ...rows] = sheet.getRange(1, 1, lastRow, lastColumn).getValues();
  return { header, rows };
}
