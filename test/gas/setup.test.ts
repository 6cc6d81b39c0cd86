// setupLedger(): creates what is missing, keeps what the user made, protects the log and the audit trail.

import { afterEach, describe, expect, it } from 'vitest';
import { createGasFakes, type GasFakes } from '../../fakes/gas';
import {
  AUDIT_COLUMNS,
  EVENTS_COLUMNS,
  EXCEPTIONS_COLUMNS,
  LEDGER_CUSTOMER_COLUMN,
  LEDGER_MAINTAINED,
  LEDGER_STATE_COLUMN,
  PAYOUTS_MAINTAINED,
} from '../../src/core/contract';
import { onOpen } from '../../src/gas/menu';
import { setupLedger } from '../../src/gas/setup';

let fakes: GasFakes;
afterEach(() => fakes?.uninstall());

function header(name: string): unknown[] {
  return fakes.spreadsheet.sheetValues(name)[0] ?? [];
}

describe('setupLedger', () => {
  it('creates the five sheets with the contract columns on an empty spreadsheet', () => {
    fakes = createGasFakes();
    fakes.install();
    const report = setupLedger();
    expect(report.createdSheets).toEqual(['Ledger', 'Stripe Events', 'Exceptions', 'Audit', 'Payouts']);
    expect(header('Ledger')).toEqual([
      'Stripe Invoice ID',
      'Expected Amount',
      'Currency',
      ...LEDGER_MAINTAINED,
      LEDGER_STATE_COLUMN,
      LEDGER_CUSTOMER_COLUMN,
    ]);
    expect(header('Stripe Events')).toEqual([...EVENTS_COLUMNS]);
    expect(header('Exceptions')).toEqual([...EXCEPTIONS_COLUMNS]);
    expect(header('Audit')).toEqual([...AUDIT_COLUMNS]);
    expect(header('Payouts')).toEqual(['Payout ID', ...PAYOUTS_MAINTAINED, LEDGER_STATE_COLUMN]);
    expect(PAYOUTS_MAINTAINED).toEqual([
      'Arrival Date',
      'Amount',
      'Currency',
      'Status',
      'Payments',
      'Gross',
      'Fees',
      'Refunds',
      'Net',
    ]);
  });

  it('adds Stripe Fee, Net Amount and Payout ID to a ledger set up before they existed, and the Payouts sheet', () => {
    fakes = createGasFakes();
    fakes.install();
    const ledger = fakes.spreadsheet.insertSheet('Ledger');
    const before = ['Stripe Invoice ID', 'Expected Amount', 'Currency', ...LEDGER_MAINTAINED.slice(0, 6)];
    ledger.getRange(1, 1, 1, before.length).setValues([before]);
    const report = setupLedger();
    expect(report.addedColumns).toEqual(
      expect.arrayContaining(['Ledger: Stripe Fee', 'Ledger: Net Amount', 'Ledger: Payout ID']),
    );
    expect(report.createdSheets).toContain('Payouts');
    expect(
      fakes.spreadsheet.getSheetByName('Payouts')!.getProtections(SpreadsheetApp.ProtectionType.SHEET),
    ).toHaveLength(1);
  });

  it("adds missing columns at the right and never moves or deletes the user's own", () => {
    fakes = createGasFakes();
    fakes.install();
    const ledger = fakes.spreadsheet.insertSheet('Ledger');
    ledger.getRange(1, 1, 2, 4).setValues([
      ['Currency', 'Student', 'stripe invoice id', 'Notes'],
      ['EUR', 'Zoë', "'in_1", 'paid by cheque?'],
    ]);
    const report = setupLedger();
    expect(header('Ledger').slice(0, 4)).toEqual(['Currency', 'Student', 'stripe invoice id', 'Notes']);
    expect(header('Ledger').slice(4)).toEqual([
      'Expected Amount',
      ...LEDGER_MAINTAINED,
      LEDGER_STATE_COLUMN,
      LEDGER_CUSTOMER_COLUMN,
    ]);
    expect(fakes.spreadsheet.sheetValues('Ledger')[1]!.slice(0, 4)).toEqual([
      'EUR',
      'Zoë',
      'in_1',
      'paid by cheque?',
    ]);
    expect(report.addedColumns).toContain('Ledger: Payment Status');
  });

  it('is idempotent: a second run creates and adds nothing', () => {
    fakes = createGasFakes();
    fakes.install();
    setupLedger();
    const before = fakes.spreadsheet.sheetNames().map((name) => [name, header(name)]);
    const report = setupLedger();
    expect(report).toMatchObject({ createdSheets: [], addedColumns: [] });
    expect(fakes.spreadsheet.sheetNames().map((name) => [name, header(name)])).toEqual(before);
    const events = fakes.spreadsheet.getSheetByName('Stripe Events')!;
    expect(events.getProtections(SpreadsheetApp.ProtectionType.SHEET)).toHaveLength(1);
  });

  it('protects Stripe Events and Audit so that only the owner edits them', () => {
    fakes = createGasFakes({ ownerEmail: 'bursar@school.example' });
    fakes.install();
    setupLedger();
    for (const name of ['Stripe Events', 'Audit']) {
      const [protection] = fakes.spreadsheet
        .getSheetByName(name)!
        .getProtections(SpreadsheetApp.ProtectionType.SHEET);
      expect(protection, name).toBeDefined();
      expect(protection!.canDomainEdit()).toBe(false);
      expect(protection!.getEditors().map((user) => user.getEmail())).toEqual(['bursar@school.example']);
    }
    expect(
      fakes.spreadsheet.getSheetByName('Ledger')!.getProtections(SpreadsheetApp.ProtectionType.SHEET),
    ).toEqual([]);
  });

  it('lets the reviewers in REVIEWERS write the log and the audit trail, since the sidebar acts as them; nobody else', () => {
    fakes = createGasFakes({
      ownerEmail: 'head@school.example',
      editors: ['bursar@school.example', 'teacher@school.example'],
    });
    fakes.install();
    fakes.properties.script.set('REVIEWERS', 'bursar@school.example, governor@elsewhere.example');
    const report = setupLedger();
    expect(report.reviewers).toEqual(['bursar@school.example']);
    expect(report.reviewersNotEditors).toEqual(['governor@elsewhere.example']);
    for (const name of ['Stripe Events', 'Audit']) {
      const [protection] = fakes.spreadsheet
        .getSheetByName(name)!
        .getProtections(SpreadsheetApp.ProtectionType.SHEET);
      expect(protection!.getEditors().map((user) => user.getEmail())).toEqual([
        'head@school.example',
        'bursar@school.example',
      ]);
    }
    const audit = fakes.spreadsheet.getSheetByName('Audit')!;
    fakes.runAs('teacher@school.example');
    expect(() => audit.getRange('A5').setValue('by hand')).toThrow(/protected cell/);
    fakes.runAs('bursar@school.example');
    audit.getRange('A5').setValue('by the sidebar');
    expect(audit.getRange('A5').getValue()).toBe('by the sidebar');
  });

  it('protects the Exceptions header row, so the columns the add-on keeps cannot move under it', () => {
    fakes = createGasFakes({ ownerEmail: 'bursar@school.example' });
    fakes.install();
    setupLedger();
    setupLedger();
    const sheet = fakes.spreadsheet.getSheetByName('Exceptions')!;
    const ranges = sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.getRange().getA1Notation()).toBe('1:1');
    expect(ranges[0]!.getEditors().map((user) => user.getEmail())).toEqual(['bursar@school.example']);
    expect(sheet.getProtections(SpreadsheetApp.ProtectionType.SHEET)).toEqual([]);
  });

  it('keeps the layouts of its own sheets, so a webhook reads no header but the Ledger one', () => {
    fakes = createGasFakes();
    fakes.install();
    setupLedger();
    expect(JSON.parse(fakes.properties.script.get('LAYOUT Stripe Events') ?? '[]')).toEqual([
      ...EVENTS_COLUMNS,
    ]);
    expect(JSON.parse(fakes.properties.script.get('LAYOUT Audit') ?? '[]')).toEqual([...AUDIT_COLUMNS]);
    expect(JSON.parse(fakes.properties.script.get('LAYOUT Exceptions') ?? '[]')).toEqual([
      ...EXCEPTIONS_COLUMNS,
    ]);
  });

  it('hides the bookkeeping columns Stripe State, Stripe Customer, Open Key and Not Matched', () => {
    fakes = createGasFakes();
    fakes.install();
    setupLedger();
    const ledger = fakes.spreadsheet.getSheetByName('Ledger')!;
    for (const name of [LEDGER_STATE_COLUMN, LEDGER_CUSTOMER_COLUMN])
      expect(ledger.isColumnHiddenByUser(header('Ledger').indexOf(name) + 1), name).toBe(true);
    const exceptions = fakes.spreadsheet.getSheetByName('Exceptions')!;
    for (const name of ['Open Key', 'Not Matched'])
      expect(exceptions.isColumnHiddenByUser(header('Exceptions').indexOf(name) + 1), name).toBe(true);
  });

  it('remembers the spreadsheet so the web app and triggers can open it', () => {
    fakes = createGasFakes({ spreadsheetId: 'sheet-123' });
    fakes.install();
    setupLedger();
    expect(fakes.properties.script.get('LEDGER_SPREADSHEET_ID')).toBe('sheet-123');
  });
});

describe('onOpen', () => {
  it('adds the Stripe Ledger menu', () => {
    fakes = createGasFakes();
    fakes.install();
    onOpen();
    const menu = fakes.ui.menus.find((m) => m.name === 'Stripe Ledger');
    expect(menu?.items.map((item) => ('caption' in item ? item.caption : null))).toContain('Set up ledger');
  });
});
