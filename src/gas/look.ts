// Makes one of the add-on's sheets look as src/core/look.ts says: time formats, amounts by each row's currency,
// status colours and drop-downs, each on the rows below the header. Run again, it sets the same formats, replaces
// its own colour rules and keeps everyone else's.

import type { SheetLook } from '../core/look';
import { formatAmountsByCurrency } from './amount-formats';
import { addDropDowns } from './drop-downs';
import type { SheetLayout } from './layout';
import { colourStatuses } from './status-colours';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** `sheet` has its header row and at least one row below it. */
export function applyLook(sheet: Sheet, layout: SheetLayout, look: SheetLook): void {
  const maxRows = sheet.getMaxRows();
  const body: BodyRows = (column) => sheet.getRange(2, column, maxRows - 1, 1);
  for (const [name, format] of Object.entries(look.times)) {
    const column = layout.column(name);
    if (column) body(column).setNumberFormat(format);
  }
  if (look.amounts) formatAmountsByCurrency(sheet, layout, look.amounts);
  colourStatuses(sheet, layout, look.colours, body);
  addDropDowns(layout, look.dropDowns, body);
}

/** Every row below the header of one column, rows added later by the add-on included (they take these formats). */
export type BodyRows = (column: number) => GoogleAppsScript.Spreadsheet.Range;
