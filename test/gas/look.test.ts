// setupLedger gives the sheets the look of the README picture (CONTRACT.md, "Look"): amounts in each row's
// currency, times in the spreadsheet's zone, coloured statuses, drop-downs, frozen headers — and a second run adds
// nothing.

import { afterEach, describe, expect, it } from 'vitest';
import { createGasFakes, type GasFakes } from '../../fakes/gas';
import { EXCEPTION_STATUSES, PAYMENT_STATUSES } from '../../src/core/contract';
import { setupLedger } from '../../src/gas/setup';
import { invoiceEvent } from '../fixtures/events';
import { createHarness, type Harness } from '../gas/harness';

let fakes: GasFakes | undefined;
let harness: Harness | undefined;
afterEach(() => {
  fakes?.uninstall();
  harness?.close();
  fakes = undefined;
  harness = undefined;
});

function ledgerWith(rows: (string | number)[][]): GasFakes {
  fakes = createGasFakes();
  fakes.install();
  const header = ['Student', 'Stripe Invoice ID', 'Expected Amount', 'Currency'];
  const ledger = fakes.spreadsheet.insertSheet('Ledger');
  if (rows.length + 1 > ledger.getMaxRows()) ledger.insertRowsAfter(ledger.getMaxRows(), rows.length);
  ledger.getRange(1, 1, rows.length + 1, header.length).setValues([header, ...rows]);
  return fakes;
}

/** A sheet's display values as records keyed by header. */
function shown(sheet: string, on: GasFakes): Record<string, string>[] {
  const [header = [], ...body] = on.spreadsheet.displayValues(sheet);
  return body.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}

function columnOf(sheet: string, name: string, on: GasFakes): number {
  return on.spreadsheet.displayValues(sheet)[0]!.indexOf(name) + 1;
}

function rulesOf(sheet: string, on: GasFakes) {
  return on.spreadsheet
    .getSheetByName(sheet)!
    .getConditionalFormatRules()
    .map((rule) => {
      const condition = rule.getBooleanCondition()!;
      return {
        type: String(condition.getCriteriaType()),
        value: condition.getCriteriaValues()[0],
        background: condition.getBackground(),
        ranges: rule.getRanges().map((range) => range.getA1Notation()),
      };
    });
}

describe('amounts read in their own currency', () => {
  it('formats the ledger amounts of each row by its Currency: USD 2 decimals, JPY none, KWD 3', () => {
    const on = ledgerWith([
      ['Zoë', "'in_usd", 1250.5, 'USD'],
      ['山田', "'in_jpy", 60000, 'JPY'],
      ['Fatima', "'in_kwd", 12.345, 'kwd'],
    ]);
    setupLedger();
    expect(shown('Ledger', on).map((row) => row['Expected Amount'])).toEqual([
      '1,250.50',
      '60,000',
      '12.345',
    ]);
    const formats = on.spreadsheet.numberFormats('Ledger').slice(1);
    for (const name of ['Expected Amount', 'Amount Paid', 'Amount Refunded']) {
      const column = columnOf('Ledger', name, on) - 1;
      expect(
        formats.map((row) => row[column]),
        name,
      ).toEqual(['#,##0.00', '#,##0', '#,##0.000']);
    }
  });

  it('takes the invoice currency from Stripe State for a row whose Currency is blank', () => {
    harness = createHarness([{ invoiceId: 'in_jp', currency: '' }]);
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_jp', amountDue: 60000, currency: 'jpy' }));
    setupLedger();
    expect(shown('Ledger', harness.fakes)[0]).toMatchObject({ Currency: '', 'Amount Paid': '60,000' });
  });

  it("formats an exception's Amount by the exception's Currency", () => {
    harness = createHarness([]);
    harness.post(
      invoiceEvent('invoice.paid', { invoiceId: 'in_not_ours', amountDue: 12345, currency: 'kwd' }),
    );
    setupLedger();
    expect(shown('Exceptions', harness.fakes)[0]).toMatchObject({ Currency: 'KWD', Amount: '12.345' });
  });
});

describe('amounts formatted as the add-on writes them, on rows added after Set up ledger', () => {
  /** A row typed below the ledger after setup, as a school adds the next term's invoices. */
  function typeRow(on: GasFakes, cells: (string | number)[]): number {
    const ledger = on.spreadsheet.getSheetByName('Ledger')!;
    const row = ledger.getLastRow() + 1;
    ledger.getRange(row, 1, 1, cells.length).setValues([cells]);
    return row;
  }

  it('gives the empty rows below two decimals, so a USD row typed later reads 1,250.50 with no call of its own', () => {
    harness = createHarness([{ invoiceId: 'in_first', currency: 'USD' }]);
    const on = harness.fakes;
    typeRow(on, ['Later', "'in_later_usd", 1250.5, 'USD']);
    on.counters.reset();
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_later_usd', amountDue: 125050 }));
    expect(shown('Ledger', on)[1]).toMatchObject({
      'Expected Amount': '1,250.50',
      'Amount Paid': '1,250.50',
    });
    expect(on.counters.calls['Range.setNumberFormats'] ?? 0).toBe(0);
  });

  it('formats a yen row typed later as its first amount is written, keeping the other cells formats', () => {
    harness = createHarness([{ invoiceId: 'in_first', currency: 'USD' }]);
    const on = harness.fakes;
    const row = typeRow(on, ['山田', "'in_later_jpy", 60000, 'JPY']);
    harness.post(
      invoiceEvent('invoice.paid', { invoiceId: 'in_later_jpy', amountDue: 60000, currency: 'jpy' }),
    );
    expect(shown('Ledger', on)[1]).toMatchObject({ 'Amount Paid': '60,000', 'Amount Refunded': '0' });
    const ledger = on.spreadsheet.getSheetByName('Ledger')!;
    expect(ledger.getRange(row, columnOf('Ledger', 'Paid At', on)).getNumberFormat()).toBe(
      'yyyy-mm-dd hh:mm',
    );
    // Only the first amount sets formats: a later event of the row makes no format call.
    on.counters.reset();
    harness.post(
      invoiceEvent('invoice.updated', {
        invoiceId: 'in_later_jpy',
        amountDue: 60000,
        currency: 'jpy',
        created: 1,
      }),
    );
    expect(on.counters.calls['Range.setNumberFormats'] ?? 0).toBe(0);
  });

  it("formats a dinar exception's Amount as the exception is opened", () => {
    harness = createHarness([]);
    harness.post(
      invoiceEvent('invoice.paid', { invoiceId: 'in_not_ours_kwd', amountDue: 12345, currency: 'kwd' }),
    );
    expect(shown('Exceptions', harness.fakes)[0]).toMatchObject({ Currency: 'KWD', Amount: '12.345' });
  });
});

describe('times in the spreadsheet time zone', () => {
  it('shows Paid At to the minute and the log times to the second, on rows written after setup too', () => {
    harness = createHarness([{ invoiceId: 'in_tz', currency: 'USD' }], { timeZone: 'America/New_York' });
    // 2026-01-01T00:00:00Z is still New Year's Eve in New York.
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_tz', created: 1_767_225_600 }));
    const on = harness.fakes;
    expect(shown('Ledger', on)[0]!['Paid At']).toBe('2025-12-31 19:00');
    expect(shown('Stripe Events', on)[0]!['Received At']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(shown('Audit', on)[0]!.At).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const body = on.spreadsheet.getSheetByName('Exceptions')!;
    for (const name of ['Opened At', 'Resolved At']) {
      expect(body.getRange(500, columnOf('Exceptions', name, on)).getNumberFormat(), name).toBe(
        'yyyy-mm-dd hh:mm',
      );
    }
  });
});

describe('status colours', () => {
  it('gives every Payment Status of the contract one rule over the column below the header', () => {
    const on = ledgerWith([['Zoë', "'in_1", 100, 'USD']]);
    setupLedger();
    const rules = rulesOf('Ledger', on);
    expect(rules.map((rule) => rule.value)).toEqual([...PAYMENT_STATUSES]);
    expect(new Set(rules.map((rule) => rule.type))).toEqual(new Set(['TEXT_EQUAL_TO']));
    expect(new Set(rules.flatMap((rule) => rule.ranges))).toEqual(new Set(['E2:E1000']));
    expect(columnOf('Ledger', 'Payment Status', on)).toBe(5);
  });

  it('shows paid green and payment_failed red in the cell itself', () => {
    const on = ledgerWith([
      ['Zoë', "'in_1", 100, 'USD'],
      ['Ana', "'in_2", 100, 'USD'],
    ]);
    setupLedger();
    const column = columnOf('Ledger', 'Payment Status', on);
    on.spreadsheet
      .getSheetByName('Ledger')!
      .getRange(2, column, 2, 1)
      .setValues([['paid'], ['payment_failed']]);
    const looks = on.spreadsheet
      .conditionalFormats('Ledger')
      .slice(1)
      .map((row) => row[column - 1]);
    expect(looks).toEqual([
      { background: '#e6f4ea', fontColor: '#137333', bold: true },
      { background: '#fce8e6', fontColor: '#a50e0e', bold: true },
    ]);
  });

  it('colours every exception Status, open in red', () => {
    const on = ledgerWith([]);
    setupLedger();
    const rules = rulesOf('Exceptions', on);
    expect(rules.map((rule) => rule.value)).toEqual(expect.arrayContaining([...EXCEPTION_STATUSES]));
    expect(rules).toHaveLength(EXCEPTION_STATUSES.length);
    expect(rules.find((rule) => rule.value === 'open')?.background).toBe('#fce8e6');
  });

  it("keeps the user's own rules in front of its own, and replaces its own even in another colour", () => {
    const on = ledgerWith([['Zoë', "'in_1", 100, 'USD']]);
    setupLedger();
    const ledger = on.spreadsheet.getSheetByName('Ledger')!;
    const paidColumn = ledger.getRange(2, columnOf('Ledger', 'Payment Status', on), 999, 1);
    const big = SpreadsheetApp.newConditionalFormatRule()
      .whenNumberGreaterThan(1000)
      .setBackground('#fff2cc')
      .setRanges([ledger.getRange('C2:C')])
      .build();
    const wholeRow = SpreadsheetApp.newConditionalFormatRule()
      .whenTextEqualTo('paid')
      .setBackground('#d9ead3')
      .setRanges([ledger.getRange('A2:J')])
      .build();
    const oldPaid = SpreadsheetApp.newConditionalFormatRule()
      .whenTextEqualTo('paid')
      .setBackground('#0000ff')
      .setRanges([paidColumn])
      .build();
    ledger.setConditionalFormatRules([big, ...ledger.getConditionalFormatRules(), wholeRow, oldPaid]);

    setupLedger();
    const rules = rulesOf('Ledger', on);
    expect(rules.slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'NUMBER_GREATER_THAN', ranges: ['C2:C1000'] }),
      expect.objectContaining({ value: 'paid', ranges: ['A2:J1000'] }),
    ]);
    expect(rules.slice(2).map((rule) => rule.value)).toEqual([...PAYMENT_STATUSES]);
    expect(rules.filter((rule) => rule.background === '#0000ff')).toEqual([]);
  });
});

describe('drop-downs on the exception Status and Resolution', () => {
  function validation(on: GasFakes, column: string, row = 2) {
    return on.spreadsheet
      .getSheetByName('Exceptions')!
      .getRange(row, columnOf('Exceptions', column, on))
      .getDataValidation();
  }

  it('lists exactly open, resolved, dismissed and snoozed on Status, below the header only', () => {
    const on = ledgerWith([]);
    setupLedger();
    expect(validation(on, 'Status', 1)).toBeNull();
    const rule = validation(on, 'Status', 1000)!;
    expect(rule.getCriteriaValues()).toEqual([['open', 'resolved', 'dismissed', 'snoozed'], true]);
    expect(rule.getAllowInvalid()).toBe(false);
  });

  it("lists the add-on's auto and matched on Resolution beside the reviewer's resolutions", () => {
    const on = ledgerWith([]);
    setupLedger();
    const [values] = validation(on, 'Resolution')!.getCriteriaValues() as [string[]];
    expect(values).toEqual(expect.arrayContaining(['auto', 'matched', 'refunded', 'written off']));
  });

  it('refuses a status a person types that is not on the list, and takes one that is', () => {
    harness = createHarness([]);
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_not_ours' }));
    const on = harness.fakes;
    const status = columnOf('Exceptions', 'Status', on);
    expect(on.typeInto('Exceptions', 2, status, [['closed']])).toMatchObject({ ok: false });
    expect(shown('Exceptions', on)[0]!.Status).toBe('open');
    expect(on.typeInto('Exceptions', 2, status, [['dismissed']]).ok).toBe(true);
    expect(shown('Exceptions', on)[0]!.Status).toBe('dismissed');
  });
});

describe('run again', () => {
  it('freezes the header row of every sheet it keeps', () => {
    const on = ledgerWith([]);
    setupLedger();
    for (const name of ['Ledger', 'Stripe Events', 'Exceptions', 'Audit']) {
      expect(on.spreadsheet.getSheetByName(name)!.getFrozenRows(), name).toBe(1);
    }
  });

  it('gives a Ledger trimmed to its header row a row to carry the formats and drop-downs', () => {
    const on = ledgerWith([]);
    on.spreadsheet.getSheetByName('Ledger')!.deleteRows(2, 999);
    setupLedger();
    const ledger = on.spreadsheet.getSheetByName('Ledger')!;
    expect(ledger.getMaxRows()).toBe(2);
    expect(ledger.getRange(2, columnOf('Ledger', 'Paid At', on)).getNumberFormat()).toBe('yyyy-mm-dd hh:mm');
  });

  it('adds nothing the second time: the spreadsheet is the same to the last rule and format', () => {
    const on = ledgerWith([
      ['Zoë', "'in_usd", 1250.5, 'USD'],
      ['山田', "'in_jpy", 60000, 'JPY'],
    ]);
    setupLedger();
    const first = on.snapshot();
    setupLedger();
    expect(on.snapshot()).toEqual(first);
    expect(rulesOf('Ledger', on)).toHaveLength(PAYMENT_STATUSES.length);
  });

  it('costs as many Spreadsheet calls for a 2,000-row ledger as for a 2-row one', () => {
    const calls = (rows: number): number => {
      const on = ledgerWith(
        Array.from({ length: rows }, (_, i) => [`Student ${i}`, `'in_${i}`, 100 + i, i % 2 ? 'USD' : 'JPY']),
      );
      on.counters.reset();
      setupLedger();
      const count = on.counters.spreadsheetCalls;
      on.uninstall();
      return count;
    };
    expect(calls(2_000)).toBe(calls(2));
  });
});
