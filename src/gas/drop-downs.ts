// Drop-downs on the rows below a header (the exception Status and Resolution): a person picks from the list, and
// anything else typed is refused with the help text. A script's writes are not checked by Sheets, which is why the
// add-on writes only listed values.

import type { DropDown } from '../core/look';
import type { SheetLayout } from './layout';
import type { BodyRows } from './look';

export function addDropDowns(layout: SheetLayout, dropDowns: readonly DropDown[], body: BodyRows): void {
  for (const dropDown of dropDowns) {
    const column = layout.column(dropDown.column);
    if (!column) continue;
    const rule = SpreadsheetApp.newDataValidation()
      .requireValueInList([...dropDown.values], true)
      .setAllowInvalid(false)
      .setHelpText(dropDown.helpText)
      .build();
    body(column).setDataValidation(rule);
  }
}
