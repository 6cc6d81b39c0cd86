import { createHash, createHmac } from 'node:crypto';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { FakeFetchRequest } from '../../fakes/fetch-types';
import { createGasFakes, type GasFakeOptions } from '../../fakes/gas';

const START = new Date('2025-03-14T15:00:00Z');

function setup(opts: GasFakeOptions = {}) {
  let now = START.getTime();
  const fakes = createGasFakes({ now: () => new Date(now), ...opts });
  const g = fakes.globals;
  const ss = g.SpreadsheetApp.getActiveSpreadsheet();
  const ledger = ss.insertSheet('Ledger');
  return { fakes, g, ss, ledger, setNow: (ms: number) => (now = ms) };
}

describe('what Sheets stores for what a script writes', () => {
  it('turns text that starts with = into a formula whose value is not the text', () => {
    const { ledger } = setup();
    const cell = ledger.getRange('B2');
    cell.setValue('=HYPERLINK("https://dashboard.stripe.com/invoices/in_1MtHbELkdIwHu7ixl4OzzPMv")');
    expect(cell.getFormula()).toBe(
      '=HYPERLINK("https://dashboard.stripe.com/invoices/in_1MtHbELkdIwHu7ixl4OzzPMv")',
    );
    expect(cell.getValue()).not.toBe(cell.getFormula());
    expect(cell.getValue()).toBe('#ERROR!');
  });

  it('stores text after a leading apostrophe as text without the apostrophe', () => {
    const { ledger } = setup();
    const cell = ledger.getRange('C2');
    cell.setValue("'=SUM(A1:A9) from a customer name");
    expect(cell.getValue()).toBe('=SUM(A1:A9) from a customer name');
    expect(cell.getFormula()).toBe('');
  });

  it('reads number-looking text as numbers', () => {
    const { ledger } = setup();
    const range = ledger.getRange('A1:E1');
    range.setValues([['123', '-4.5', '1e3', '0042', 'in_123']]);
    expect(range.getValues()).toEqual([[123, -4.5, 1000, 42, 'in_123']]);
  });

  it('reads TRUE and FALSE text as booleans', () => {
    const { ledger } = setup();
    const range = ledger.getRange('A1:C1');
    range.setValues([['TRUE', 'false', 'True story']]);
    expect(range.getValues()).toEqual([[true, false, 'True story']]);
  });

  it('reads an ISO date as a Date at midnight in the spreadsheet time zone', () => {
    const { ledger } = setup({ timeZone: 'America/New_York' });
    const cell = ledger.getRange('A1');
    cell.setValue('2025-03-14');
    const value = cell.getValue();
    expect(value).toBeInstanceOf(Date);
    expect((value as Date).toISOString()).toBe('2025-03-14T04:00:00.000Z');
  });

  it('keeps number-looking and formula text as typed in a plain-text (@) cell', () => {
    const { ledger } = setup();
    const range = ledger.getRange('A2:B2');
    range.setNumberFormat('@');
    range.setValues([['0042', '=SUM(A1:A9)']]);
    expect(range.getValues()).toEqual([['0042', '=SUM(A1:A9)']]);
    expect(range.getFormulas()).toEqual([['', '']]);
  });

  it('refuses more than 50,000 characters in one cell', () => {
    const { ledger } = setup();
    const payload = `{"id":"evt_1","data":"${'x'.repeat(50_000)}"}`;
    expect(() => ledger.getRange('G2').setValue(payload)).toThrow(
      'Your input contains more than the maximum of 50000 characters in a single cell.',
    );
  });

  it('accepts exactly 50,000 characters in one cell', () => {
    const { ledger } = setup();
    const cell = ledger.getRange('G2');
    cell.setValue(`'${'x'.repeat(49_999)}`);
    expect((cell.getValue() as string).length).toBe(49_999);
  });

  it('stores numbers, booleans and Dates as such and hands out copies of Dates', () => {
    const { ledger } = setup();
    const paidAt = new Date('2025-03-10T12:30:00Z');
    const range = ledger.getRange('A1:C1');
    range.setValues([[1250.5, true, paidAt]]);
    const [[amount, paid, at]] = range.getValues() as [[number, boolean, Date]];
    expect([amount, paid, at.getTime()]).toEqual([1250.5, true, paidAt.getTime()]);
    at.setFullYear(1999);
    expect((range.getValues()[0]![2] as Date).getTime()).toBe(paidAt.getTime());
  });

  it('stores null and undefined as empty cells', () => {
    const { ledger } = setup();
    const range = ledger.getRange('A1:B1');
    range.setValues([[null, undefined]] as unknown as unknown[][]);
    expect(range.getValues()).toEqual([['', '']]);
  });

  it('parses appendRow values the same way as setValues', () => {
    const { ledger } = setup();
    ledger.appendRow(['in_123', '=1+1', "'0042", '99.5']);
    expect(ledger.getRange(1, 1, 1, 4).getValues()).toEqual([['in_123', '#ERROR!', '0042', 99.5]]);
    expect(ledger.getRange(1, 2).getFormula()).toBe('=1+1');
  });

  it('refuses setValues with more rows than the range', () => {
    const { ledger } = setup();
    expect(() =>
      ledger.getRange('A2:C2').setValues([
        ['in_1', 10, 'usd'],
        ['in_2', 20, 'usd'],
      ]),
    ).toThrow(
      'The number of rows in the data does not match the number of rows in the range. The data has 2 but the range has 1.',
    );
  });

  it('refuses setValues with fewer columns than the range', () => {
    const { ledger } = setup();
    expect(() =>
      ledger.getRange('A2:C3').setValues([
        ['in_1', 10],
        ['in_2', 20],
      ]),
    ).toThrow(
      'The number of columns in the data does not match the number of columns in the range. The data has 2 but the range has 3.',
    );
  });

  it('writes nothing when one cell of a setValues is refused', () => {
    const { ledger } = setup();
    const range = ledger.getRange('A2:B2');
    expect(() => range.setValues([['in_1', 'y'.repeat(50_001)]])).toThrow(/50000 characters/);
    expect(range.getValues()).toEqual([['', '']]);
  });

  it('setValue fills every cell of a multi-cell range', () => {
    const { ledger } = setup();
    const range = ledger.getRange('A1:B2');
    range.setValue('open');
    expect(range.getValues()).toEqual([
      ['open', 'open'],
      ['open', 'open'],
    ]);
  });
});

describe('sheet geometry', () => {
  it('gives a new sheet 1000 rows and 26 columns', () => {
    const { ledger } = setup();
    expect([ledger.getMaxRows(), ledger.getMaxColumns()]).toEqual([1000, 26]);
  });

  it('refuses a range beyond the last row of the sheet', () => {
    const { ledger } = setup();
    expect(() => ledger.getRange(1000, 1, 2, 1)).toThrow(
      'The coordinates of the range are outside the dimensions of the sheet.',
    );
  });

  it('refuses a range beyond the last column of the sheet', () => {
    const { ledger } = setup();
    expect(() => ledger.getRange('Z1:AA1')).toThrow(
      'The coordinates of the range are outside the dimensions of the sheet.',
    );
  });

  it('refuses a range starting at row 0', () => {
    const { ledger } = setup();
    expect(() => ledger.getRange(0, 1)).toThrow('The starting row of the range is too small.');
  });

  it('refuses a NaN coordinate as Apps Script refuses a wrong signature', () => {
    const { ledger } = setup();
    expect(() => ledger.getRange(Number.NaN, 1)).toThrow(/don't match the method signature/);
  });

  it('grows the sheet when appendRow passes the last row and column', () => {
    const { ledger } = setup();
    ledger.deleteRows(2, 999);
    ledger.appendRow(['Stripe Invoice ID']);
    ledger.appendRow(Array.from({ length: 30 }, (_, i) => `'col ${i + 1}`));
    expect([
      ledger.getMaxRows(),
      ledger.getMaxColumns(),
      ledger.getLastRow(),
      ledger.getLastColumn(),
    ]).toEqual([2, 30, 2, 30]);
    expect(ledger.getRange('AD2').getValue()).toBe('col 30');
  });

  it('reports last row and column 0 for an empty sheet', () => {
    const { ledger } = setup();
    expect([ledger.getLastRow(), ledger.getLastColumn()]).toEqual([0, 0]);
  });

  it('reports the last row and column holding content', () => {
    const { ledger } = setup();
    ledger.getRange('C7').setValue('in_123');
    ledger.getRange('A9').setNumberFormat('@');
    expect([ledger.getLastRow(), ledger.getLastColumn()]).toEqual([7, 3]);
  });

  it('lowers the last row when the last row is cleared', () => {
    const { ledger } = setup();
    ledger.getRange('A1:A3').setValues([['Stripe Invoice ID'], ['in_1'], ['in_2']]);
    expect(ledger.getLastRow()).toBe(3);
    ledger.getRange('A3').clearContent();
    expect(ledger.getLastRow()).toBe(2);
  });

  it('moves rows down when rows are inserted after a position', () => {
    const { ledger } = setup();
    ledger.getRange('A1:A2').setValues([['Stripe Invoice ID'], ['in_1']]);
    ledger.insertRowsAfter(1, 2);
    expect([ledger.getMaxRows(), ledger.getRange('A4').getValue(), ledger.getRange('A2').getValue()]).toEqual(
      [1002, 'in_1', ''],
    );
  });

  it('moves cells right when a column is inserted after a position', () => {
    const { ledger } = setup();
    ledger.getRange('A1:B1').setValues([['Stripe Invoice ID', 'Payment Status']]);
    ledger.insertColumnAfter(1);
    expect(ledger.getRange('A1:C1').getValues()).toEqual([['Stripe Invoice ID', '', 'Payment Status']]);
    expect(ledger.getMaxColumns()).toBe(27);
  });

  it('moves rows up when rows are deleted', () => {
    const { ledger } = setup();
    ledger.getRange('A1:A4').setValues([['h'], ['in_1'], ['in_2'], ['in_3']]);
    ledger.deleteRow(2);
    expect(ledger.getRange('A1:A3').getValues()).toEqual([['h'], ['in_2'], ['in_3']]);
    expect(ledger.getMaxRows()).toBe(999);
  });

  it('inserted rows take the number formats of the row above', () => {
    const { ledger } = setup();
    ledger.getRange('A2').setNumberFormat('@');
    ledger.insertRowAfter(2);
    ledger.getRange('A3').setValue('0042');
    expect(ledger.getRange('A3').getValue()).toBe('0042');
  });

  it.each([
    ['A1', 1, 1, 1, 1, 'A1'],
    ['A1:C3', 1, 1, 3, 3, 'A1:C3'],
    ['C:C', 1, 3, 1000, 1, 'C:C'],
    ['A:C', 1, 1, 1000, 3, 'A:C'],
    ['2:2', 2, 1, 1, 26, '2:2'],
    ['2:5', 2, 1, 4, 26, '2:5'],
    ['$B$2:$C$4', 2, 2, 3, 2, 'B2:C4'],
  ])('reads A1 notation %s as the cells Sheets means', (a1, row, column, rows, columns, notation) => {
    const { ledger } = setup();
    const r = ledger.getRange(a1);
    expect([r.getRow(), r.getColumn(), r.getNumRows(), r.getNumColumns(), r.getA1Notation()]).toEqual([
      row,
      column,
      rows,
      columns,
      notation,
    ]);
  });

  it('refuses text that is not A1 notation', () => {
    const { ledger } = setup();
    expect(() => ledger.getRange('not a range!!')).toThrow('Range not found');
  });

  it('reads a sheet-qualified A1 range from the spreadsheet', () => {
    const { ss } = setup();
    const events = ss.insertSheet('Stripe Events');
    events.getRange('C2').setValue('evt_1NG8Du2eZvKYlo2CUI79vXWy');
    const column = ss.getRange("'Stripe Events'!C:C");
    expect([column.getSheet().getName(), column.getNumRows(), column.getValues()[1]?.[0]]).toEqual([
      'Stripe Events',
      1000,
      'evt_1NG8Du2eZvKYlo2CUI79vXWy',
    ]);
    expect(ss.getRange('Ledger!2:2').getNumColumns()).toBe(26);
  });

  it('gives a data range from A1 to the last row and column', () => {
    const { ledger } = setup();
    ledger.getRange('B3').setValue('in_9');
    expect(ledger.getDataRange().getA1Notation()).toBe('A1:B3');
  });

  it('offsets a range keeping its size', () => {
    const { ledger } = setup();
    expect(ledger.getRange('B2:C3').offset(1, 2).getA1Notation()).toBe('D3:E4');
  });
});

describe('the spreadsheet', () => {
  it('refuses a second sheet with the same name in any case', () => {
    const { ss } = setup();
    expect(() => ss.insertSheet('LEDGER')).toThrow(
      'A sheet with the name "LEDGER" already exists. Please enter another name.',
    );
  });

  it('finds sheets by name ignoring case', () => {
    const { ss } = setup();
    expect(ss.getSheetByName('ledger')?.getName()).toBe('Ledger');
    expect(ss.getSheetByName('Audit')).toBeNull();
  });

  it('inserts a sheet at an index', () => {
    const { ss } = setup();
    ss.insertSheet('Audit', 0);
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['Audit', 'Sheet1', 'Ledger']);
  });

  it('refuses to delete the only sheet', () => {
    const fakes = createGasFakes();
    const ss = fakes.globals.SpreadsheetApp.getActiveSpreadsheet();
    const only = ss.getSheets()[0];
    expect(() => ss.deleteSheet(only!)).toThrow("You can't remove all the sheets in a document.");
  });

  it('deletes a sheet', () => {
    const { ss, ledger } = setup();
    ss.deleteSheet(ledger);
    expect(ss.getSheetByName('Ledger')).toBeNull();
  });

  it('opens the spreadsheet by id and refuses an unknown id', () => {
    const { g } = setup({ spreadsheetId: '1AbCdEf' });
    expect(g.SpreadsheetApp.openById('1AbCdEf').getId()).toBe('1AbCdEf');
    expect(() => g.SpreadsheetApp.openById('1Nope')).toThrow(/openById/);
  });

  it('has no active spreadsheet in a web app or trigger', () => {
    const fakes = createGasFakes({ activeSpreadsheet: false });
    expect(fakes.globals.SpreadsheetApp.getActiveSpreadsheet()).toBeNull();
  });

  it('refuses the Ui in a web app or trigger', () => {
    const fakes = createGasFakes({ activeSpreadsheet: false });
    expect(() => fakes.globals.SpreadsheetApp.getUi()).toThrow(
      'Cannot call SpreadsheetApp.getUi() from this context.',
    );
  });

  it('names its owner, time zone and URL', () => {
    const { ss } = setup({
      ownerEmail: 'bursar@school.example',
      spreadsheetId: 'sheet123',
      timeZone: 'Europe/London',
    });
    expect([ss.getOwner()?.getEmail(), ss.getSpreadsheetTimeZone(), ss.getUrl()]).toEqual([
      'bursar@school.example',
      'Europe/London',
      'https://docs.google.com/spreadsheets/d/sheet123/edit',
    ]);
  });

  it('records toasts', () => {
    const { ss, fakes } = setup();
    ss.toast('Synced 12 Stripe events', 'Stripe Ledger');
    expect(fakes.ui.toasts[0]).toMatchObject({ message: 'Synced 12 Stripe events', title: 'Stripe Ledger' });
  });
});

describe('TextFinder', () => {
  function ledgerWithInvoices() {
    const s = setup();
    s.ledger.getRange('A1:B4').setValues([
      ['Stripe Invoice ID', 'Stripe Payment ID'],
      ['in_1AAA', 'pi_3MtwBwLkdIwHu7ix28a3tqPa'],
      ['in_1BBB', 'pi_3Other, pi_3MtwBwLkdIwHu7ix28a3tqPa'],
      ['IN_1AAA-old', ''],
    ]);
    s.fakes.counters.reset();
    return s;
  }

  it('finds substrings case-insensitively in row order and returns one-cell ranges', () => {
    const { ledger } = ledgerWithInvoices();
    const finder = ledger.createTextFinder('in_1aaa');
    const found = [finder.findNext(), finder.findNext(), finder.findNext()];
    expect(found.map((r) => r?.getA1Notation() ?? null)).toEqual(['A2', 'A4', null]);
  });

  it('matches the entire cell and case when asked', () => {
    const { ledger } = ledgerWithInvoices();
    const all = ledger.createTextFinder('in_1AAA').matchEntireCell(true).matchCase(true).findAll();
    expect(all.map((r) => r.getA1Notation())).toEqual(['A2']);
  });

  it('counts every searched cell for findAll, never as cells read', () => {
    const { ledger, fakes } = ledgerWithInvoices();
    ledger.createTextFinder('pi_3').findAll();
    expect([fakes.counters.cellsScanned, fakes.counters.cellsRead]).toEqual([8, 0]);
  });

  it('counts cells up to the match for findNext', () => {
    const { ledger, fakes } = ledgerWithInvoices();
    ledger.createTextFinder('in_1BBB').findNext();
    expect(fakes.counters.cellsScanned).toBe(5);
  });

  it('searches only the range it was made from', () => {
    const { ledger } = ledgerWithInvoices();
    const hits = ledger.getRange('B:B').createTextFinder('in_1').findAll();
    expect(hits).toEqual([]);
  });

  it('uses regular expressions when asked', () => {
    const { ledger } = ledgerWithInvoices();
    const hits = ledger
      .createTextFinder('(^|, )pi_3MtwBwLkdIwHu7ix28a3tqPa(,|$)')
      .useRegularExpression(true)
      .findAll();
    expect(hits.map((r) => r.getA1Notation())).toEqual(['B2', 'B3']);
  });

  it('searches formula text when asked', () => {
    const { ledger } = ledgerWithInvoices();
    ledger.getRange('C2').setValue('=SUM(B2:B3)');
    expect(ledger.createTextFinder('SUM(').findNext()).toBeNull();
    expect(ledger.createTextFinder('SUM(').matchFormulaText(true).findNext()?.getA1Notation()).toBe('C2');
  });

  it('walks backwards with findPrevious', () => {
    const { ledger } = ledgerWithInvoices();
    const finder = ledger.createTextFinder('in_1');
    expect([finder.findPrevious()?.getA1Notation(), finder.findPrevious()?.getA1Notation()]).toEqual([
      'A4',
      'A3',
    ]);
  });

  it('ignores diacritics when asked', () => {
    const { ledger } = ledgerWithInvoices();
    ledger.getRange('C2').setValue('Zoë Müller');
    expect(ledger.createTextFinder('zoe muller').findNext()).toBeNull();
    expect(ledger.createTextFinder('zoe muller').ignoreDiacritics(true).findNext()?.getA1Notation()).toBe(
      'C2',
    );
  });

  it('searches every sheet in tab order from the spreadsheet', () => {
    const { ss, ledger } = ledgerWithInvoices();
    ss.insertSheet('Exceptions').getRange('D2').setValue('in_1AAA');
    const hits = ss.createTextFinder('in_1AAA').matchEntireCell(true).findAll();
    expect(hits.map((r) => `${r.getSheet().getName()}!${r.getA1Notation()}`)).toEqual([
      'Ledger!A2',
      'Exceptions!D2',
    ]);
    expect(ledger.getName()).toBe('Ledger');
  });

  it('finds numbers by their displayed text', () => {
    const { ledger } = ledgerWithInvoices();
    ledger.getRange('C3').setValue(1250.5);
    expect(ledger.createTextFinder('1250.5').findNext()?.getA1Notation()).toBe('C3');
  });

  it('finds a needle of letters and digits whatever the case of its letters', () => {
    const { ledger } = ledgerWithInvoices();
    ledger.getRange('C2').setValue('Paid by PI_3MTWBWLKDIWHU7IX28A3TQPA-refund');
    const hits = ledger.createTextFinder('pi_3mtwbwlkdiwhu7ix28a3tqpa-REFUND').findAll();
    expect(hits.map((r) => r.getA1Notation())).toEqual(['C2']);
  });

  it('finds a date by what the cell shows after its value or format changed', () => {
    const { ledger } = ledgerWithInvoices();
    const cell = ledger.getRange('C4');
    cell.setValue(new Date('2026-01-02T15:00:00Z'));
    expect(ledger.createTextFinder('2026-01-02').findNext()).toBeNull();
    cell.setNumberFormat('yyyy-mm-dd');
    expect(ledger.createTextFinder('2026-01-02').findNext()?.getA1Notation()).toBe('C4');
    cell.setValue(new Date('2026-03-04T15:00:00Z'));
    expect(ledger.createTextFinder('2026-01-02').findNext()).toBeNull();
    expect(ledger.createTextFinder('2026-03-04').findNext()?.getA1Notation()).toBe('C4');
  });
});

describe('protections, hidden columns and layout', () => {
  it('keeps the owner as an editor when a script removes all editors', () => {
    const { ledger } = setup({ ownerEmail: 'owner@school.example', userEmail: 'owner@school.example' });
    const protection = ledger.protect().setDescription('Maintained by Stripe Ledger');
    protection.addEditor('bursar@school.example');
    protection.removeEditors(protection.getEditors());
    expect(protection.getEditors().map((u) => u.getEmail())).toEqual(['owner@school.example']);
    expect(protection.getDescription()).toBe('Maintained by Stripe Ledger');
  });

  it('hands back the existing sheet protection from protect()', () => {
    const { g, ledger } = setup();
    ledger.protect().setWarningOnly(true);
    const again = ledger.protect();
    expect([
      again.isWarningOnly(),
      ledger.getProtections(g.SpreadsheetApp.ProtectionType.SHEET).length,
    ]).toEqual([true, 1]);
  });

  it('lists range protections separately and removes them', () => {
    const { g, ledger } = setup();
    const p = ledger.getRange('E:J').protect().setDomainEdit(false);
    expect([p.canDomainEdit(), ledger.getProtections(g.SpreadsheetApp.ProtectionType.RANGE).length]).toEqual([
      false,
      1,
    ]);
    p.remove();
    expect(ledger.getProtections(g.SpreadsheetApp.ProtectionType.RANGE)).toEqual([]);
  });

  it('hides columns and moves the hidden mark when a column is inserted before', () => {
    const { ledger } = setup();
    ledger.hideColumns(3, 2);
    ledger.insertColumnBefore(1);
    expect([3, 4, 5].map((c) => ledger.isColumnHiddenByUser(c))).toEqual([false, true, true]);
  });

  it('remembers frozen rows and column widths', () => {
    const { ledger } = setup();
    ledger.setFrozenRows(1);
    ledger.setColumnWidth(7, 480);
    expect([ledger.getFrozenRows(), ledger.getColumnWidth(7), ledger.getColumnWidth(1)]).toEqual([
      1, 480, 100,
    ]);
  });

  it('clears contents but keeps formats with clearContents', () => {
    const { ledger } = setup();
    ledger.getRange('A2').setNumberFormat('@').setValue('0042');
    ledger.clearContents();
    expect([ledger.getRange('A2').getValue(), ledger.getRange('A2').getNumberFormat()]).toEqual(['', '@']);
  });

  it('clears contents and formats with clear', () => {
    const { ledger } = setup();
    ledger.getRange('A2').setNumberFormat('@').setValue('0042');
    ledger.clear();
    expect(ledger.getRange('A2').getNumberFormat()).toBe('0.###############');
  });
});

describe('formats, display values and notes', () => {
  it('displays numbers through their number format', () => {
    const { ledger } = setup();
    const range = ledger.getRange('A1:C1');
    range.setValues([[0.875, 1234567.891, 5000]]);
    range.setNumberFormats([['0.00%', '#,##0.00', '0']]);
    expect(range.getDisplayValues()).toEqual([['87.50%', '1,234,567.89', '5000']]);
  });

  it('displays a Date in the spreadsheet time zone', () => {
    const { ledger } = setup({ timeZone: 'America/New_York' });
    const cell = ledger.getRange('A1');
    cell.setValue(new Date('2025-03-14T15:04:05Z'));
    expect(cell.getDisplayValue()).toBe('3/14/2025 11:04:05');
    cell.setNumberFormat('yyyy-mm-dd hh:mm');
    expect(cell.getDisplayValue()).toBe('2025-03-14 11:04');
  });

  it('keeps notes per cell', () => {
    const { ledger } = setup();
    ledger.getRange('F2').setNote('evt_1 superseded by evt_2');
    expect(ledger.getRange('E2:F2').getNotes()).toEqual([['', 'evt_1 superseded by evt_2']]);
  });
});

describe('Ui', () => {
  it('records the menus a script adds', () => {
    const { g, fakes } = setup();
    const ui = g.SpreadsheetApp.getUi();
    ui.createMenu('Stripe Ledger')
      .addItem('Set up ledger', 'setupLedger')
      .addSeparator()
      .addSubMenu(ui.createMenu('Triggers').addItem('Install triggers', 'installTriggers'))
      .addToUi();
    expect(fakes.ui.menus).toEqual([
      {
        name: 'Stripe Ledger',
        addon: false,
        items: [
          { caption: 'Set up ledger', functionName: 'setupLedger' },
          { separator: true },
          {
            subMenu: {
              name: 'Triggers',
              addon: false,
              items: [{ caption: 'Install triggers', functionName: 'installTriggers' }],
            },
          },
        ],
      },
    ]);
  });

  it('records a sidebar with its title and HTML', () => {
    const { g, fakes } = setup({ htmlFiles: { Sidebar: '<h1>Review</h1>' } });
    const html = g.HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('Stripe review');
    g.SpreadsheetApp.getUi().showSidebar(html);
    expect(fakes.ui.sidebars).toEqual([{ title: 'Stripe review', content: '<h1>Review</h1>' }]);
  });

  it('answers alerts with the queued button, else YES for a yes/no question', () => {
    const { g, fakes } = setup();
    const ui = g.SpreadsheetApp.getUi();
    expect(ui.alert('Remove triggers?', 'Sync will stop.', ui.ButtonSet.YES_NO)).toBe(ui.Button.YES);
    fakes.ui.answers.push({ button: 'NO' });
    expect(ui.alert('Remove triggers?', 'Sync will stop.', ui.ButtonSet.YES_NO)).toBe(ui.Button.NO);
    expect(fakes.ui.alerts).toHaveLength(2);
  });
});

describe('PropertiesService', () => {
  it('refuses a value over 9 KB and keeps the old one', () => {
    const { g } = setup();
    const props = g.PropertiesService.getScriptProperties();
    props.setProperty('STRIPE_WEBHOOK_SECRETS', 'whsec_old');
    expect(() => props.setProperty('STRIPE_WEBHOOK_SECRETS', 'w'.repeat(9 * 1024 + 1))).toThrow(
      'Argument too large: value',
    );
    expect(props.getProperty('STRIPE_WEBHOOK_SECRETS')).toBe('whsec_old');
  });

  it('refuses to grow a store past 500 KB', () => {
    const { g } = setup();
    const props = g.PropertiesService.getScriptProperties();
    const write = () => {
      for (let i = 0; i < 60; i++) props.setProperty(`CURSOR_${i}`, 'c'.repeat(9000));
    };
    expect(write).toThrow(
      'You have exceeded the property storage quota. Please remove some properties and try again.',
    );
    expect(props.getKeys().length).toBeLessThan(60);
  });

  it('replaces every property with setProperties(…, true)', () => {
    const { g } = setup();
    const props = g.PropertiesService.getScriptProperties();
    props.setProperties({ STRIPE_API_KEY: 'rk_test_1', LEDGER_SPREADSHEET_ID: 'abc' });
    props.setProperties({ STRIPE_API_VERSION: '2025-03-31.basil' }, true);
    expect(props.getProperties()).toEqual({ STRIPE_API_VERSION: '2025-03-31.basil' });
  });

  it('answers null for a missing property and keeps stores apart', () => {
    const { g } = setup();
    g.PropertiesService.getUserProperties().setProperty('STRIPE_API_KEY', 'rk_test_1');
    expect(g.PropertiesService.getScriptProperties().getProperty('STRIPE_API_KEY')).toBeNull();
  });

  it('deletes one property or all', () => {
    const { g } = setup();
    const props = g.PropertiesService.getDocumentProperties();
    props.setProperties({ A: '1', B: '2', C: '3' });
    props.deleteProperty('B');
    expect(props.getKeys()).toEqual(['A', 'C']);
    props.deleteAllProperties();
    expect(props.getKeys()).toEqual([]);
  });
});

describe('LockService', () => {
  it('gives a free lock and releases it', () => {
    const { g } = setup();
    const lock = g.LockService.getScriptLock();
    expect(lock.tryLock(1000)).toBe(true);
    expect(lock.hasLock()).toBe(true);
    lock.releaseLock();
    expect(lock.hasLock()).toBe(false);
  });

  it('throws from waitLock when another execution holds the lock', () => {
    const { g, fakes } = setup();
    fakes.lock.holdScriptLock(true);
    expect(() => g.LockService.getScriptLock().waitLock(10_000)).toThrow(
      'Lock timeout: another process was holding the lock for too long.',
    );
  });

  it('returns false from tryLock after waiting out the timeout on the fake clock', () => {
    const { g, fakes } = setup();
    fakes.lock.holdScriptLock(true);
    expect(g.LockService.getScriptLock().tryLock(5000)).toBe(false);
    expect(fakes.clock.now().getTime() - START.getTime()).toBe(5000);
  });

  it('gets a lock that another execution releases within the wait', () => {
    const { g, fakes } = setup();
    fakes.lock.holdScriptLock(3000);
    expect(g.LockService.getScriptLock().tryLock(2000)).toBe(false);
    expect(g.LockService.getScriptLock().tryLock(2000)).toBe(true);
    expect(fakes.clock.now().getTime() - START.getTime()).toBe(3000);
  });

  it('releases every lock when the execution ends', () => {
    const { g, fakes } = setup();
    g.LockService.getScriptLock().waitLock(100);
    expect(fakes.lock.scriptLockHeld()).toBe(true);
    fakes.lock.endExecution();
    expect(fakes.lock.scriptLockHeld()).toBe(false);
  });
});

describe('CacheService', () => {
  it('forgets an entry when its time runs out on the fake clock', () => {
    const { g, setNow } = setup();
    const cache = g.CacheService.getScriptCache();
    cache.put('ledger-row:in_123', '42', 60);
    setNow(START.getTime() + 59_000);
    expect(cache.get('ledger-row:in_123')).toBe('42');
    setNow(START.getTime() + 60_000);
    expect(cache.get('ledger-row:in_123')).toBeNull();
  });

  it('refuses a key over 250 characters', () => {
    const { g } = setup();
    expect(() => g.CacheService.getScriptCache().put('k'.repeat(251), 'v')).toThrow(
      'Argument too large: key',
    );
  });

  it('refuses a value over 100 KB', () => {
    const { g } = setup();
    expect(() => g.CacheService.getScriptCache().put('index', 'v'.repeat(100 * 1024 + 1))).toThrow(
      'Argument too large: value',
    );
  });

  it('keeps an entry at most 21600 seconds', () => {
    const { g, setNow } = setup();
    const cache = g.CacheService.getScriptCache();
    cache.put('index', 'x', 999_999);
    setNow(START.getTime() + 21_600_000);
    expect(cache.get('index')).toBeNull();
  });

  it('puts, gets and removes several entries at once', () => {
    const { g } = setup();
    const cache = g.CacheService.getScriptCache();
    cache.putAll({ 'row:in_1': '2', 'row:in_2': '3' });
    expect(cache.getAll(['row:in_1', 'row:in_2', 'row:in_9'])).toEqual({ 'row:in_1': '2', 'row:in_2': '3' });
    cache.removeAll(['row:in_1']);
    expect(cache.getAll(['row:in_1', 'row:in_2'])).toEqual({ 'row:in_2': '3' });
  });
});

describe('Utilities', () => {
  const secret = 'whsec_test_5Wq2bWg3d7kPpXcE';
  const body = '{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"invoice.paid"}';
  const signed = `1700000000.${body}`;

  it('computes HMAC-SHA256 as signed Java bytes equal to node:crypto', () => {
    const { g } = setup();
    const bytes = g.Utilities.computeHmacSha256Signature(signed, secret);
    const expected = createHmac('sha256', secret).update(signed, 'utf8').digest();
    expect(bytes).toEqual(Array.from(expected, (b) => (b > 127 ? b - 256 : b)));
    expect(bytes.some((b) => b < 0)).toBe(true);
  });

  it('computes HMAC-SHA256 from byte arrays', () => {
    const { g } = setup();
    const toBytes = (s: string) => Array.from(Buffer.from(s, 'utf8'), (b) => (b > 127 ? b - 256 : b));
    const fromText = g.Utilities.computeHmacSha256Signature(signed, secret);
    expect(g.Utilities.computeHmacSha256Signature(toBytes(signed), toBytes(secret))).toEqual(fromText);
  });

  it('refuses a string value with a byte-array key as Apps Script does', () => {
    const { g } = setup();
    const call = g.Utilities.computeHmacSha256Signature as unknown as (a: unknown, b: unknown) => unknown;
    expect(() => call(signed, [1, 2, 3])).toThrow(/don't match the method signature/);
  });

  it('hashes UTF-8 text with computeDigest', () => {
    const { g } = setup();
    const digest = g.Utilities.computeDigest(g.Utilities.DigestAlgorithm.SHA_256, 'Zoë paid €12');
    const expected = createHash('sha256').update('Zoë paid €12', 'utf8').digest();
    expect(Buffer.from(digest.map((b) => b & 0xff)).equals(expected)).toBe(true);
  });

  it('encodes and decodes base64, with a web-safe alphabet that keeps padding', () => {
    const { g } = setup();
    const data = [-5, -17, 62, 63, 0];
    const plain = g.Utilities.base64Encode(data);
    expect(plain).toBe(Buffer.from([251, 239, 62, 63, 0]).toString('base64'));
    expect(g.Utilities.base64EncodeWebSafe(data)).toBe(plain.replace(/\+/g, '-').replace(/\//g, '_'));
    expect(g.Utilities.base64Decode(plain)).toEqual(data);
  });

  it('makes blobs that give back their text and bytes', () => {
    const { g } = setup();
    const blob = g.Utilities.newBlob('€5', 'text/plain', 'note.txt');
    expect([blob.getDataAsString(), blob.getBytes(), blob.getName()]).toEqual([
      '€5',
      [-30, -126, -84, 53],
      'note.txt',
    ]);
  });

  it('formats dates with Java patterns in a time zone', () => {
    const { g } = setup();
    const at = new Date('2025-03-14T03:04:05.678Z');
    expect(g.Utilities.formatDate(at, 'America/New_York', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")).toBe(
      '2025-03-13T23:04:05.678-04:00',
    );
    expect(g.Utilities.formatDate(at, 'Etc/UTC', "EEE, d MMM yyyy hh:mm a 'UTC'")).toBe(
      'Fri, 14 Mar 2025 03:04 AM UTC',
    );
  });

  it('moves the fake clock on sleep instead of waiting', () => {
    const { g, fakes } = setup();
    const before = Date.now();
    g.Utilities.sleep(120_000);
    expect(fakes.clock.now().getTime() - START.getTime()).toBe(120_000);
    expect(Date.now() - before).toBeLessThan(1000);
  });

  it('makes version-4 UUIDs', () => {
    const { g } = setup();
    expect(g.Utilities.getUuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('ContentService and HtmlService', () => {
  it('makes JSON text output', () => {
    const { g } = setup();
    const out = g.ContentService.createTextOutput('{"result":"processed"}').setMimeType(
      g.ContentService.MimeType.JSON,
    );
    expect([out.getContent(), out.getMimeType()]).toEqual([
      '{"result":"processed"}',
      g.ContentService.MimeType.JSON,
    ]);
  });

  it('refuses an HTML file that does not exist', () => {
    const { g } = setup({ htmlFiles: {} });
    expect(() => g.HtmlService.createHtmlOutputFromFile('Sidebar')).toThrow(
      'No HTML file named Sidebar was found.',
    );
  });

  it('builds HTML output with a title and size', () => {
    const { g } = setup();
    const html = g.HtmlService.createHtmlOutput('<p>a</p>')
      .append('<p>b</p>')
      .setTitle('Review')
      .setWidth(300);
    expect([html.getContent(), html.getTitle(), html.getWidth()]).toEqual([
      '<p>a</p><p>b</p>',
      'Review',
      300,
    ]);
  });
});

describe('UrlFetchApp', () => {
  function withStripe(status = 200, body = '{"object":"list","data":[],"has_more":false}') {
    const requests: FakeFetchRequest[] = [];
    const s = setup({
      fetch: (request) => {
        requests.push(request);
        return { status, body, headers: { 'Content-Type': 'application/json', 'Request-Id': 'req_123' } };
      },
    });
    return { ...s, requests };
  }

  it('sends a GET with the Authorization header by default', () => {
    const { g, requests } = withStripe();
    g.UrlFetchApp.fetch('https://api.stripe.com/v1/events?limit=100', {
      headers: { Authorization: 'Bearer rk_test_123', 'Stripe-Version': '2025-03-31.basil' },
    });
    expect(requests[0]).toEqual({
      url: 'https://api.stripe.com/v1/events?limit=100',
      method: 'GET',
      headers: { Authorization: 'Bearer rk_test_123', 'Stripe-Version': '2025-03-31.basil' },
      payload: undefined,
    });
  });

  it('form-encodes an object payload', () => {
    const { g, requests } = withStripe();
    g.UrlFetchApp.fetch('https://api.stripe.com/v1/invoices/in_1/pay', {
      method: 'post',
      payload: { 'metadata[note]': 'paid by cheque & cash' },
    });
    expect([requests[0]?.method, requests[0]?.payload, requests[0]?.headers['Content-Type']]).toEqual([
      'POST',
      'metadata%5Bnote%5D=paid%20by%20cheque%20%26%20cash',
      'application/x-www-form-urlencoded',
    ]);
  });

  it('throws like Apps Script for an error status unless muted', () => {
    const { g } = withStripe(429, '{"error":{"type":"rate_limit_error"}}');
    expect(() => g.UrlFetchApp.fetch('https://api.stripe.com/v1/events')).toThrow(
      'Request failed for https://api.stripe.com returned code 429. Truncated server response: {"error":{"type":"rate_limit_error"}} (use muteHttpExceptions option to examine full response)',
    );
    const muted = g.UrlFetchApp.fetch('https://api.stripe.com/v1/events', { muteHttpExceptions: true });
    expect(muted.getResponseCode()).toBe(429);
  });

  it('throws Timeout after a minute on the fake clock', () => {
    const { g, fakes } = setup({ fetch: () => 'timeout' });
    expect(() => g.UrlFetchApp.fetch('https://api.stripe.com/v1/events')).toThrow(
      'Timeout: https://api.stripe.com/v1/events',
    );
    expect(fakes.clock.now().getTime() - START.getTime()).toBe(60_000);
  });

  it('says clearly when no fetch handler was given', () => {
    const { g } = setup();
    expect(() => g.UrlFetchApp.fetch('https://api.stripe.com/v1/events')).toThrow(/no fetch handler/);
  });

  it('answers with body, status and headers, and counts each fetch', () => {
    const { g, fakes } = withStripe();
    fakes.counters.reset();
    const responses = g.UrlFetchApp.fetchAll([
      'https://api.stripe.com/v1/events',
      { url: 'https://api.stripe.com/v1/invoices', muteHttpExceptions: true },
    ]);
    const first = responses[0]!;
    expect([
      first.getContentText(),
      (first.getHeaders() as Record<string, string>)['Request-Id'],
      fakes.counters.urlFetches,
    ]).toEqual(['{"object":"list","data":[],"has_more":false}', 'req_123', 2]);
  });
});

describe('ScriptApp and Session', () => {
  it('creates, lists and deletes time triggers', () => {
    const { g, fakes } = setup();
    g.ScriptApp.newTrigger('syncStripe').timeBased().everyMinutes(5).create();
    g.ScriptApp.newTrigger('refreshReport').timeBased().everyDays(1).atHour(6).create();
    const triggers = g.ScriptApp.getProjectTriggers();
    expect(triggers.map((t) => [t.getHandlerFunction(), t.getEventType()])).toEqual([
      ['syncStripe', g.ScriptApp.EventType.CLOCK],
      ['refreshReport', g.ScriptApp.EventType.CLOCK],
    ]);
    g.ScriptApp.deleteTrigger(triggers[0]!);
    expect(fakes.triggers().map((t) => [t.handler, t.schedule])).toEqual([
      ['refreshReport', { everyDays: 1, atHour: 6 }],
    ]);
  });

  it('refuses a minute interval Apps Script does not offer', () => {
    const { g } = setup();
    expect(() => g.ScriptApp.newTrigger('syncStripe').timeBased().everyMinutes(7)).toThrow(/everyMinutes/);
  });

  it('creates an on-open trigger for the spreadsheet', () => {
    const { g, ss } = setup({ spreadsheetId: 'sheet-9' });
    const trigger = g.ScriptApp.newTrigger('onOpen').forSpreadsheet(ss).onOpen().create();
    expect([trigger.getEventType(), trigger.getTriggerSource(), trigger.getTriggerSourceId()]).toEqual([
      g.ScriptApp.EventType.ON_OPEN,
      g.ScriptApp.TriggerSource.SPREADSHEETS,
      'sheet-9',
    ]);
  });

  it('refuses a 21st trigger', () => {
    const { g } = setup();
    for (let i = 0; i < 20; i++) g.ScriptApp.newTrigger(`job${i}`).timeBased().everyHours(1).create();
    expect(() => g.ScriptApp.newTrigger('syncStripe').timeBased().everyHours(1).create()).toThrow(
      /too many triggers/,
    );
  });

  it('gives the web app URL and the users', () => {
    const { g } = setup({ scriptId: 'AKfy123', userEmail: '', ownerEmail: 'owner@school.example' });
    expect([
      g.ScriptApp.getService().getUrl(),
      g.Session.getActiveUser().getEmail(),
      g.Session.getEffectiveUser().getEmail(),
      g.Session.getScriptTimeZone(),
    ]).toEqual([
      'https://script.google.com/macros/s/AKfy123/exec',
      '',
      'owner@school.example',
      'America/New_York',
    ]);
  });

  it('collects Logger lines instead of printing them', () => {
    const { g, fakes } = setup();
    g.Logger.log('Synced %s events', 12);
    expect(fakes.logs).toEqual(['Synced 12 events']);
  });
});

describe('counting service calls and cells', () => {
  it('counts a known sequence of calls and cells', () => {
    const { g, fakes } = setup();
    fakes.spreadsheet
      .getSheetByName('Ledger')!
      .getRange('A1:C2')
      .setValues([
        ['Stripe Invoice ID', 'Payment Status', 'Amount Paid'],
        ['in_1', 'open', 0],
      ]);
    fakes.counters.reset();
    const sheet = g.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Ledger')!;
    const hit = sheet.createTextFinder('in_1').matchEntireCell(true).findNext()!;
    const row = sheet.getRange(hit.getRow(), 1, 1, 3);
    row.getValues();
    row.setValues([['in_1', 'paid', 1250.5]]);
    expect(fakes.counters.calls).toEqual({
      'SpreadsheetApp.getActiveSpreadsheet': 1,
      'Spreadsheet.getSheetByName': 1,
      'Sheet.createTextFinder': 1,
      'TextFinder.matchEntireCell': 1,
      'TextFinder.findNext': 1,
      'Range.getRow': 1,
      'Sheet.getRange': 1,
      'Range.getValues': 1,
      'Range.setValues': 1,
    });
    expect([
      fakes.counters.spreadsheetCalls,
      fakes.counters.cellsRead,
      fakes.counters.cellsWritten,
      fakes.counters.cellsScanned,
    ]).toEqual([9, 3, 3, 4]);
  });

  it('counts every row of a whole-column read', () => {
    const { ledger, fakes } = setup();
    fakes.counters.reset();
    ledger.getRange('C:C').getValues();
    expect(fakes.counters.cellsRead).toBe(1000);
  });

  it('counts calls of other services apart from spreadsheet calls', () => {
    const { g, fakes } = setup();
    fakes.counters.reset();
    g.PropertiesService.getScriptProperties().getProperty('STRIPE_WEBHOOK_SECRETS');
    expect([fakes.counters.calls['Properties.getProperty'], fakes.counters.spreadsheetCalls]).toEqual([1, 0]);
  });

  it('does not count calls made on the uncounted spreadsheet handle', () => {
    const { fakes } = setup();
    fakes.counters.reset();
    fakes.spreadsheet.getSheetByName('Ledger')!.getRange('A1').setValue('in_1');
    expect([fakes.counters.spreadsheetCalls, fakes.counters.cellsWritten]).toEqual([0, 1]);
  });

  it('zeroes every counter on reset', () => {
    const { ledger, fakes } = setup();
    ledger.getRange('A1').getValue();
    fakes.counters.reset();
    expect([fakes.counters.calls, fakes.counters.spreadsheetCalls, fakes.counters.cellsRead]).toEqual([
      {},
      0,
      0,
    ]);
  });
});

describe('a hook on every service call', () => {
  it('sees each call in order, with its kind, arguments and whether it is a Spreadsheet call', () => {
    const { g, fakes } = setup();
    const seen: string[] = [];
    fakes.onCall((call) =>
      seen.push(`${call.kind}.${call.method}(${call.args.join(',')}) ${call.spreadsheet}`),
    );
    g.PropertiesService.getScriptProperties().getProperty('STRIPE_API_KEY');
    g.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Ledger')!.getRange('A1').getValue();
    expect(seen).toEqual([
      'PropertiesService.getScriptProperties() false',
      'Properties.getProperty(STRIPE_API_KEY) false',
      'SpreadsheetApp.getActiveSpreadsheet() true',
      'Spreadsheet.getSheetByName(Ledger) true',
      'Sheet.getRange(A1) true',
      'Range.getValue() true',
    ]);
  });

  it('fails the call it throws in, before the call has any effect, and counts it as made', () => {
    const { g, fakes } = setup();
    const cell = g.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Ledger')!.getRange('A1');
    fakes.counters.reset();
    const remove = fakes.onCall((call) => {
      if (call.method === 'setValue')
        throw fakes.error('Service Spreadsheets failed while accessing document');
    });
    expect(() => cell.setValue('in_1')).toThrow(
      expect.objectContaining({
        name: 'Exception',
        message: expect.stringContaining('Service Spreadsheets'),
      }),
    );
    expect(fakes.spreadsheet.sheetValues('Ledger')).toEqual([]);
    expect(fakes.counters.calls['Range.setValue']).toBe(1);
    remove();
    cell.setValue('in_1');
    expect(fakes.spreadsheet.sheetValues('Ledger')).toEqual([['in_1']]);
  });

  it('sees nothing of the uncounted handle tests arrange state with', () => {
    const { fakes } = setup();
    const seen: string[] = [];
    fakes.onCall((call) => seen.push(call.method));
    fakes.spreadsheet.getSheetByName('Ledger')!.getRange('A1').setValue('in_1');
    expect(seen).toEqual([]);
  });
});

describe('installing into a realm', () => {
  it('puts the services on globalThis and takes them away again', () => {
    const fakes = createGasFakes();
    const global = globalThis as Record<string, unknown>;
    fakes.install();
    try {
      expect(global.SpreadsheetApp).toBe(fakes.globals.SpreadsheetApp);
    } finally {
      fakes.uninstall();
    }
    expect(global.SpreadsheetApp).toBeUndefined();
  });

  it('hands code in a vm context Dates of its own realm and collects its console', () => {
    const fakes = createGasFakes({ ownerEmail: 'owner@school.example' });
    fakes.spreadsheet.getSheets()[0]!.getRange('A1').setValue(new Date('2025-03-14T00:00:00Z'));
    const context = vm.createContext({});
    fakes.install(context);
    const isContextDate = vm.runInContext(
      `(() => {
        const value = SpreadsheetApp.getActiveSpreadsheet().getSheets()[0].getRange('A1').getValue();
        console.log('owner', Session.getEffectiveUser().getEmail());
        return value instanceof Date;
      })()`,
      context,
    );
    expect(isContextDate).toBe(true);
    expect(fakes.logs).toEqual(['owner owner@school.example']);
  });

  it('hands code in a vm context an Error of its own realm', () => {
    const fakes = createGasFakes();
    fakes.lock.holdScriptLock(true);
    const context = vm.createContext({});
    fakes.install(context);
    const result = vm.runInContext(
      `(() => { try { LockService.getScriptLock().waitLock(1); } catch (e) { return [e instanceof Error, e.name, e.message]; } })()`,
      context,
    );
    expect(result).toEqual([
      true,
      'Exception',
      'Lock timeout: another process was holding the lock for too long.',
    ]);
  });
});

describe('snapshot and restore', () => {
  function populated() {
    const s = setup();
    const { ledger, g } = s;
    ledger.getRange('A1:D1').setValues([['Stripe Invoice ID', 'Paid At', 'Total', 'Note']]);
    ledger.getRange('A2').setNumberFormat('@');
    ledger.getRange('A2:C2').setValues([['0042', new Date('2025-03-10T12:30:00Z'), '=SUM(1,2)']]);
    ledger.getRange('D2').setNote('evt_1 applied');
    ledger.hideColumns(4);
    ledger.setFrozenRows(1);
    ledger.protect().setDescription('Maintained by Stripe Ledger').removeEditors(['owner@example.com']);
    ledger.getRange('B:C').protect().setWarningOnly(true);
    g.PropertiesService.getScriptProperties().setProperty('STRIPE_WEBHOOK_SECRETS', 'whsec_abc');
    g.CacheService.getScriptCache().put('row:in_1', '2', 600);
    g.ScriptApp.newTrigger('syncStripe').timeBased().everyMinutes(15).create();
    return s;
  }

  it('round-trips a sheet with a Date, a formula, a plain-text cell and protections', () => {
    const { fakes } = populated();
    const copy = createGasFakes({ now: () => START });
    copy.restore(fakes.snapshot());
    const ledger = copy.globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Ledger')!;
    const row = ledger.getRange('A2:C2');
    const [[text, paidAt]] = row.getValues() as [[string, Date]];
    expect([text, paidAt instanceof Date, paidAt.toISOString()]).toEqual([
      '0042',
      true,
      '2025-03-10T12:30:00.000Z',
    ]);
    expect(row.getFormulas()).toEqual([['', '', '=SUM(1,2)']]);
    expect(ledger.getRange('A2').getNumberFormat()).toBe('@');
    const sheetProtection = ledger.getProtections(copy.globals.SpreadsheetApp.ProtectionType.SHEET)[0]!;
    expect([sheetProtection.getDescription(), sheetProtection.getEditors().map((u) => u.getEmail())]).toEqual(
      ['Maintained by Stripe Ledger', ['owner@example.com']],
    );
    const rangeProtection = ledger.getProtections(copy.globals.SpreadsheetApp.ProtectionType.RANGE)[0]!;
    expect([rangeProtection.getRange().getA1Notation(), rangeProtection.isWarningOnly()]).toEqual([
      'B1:C1000',
      true,
    ]);
  });

  it('round-trips notes, hidden columns, frozen rows, properties, cache and triggers', () => {
    const { fakes } = populated();
    const copy = createGasFakes({ now: () => START });
    copy.restore(fakes.snapshot());
    const g = copy.globals;
    const ledger = g.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Ledger')!;
    expect([
      ledger.getRange('D2').getNote(),
      ledger.isColumnHiddenByUser(4),
      ledger.getFrozenRows(),
      g.PropertiesService.getScriptProperties().getProperty('STRIPE_WEBHOOK_SECRETS'),
      g.CacheService.getScriptCache().get('row:in_1'),
      g.ScriptApp.getProjectTriggers().map((t) => t.getHandlerFunction()),
    ]).toEqual(['evt_1 applied', true, 1, 'whsec_abc', '2', ['syncStripe']]);
  });

  it('replaces the state it restores over instead of merging', () => {
    const { fakes } = populated();
    const saved = fakes.snapshot();
    fakes.globals.SpreadsheetApp.getActiveSpreadsheet().insertSheet('Audit');
    fakes.globals.PropertiesService.getScriptProperties().setProperty('EXTRA', '1');
    fakes.restore(saved);
    expect(fakes.spreadsheet.sheetNames()).toEqual(['Sheet1', 'Ledger']);
    expect(fakes.properties.script.has('EXTRA')).toBe(false);
  });

  it('gives sheet values and formulas of the used range to tests', () => {
    const { fakes } = populated();
    expect(fakes.spreadsheet.formulas('Ledger')).toEqual([
      ['', '', '', ''],
      ['', '', '=SUM(1,2)', ''],
    ]);
    expect(fakes.spreadsheet.sheetValues('Sheet1')).toEqual([]);
  });
});
