// The fakes of conditional-format rules, data validation and a person's typing: what the add-on's setupLedger and
// the emulator rely on, held to what Sheets does.

import { describe, expect, it } from 'vitest';
import { createGasFakes, type GasFakeOptions } from '../../fakes/gas';

function setup(opts: GasFakeOptions = {}) {
  const fakes = createGasFakes(opts);
  const g = fakes.globals;
  const ss = g.SpreadsheetApp.getActiveSpreadsheet();
  const sheet = ss.insertSheet('Exceptions');
  sheet.getRange('A1:C1').setValues([['Exception ID', 'Status', 'Amount']]);
  return { fakes, g, ss, sheet };
}

function paidIsGreen(g: ReturnType<typeof setup>['g'], range: GoogleAppsScript.Spreadsheet.Range) {
  return g.SpreadsheetApp.newConditionalFormatRule()
    .whenTextEqualTo('paid')
    .setBackground('#E6F4EA')
    .setFontColor('#137333')
    .setBold(true)
    .setRanges([range])
    .build();
}

describe('conditional-format rules', () => {
  it('reads back what was set: condition, values, colours and ranges', () => {
    const { g, sheet } = setup();
    sheet.setConditionalFormatRules([paidIsGreen(g, sheet.getRange('B2:B1000'))]);
    const [rule] = sheet.getConditionalFormatRules();
    const condition = rule!.getBooleanCondition()!;
    expect(condition.getCriteriaType()).toBe(g.SpreadsheetApp.BooleanCriteria.TEXT_EQUAL_TO);
    expect(condition.getCriteriaValues()).toEqual(['paid']);
    expect(condition.getBackground()).toBe('#e6f4ea');
    expect(condition.getFontColor()).toBe('#137333');
    expect(condition.getBold()).toBe(true);
    expect(condition.getItalic()).toBeNull();
    expect(rule!.getRanges().map((r) => r.getA1Notation())).toEqual(['B2:B1000']);
  });

  it('replaces every rule of the sheet on each set, so appending means reading them first', () => {
    const { g, sheet } = setup();
    const overdue = g.SpreadsheetApp.newConditionalFormatRule()
      .whenNumberGreaterThan(1000)
      .setBackground('#fce8e6')
      .setRanges([sheet.getRange('C2:C')])
      .build();
    sheet.setConditionalFormatRules([overdue]);
    sheet.setConditionalFormatRules([paidIsGreen(g, sheet.getRange('B2:B'))]);
    expect(sheet.getConditionalFormatRules()).toHaveLength(1);
    sheet.setConditionalFormatRules([...sheet.getConditionalFormatRules(), overdue]);
    expect(sheet.getConditionalFormatRules().map((r) => r.getBooleanCondition()!.getCriteriaType())).toEqual([
      'TEXT_EQUAL_TO',
      'NUMBER_GREATER_THAN',
    ]);
  });

  it('refuses a rule over a range of another sheet, and one without a condition', () => {
    const { g, ss, sheet } = setup();
    const other = ss.insertSheet('Ledger');
    expect(() => sheet.setConditionalFormatRules([paidIsGreen(g, other.getRange('A2:A'))])).toThrow(/sheet/);
    const bare = g.SpreadsheetApp.newConditionalFormatRule()
      .setRanges([sheet.getRange('B2:B')])
      .build();
    expect(() => sheet.setConditionalFormatRules([bare])).toThrow(/condition/);
  });

  it('colours a cell by the first rule that holds it and whose text matches, ignoring case', () => {
    const { fakes, g, sheet } = setup();
    const anyText = g.SpreadsheetApp.newConditionalFormatRule()
      .whenCellNotEmpty()
      .setBackground('#eeeeee')
      .setRanges([sheet.getRange('B3:B3')])
      .build();
    sheet.setConditionalFormatRules([anyText, paidIsGreen(g, sheet.getRange('B2:B'))]);
    sheet.getRange('B2:B4').setValues([['Paid'], ['paid'], ['open']]);
    const looks = fakes.spreadsheet.conditionalFormats('Exceptions').map((row) => row[1]);
    expect(looks).toEqual([
      null,
      { background: '#e6f4ea', fontColor: '#137333', bold: true },
      { background: '#eeeeee' },
      null,
    ]);
  });

  it('moves rule ranges when columns are inserted before them, and grows them when rows go inside', () => {
    const { g, sheet } = setup();
    sheet.setConditionalFormatRules([paidIsGreen(g, sheet.getRange('B2:B10'))]);
    sheet.insertColumnsBefore(1, 2);
    sheet.insertRowsAfter(5, 3);
    expect(sheet.getConditionalFormatRules()[0]!.getRanges()[0]!.getA1Notation()).toBe('D2:D13');
  });

  it('shrinks a rule when rows inside it are deleted and drops it with its last column', () => {
    const { g, sheet } = setup();
    sheet.setConditionalFormatRules([paidIsGreen(g, sheet.getRange('B2:B10'))]);
    sheet.deleteRows(3, 4);
    expect(sheet.getConditionalFormatRules()[0]!.getRanges()[0]!.getA1Notation()).toBe('B2:B6');
    sheet.deleteColumn(2);
    expect(sheet.getConditionalFormatRules()).toEqual([]);
  });

  it('survives a snapshot and restore', () => {
    const { fakes, g, sheet } = setup();
    sheet.setConditionalFormatRules([paidIsGreen(g, sheet.getRange('B2:B'))]);
    const copy = createGasFakes();
    copy.restore(fakes.snapshot());
    const rules = copy.spreadsheet.getSheetByName('Exceptions')!.getConditionalFormatRules();
    expect(rules.map((r) => r.getBooleanCondition()!.getCriteriaValues())).toEqual([['paid']]);
  });
});

describe('data validation', () => {
  const statusList = (g: ReturnType<typeof setup>['g']) =>
    g.SpreadsheetApp.newDataValidation()
      .requireValueInList(['open', 'resolved', 'dismissed', 'snoozed'], true)
      .setAllowInvalid(false)
      .setHelpText('Choose open, resolved, dismissed or snoozed.')
      .build();

  it('reads back a list rule as Apps Script states it: the values, then whether a drop-down shows', () => {
    const { g, sheet } = setup();
    sheet.getRange('B2:B5').setDataValidation(statusList(g));
    const rule = sheet.getRange('B4').getDataValidation()!;
    expect(rule.getCriteriaType()).toBe(g.SpreadsheetApp.DataValidationCriteria.VALUE_IN_LIST);
    expect(rule.getCriteriaValues()).toEqual([['open', 'resolved', 'dismissed', 'snoozed'], true]);
    expect(rule.getAllowInvalid()).toBe(false);
    expect(sheet.getRange('B6').getDataValidation()).toBeNull();
    expect(sheet.getRange('A2:B2').getDataValidations()).toEqual([[null, expect.anything()]]);
  });

  it('makes a new rule warn rather than reject until told otherwise', () => {
    const { g } = setup();
    expect(g.SpreadsheetApp.newDataValidation().requireValueInList(['a']).build().getAllowInvalid()).toBe(
      true,
    );
  });

  it("never refuses a script's write: the cell keeps the value and shows as breaking the rule", () => {
    const { fakes, g, sheet } = setup();
    sheet.getRange('B2:B5').setDataValidation(statusList(g));
    sheet.getRange('B2').setValue('closed');
    expect(sheet.getRange('B2').getValue()).toBe('closed');
    expect(fakes.spreadsheet.dataValidations('Exceptions')[1]![1]).toMatchObject({
      problem: 'Choose open, resolved, dismissed or snoozed.',
    });
  });

  it('removes a rule with null, and a cleared range has none', () => {
    const { g, sheet } = setup();
    sheet.getRange('B2:B5').setDataValidation(statusList(g));
    sheet.getRange('B2').setDataValidation(null);
    sheet.getRange('B3').clearDataValidations();
    expect(
      sheet
        .getRange('B2:B4')
        .getDataValidations()
        .map(([rule]) => rule !== null),
    ).toEqual([false, false, true]);
  });

  it('carries the rule into rows inserted below a validated row, as Sheets copies its formatting', () => {
    const { g, sheet } = setup();
    sheet.getRange('B2:B3').setDataValidation(statusList(g));
    sheet.insertRowsAfter(3, 2);
    expect(sheet.getRange('B4').getDataValidation()?.getCriteriaType()).toBe('VALUE_IN_LIST');
  });

  it('survives a snapshot and restore', () => {
    const { fakes, g, sheet } = setup();
    sheet.getRange('B2:B3').setDataValidation(statusList(g));
    const copy = createGasFakes();
    copy.restore(fakes.snapshot());
    const rule = copy.spreadsheet.getSheetByName('Exceptions')!.getRange('B3').getDataValidation();
    expect(rule?.getCriteriaValues()[0]).toEqual(['open', 'resolved', 'dismissed', 'snoozed']);
  });
});

describe('a person typing into the grid', () => {
  it('is refused by a rejecting list rule, with its help text, and the cell keeps its value', () => {
    const { fakes, g, sheet } = setup();
    sheet.getRange('B2').setValue('open');
    sheet
      .getRange('B2:B5')
      .setDataValidation(
        g.SpreadsheetApp.newDataValidation()
          .requireValueInList(['open', 'resolved'], true)
          .setAllowInvalid(false)
          .setHelpText('Pick a status from the list.')
          .build(),
      );
    const edit = fakes.typeInto('Exceptions', 2, 2, [['closed']]);
    expect(edit).toEqual({ ok: false, message: 'There was a problem: Pick a status from the list.' });
    expect(sheet.getRange('B2').getValue()).toBe('open');
  });

  it('passes a list item and reports what an onEdit trigger receives', () => {
    const { fakes, g, sheet } = setup();
    sheet.getRange('B2').setValue('open');
    sheet
      .getRange('B2:B5')
      .setDataValidation(
        g.SpreadsheetApp.newDataValidation().requireValueInList(['open', 'resolved']).build(),
      );
    const edit = fakes.typeInto('Exceptions', 2, 2, [['resolved']]);
    expect(edit).toMatchObject({ ok: true, value: 'resolved', oldValue: 'open' });
    expect(edit.ok && edit.range.getA1Notation()).toBe('B2');
    expect(sheet.getRange('B2').getValue()).toBe('resolved');
  });

  it('is taken under a warning rule, and the cell shows as breaking it', () => {
    const { fakes, g, sheet } = setup();
    sheet
      .getRange('B2:B5')
      .setDataValidation(
        g.SpreadsheetApp.newDataValidation().requireValueInList(['open', 'resolved']).build(),
      );
    expect(fakes.typeInto('Exceptions', 2, 2, [['closed']]).ok).toBe(true);
    expect(sheet.getRange('B2').getValue()).toBe('closed');
    expect(fakes.spreadsheet.dataValidations('Exceptions')[1]![1]?.problem).toBe(
      'Input must be an item on the specified list.',
    );
  });

  it('may clear a validated cell: blank always passes', () => {
    const { fakes, g, sheet } = setup();
    sheet.getRange('B2').setValue('open');
    sheet
      .getRange('B2')
      .setDataValidation(
        g.SpreadsheetApp.newDataValidation().requireValueInList(['open']).setAllowInvalid(false).build(),
      );
    expect(fakes.typeInto('Exceptions', 2, 2, [['']]).ok).toBe(true);
  });

  it('is read as typing: numbers, dates and a leading apostrophe', () => {
    const { fakes, sheet } = setup();
    fakes.typeInto('Exceptions', 2, 1, [["'0012", '2026-01-05', '1,250.50']]);
    const [id, opened, amount] = sheet.getRange('A2:C2').getValues()[0]!;
    expect(id).toBe('0012');
    expect(opened).toBeInstanceOf(Date);
    expect(amount).toBe(1250.5);
  });

  it('is stopped by a protection the user is not an editor of; the owner edits anyway', () => {
    const options = { ownerEmail: 'bursar@school.example', userEmail: 'reviewer@school.example' };
    const { fakes, sheet } = setup(options);
    const protection = sheet.getRange('1:1').protect();
    protection.removeEditors(protection.getEditors());
    expect(fakes.typeInto('Exceptions', 1, 2, [['State']])).toMatchObject({
      ok: false,
      message: expect.stringContaining('protected cell'),
    });
    expect(fakes.typeInto('Exceptions', 2, 2, [['open']]).ok).toBe(true);
    const owner = setup({ ownerEmail: 'bursar@school.example' });
    owner.sheet.getRange('1:1').protect();
    expect(owner.fakes.typeInto('Exceptions', 1, 2, [['State']]).ok).toBe(true);
  });

  it('shows in the formula bar what, typed back, stores the same value', () => {
    const { fakes, sheet } = setup();
    sheet.getRange('A2:C2').setValues([["'0012", "'=SUM(A1)", 1250.5]]);
    sheet.getRange('A3').setFormula('=A2');
    expect(fakes.spreadsheet.editTexts('Exceptions').slice(1)).toEqual([
      ["'0012", "'=SUM(A1)", '1250.5'],
      ['=A2', '', ''],
    ]);
  });
});
