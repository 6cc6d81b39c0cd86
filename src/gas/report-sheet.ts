// Writes the `Reconciliation Report` sheet: clear it, write every value and number format in one call each, and
// replace the report's charts (charts sit over the grid: clearing the cells leaves the old ones in place).

import { SHEET } from '../core/contract';
import type { ReportLayout } from '../core/report/report-layout';
import { asSheetText } from './sheet-text';
import type { Workbook } from './workbook';

/** Plain text: a month such as `2026-03` or a reason name must stay the text it is. */
const TEXT_FORMAT = '@';

export function writeReport(book: Workbook, layout: ReportLayout): GoogleAppsScript.Spreadsheet.Sheet {
  const spreadsheet = book.spreadsheet;
  const sheet = spreadsheet.getSheetByName(SHEET.report) ?? spreadsheet.insertSheet(SHEET.report);
  const rows = layout.cells.length;
  const columns = layout.cells[0]?.length ?? 0;
  sheet.clear();
  if (sheet.getMaxRows() < rows) sheet.insertRowsAfter(sheet.getMaxRows(), rows - sheet.getMaxRows());
  if (sheet.getMaxColumns() < columns) {
    sheet.insertColumnsAfter(sheet.getMaxColumns(), columns - sheet.getMaxColumns());
  }
  const range = sheet.getRange(1, 1, rows, columns);
  range.setValues(
    layout.cells.map((row) =>
      row.map((cell) => (typeof cell.value === 'string' ? asSheetText(cell.value) : cell.value)),
    ),
  );
  range.setNumberFormats(layout.cells.map((row) => row.map((cell) => cell.format ?? TEXT_FORMAT)));
  sheet.getRange(1, 1, 1, columns).setFontWeight('bold');

  for (const chart of sheet.getCharts()) sheet.removeChart(chart);
  for (const chart of layout.charts) {
    const { row, column, numRows, numColumns } = chart.data;
    sheet.insertChart(
      sheet
        .newChart()
        .asColumnChart()
        .setTitle(chart.title)
        .setXAxisTitle(chart.axis.horizontal)
        .setYAxisTitle(chart.axis.vertical)
        .addRange(sheet.getRange(row, column, numRows, numColumns))
        .setNumHeaders(1)
        .setPosition(chart.anchor.row, chart.anchor.column, 0, 0)
        .build(),
    );
  }
  return sheet;
}
