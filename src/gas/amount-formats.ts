// Amounts read in their own currency: each row's amount cells get the number format of that row's currency
// (USD 1,250.50, JPY 60,000, KWD 12.345), and the empty rows below the default (two decimals), which rows typed or
// appended later keep. One read of the currency column and one write per amount column.

import { amountFormat, DEFAULT_AMOUNT_FORMAT } from '../core/amount-format';
import type { SheetLook } from '../core/look';
import { parseState } from '../core/merge';
import { normaliseCurrency } from '../core/money';
import type { SheetLayout } from './layout';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

export function formatAmountsByCurrency(
  sheet: Sheet,
  layout: SheetLayout,
  amounts: NonNullable<SheetLook['amounts']>,
): void {
  const columns = amounts.columns.map((name) => layout.column(name)).filter((column) => column > 0);
  const rows = sheet.getLastRow() - 1;
  const body = sheet.getMaxRows() - 1;
  if (columns.length === 0 || body < 1) return;
  const read = (name: string | undefined): unknown[] => {
    const column = name ? layout.column(name) : 0;
    return column && rows > 0
      ? sheet
          .getRange(2, column, rows, 1)
          .getValues()
          .map(([cell]) => cell)
      : [];
  };
  const currencies = read(amounts.currencyColumn);
  // A ledger row with a blank Currency is in its invoice's currency, which the add-on keeps in Stripe State.
  const states =
    currencies.length < rows || currencies.some((cell) => normaliseCurrency(cell) === null)
      ? read(amounts.stateColumn)
      : [];
  const formats = Array.from({ length: body }, (_, i) => [
    i < rows
      ? amountFormat(normaliseCurrency(currencies[i]) ?? parseState(states[i])?.currency)
      : DEFAULT_AMOUNT_FORMAT,
  ]);
  for (const column of columns) sheet.getRange(2, column, body, 1).setNumberFormats(formats);
}
