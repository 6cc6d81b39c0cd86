// The MailApp and embedded-chart fakes behave like Apps Script where a report and its alerts would be bitten.

import { describe, expect, it } from 'vitest';
import { createGasFakes, type GasFakeOptions } from '../../fakes/gas';

const START = new Date('2026-03-10T15:00:00Z');

function setup(opts: GasFakeOptions = {}) {
  const fakes = createGasFakes({ now: () => START, ...opts });
  return { fakes, g: fakes.globals };
}

describe('MailApp', () => {
  it('sends a message in each of its shapes and keeps it for the test to read', () => {
    const { fakes, g } = setup();
    g.MailApp.sendEmail('bursar@school.example', 'Subject one', 'Body one');
    g.MailApp.sendEmail({
      to: 'a@school.example,b@school.example',
      subject: 'Subject two',
      body: 'Body two',
    });
    expect(fakes.mail.sent.map((m) => [m.to, m.subject, m.body])).toEqual([
      [['bursar@school.example'], 'Subject one', 'Body one'],
      [['a@school.example', 'b@school.example'], 'Subject two', 'Body two'],
    ]);
    expect(fakes.counters.calls['MailApp.sendEmail']).toBe(2);
  });

  it('counts recipients against the daily quota and refuses beyond it with Apps Script’s message', () => {
    const { fakes, g } = setup({ mail: { dailyRecipients: 3 } });
    g.MailApp.sendEmail({ to: 'a@school.example,b@school.example', subject: 's', body: 'b' });
    expect(g.MailApp.getRemainingDailyQuota()).toBe(1);
    expect(() =>
      g.MailApp.sendEmail({ to: 'a@school.example,b@school.example', subject: 's', body: 'b' }),
    ).toThrow('Service invoked too many times for one day: email.');
    expect(fakes.mail.sent).toHaveLength(1);
  });

  it('refuses an address it cannot read, naming it (so callers must not pass that message on)', () => {
    const { g } = setup();
    expect(() => g.MailApp.sendEmail('not-an-address', 's', 'b')).toThrow('Invalid email: not-an-address');
  });

  it('fails a send when told to, as a transient service error would', () => {
    const { fakes, g } = setup({ mail: { fail: () => 'Service unavailable: Mail' } });
    expect(() => g.MailApp.sendEmail('a@school.example', 's', 'b')).toThrow('Service unavailable: Mail');
    expect(fakes.mail.sent).toEqual([]);
  });
});

describe('embedded charts', () => {
  it('are built over ranges, inserted, listed and removed', () => {
    const { g } = setup();
    const sheet = g.SpreadsheetApp.getActiveSpreadsheet().insertSheet('Report');
    sheet.getRange('A1:B3').setValues([
      ['Age', 'Open'],
      ['0–1 days', 2],
      ['> 7 days', 1],
    ]);
    const chart = sheet
      .newChart()
      .asColumnChart()
      .addRange(sheet.getRange('A1:B3'))
      .setOption('title', 'Open exceptions by age')
      .setPosition(1, 4, 0, 0)
      .build();
    expect(chart.getChartId()).toBeNull();
    sheet.insertChart(chart);
    const [inserted] = sheet.getCharts();
    expect(inserted?.getChartId()).toEqual(expect.any(Number));
    expect(inserted?.getOptions().get('title')).toBe('Open exceptions by age');
    expect(inserted?.getRanges()[0]?.getA1Notation()).toBe('A1:B3');
    expect(inserted?.getContainerInfo().getAnchorColumn()).toBe(4);
    sheet.removeChart(inserted!);
    expect(sheet.getCharts()).toEqual([]);
  });

  it('stay over the grid when the sheet is cleared, as in Sheets', () => {
    const { g } = setup();
    const sheet = g.SpreadsheetApp.getActiveSpreadsheet().insertSheet('Report');
    sheet.insertChart(sheet.newChart().asColumnChart().addRange(sheet.getRange('A1:B2')).build());
    sheet.clear();
    expect(sheet.getCharts()).toHaveLength(1);
  });

  it('refuse data from another spreadsheet', () => {
    const { g } = setup();
    const other = createGasFakes({ now: () => START }).globals.SpreadsheetApp.getActiveSpreadsheet();
    const sheet = g.SpreadsheetApp.getActiveSpreadsheet().insertSheet('Report');
    const chart = sheet.newChart().addRange(other.getSheets()[0]!.getRange('A1:B2')).build();
    expect(() => sheet.insertChart(chart)).toThrow(/spreadsheet the chart is in/);
  });
});
