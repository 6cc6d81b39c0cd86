// refreshReport() on the seeded month: the Reconciliation Report holds the hand-computed figures as values (not
// formulas), its tables and two charts, and costs a bounded number of reads whatever the ledger's size.

import { afterEach, describe, expect, it } from 'vitest';
import type { GasFakes } from '../../fakes/gas';
import type { FakeEmbeddedChart } from '../../fakes/gas-charts';
import { refreshReport } from '../../src/gas/report';
import { closeBooks, seededBooks } from './books';

let fakes: GasFakes;
afterEach(() => closeBooks(fakes));

const REPORT = 'Reconciliation Report';

function reportValue(label: string): unknown {
  return fakes.spreadsheet.sheetValues(REPORT).find((row) => row[0] === label)?.[1];
}

function reportFormat(label: string): string | undefined {
  const values = fakes.spreadsheet.sheetValues(REPORT);
  const row = values.findIndex((line) => line[0] === label);
  return fakes.spreadsheet.numberFormats(REPORT)[row]?.[1];
}

/** The rows under a table's title, down to the next blank row. */
function table(title: string): unknown[][] {
  const values = fakes.spreadsheet.sheetValues(REPORT);
  const start = values.findIndex((row) => row[0] === title);
  const rows: unknown[][] = [];
  for (let r = start + 1; r < values.length && values[r]?.[0] !== ''; r++) {
    const row = values[r] ?? [];
    let end = row.length;
    while (end > 0 && row[end - 1] === '') end -= 1;
    rows.push(row.slice(0, end));
  }
  return rows;
}

function charts(): FakeEmbeddedChart[] {
  const sheet = (
    fakes.spreadsheet as unknown as { _sheetByName(n: string): { getCharts(): FakeEmbeddedChart[] } }
  )._sheetByName(REPORT);
  return sheet.getCharts();
}

describe('refreshReport on the seeded month', () => {
  it('writes the contract’s figures as values, the rate a fraction formatted as a percentage', () => {
    fakes = seededBooks();
    refreshReport();
    expect(reportValue('Straight-through rate')).toBe(3 / 7);
    expect(reportFormat('Straight-through rate')).toBe('0.0%');
    expect(reportValue('Open exceptions')).toBe(5);
    expect(reportValue('Median hours to resolve')).toBe(7.5);
    expect(reportValue('Duplicate deliveries suppressed')).toBe(2);
    expect(fakes.spreadsheet.formulas(REPORT).flat().filter(Boolean)).toEqual([]);
  });

  it('writes every further figure as worked out by hand', () => {
    fakes = seededBooks();
    refreshReport();
    expect(reportValue('Reconciled within 24 h of payment')).toBe(0.6);
    expect(reportValue('Snoozed exceptions')).toBe(1);
    expect(reportValue('Mean hours to resolve')).toBe(16);
    expect(reportValue('90th percentile hours to resolve')).toBe(48);
    expect(reportValue('Exceptions resolved or dismissed')).toBe(4);
    expect(reportValue('Payments received')).toBe(7);
    expect(reportValue('Payments applied with no exception')).toBe(3);
    // The February delivery's body lies outside the 30 days read: the same six delays as the pure figures
    expect(reportValue('Event-to-ledger delay p50 (seconds)')).toBe(4);
    expect(reportValue('Event-to-ledger delay p95 (seconds)')).toBe(1800);
    expect(reportValue('Signature failures (deliveries refused)')).toBe(2);
    expect(reportValue('Billing errors caught before the invoice went out (BILLING_MISMATCH)')).toBe(2);
    expect(reportValue('Billing errors amount (EUR)')).toBe(123.45);
    expect(reportValue('Billing errors amount (USD)')).toBe(450);
    expect(reportValue('Time zone')).toBe('America/New_York');
    expect(reportValue('Refreshed at')).toEqual(new Date('2026-03-10T16:00:00Z'));
  });

  it('writes the tables below the block', () => {
    fakes = seededBooks();
    refreshReport();
    expect(table('Open exceptions by reason')).toEqual([
      ['Reason', 'Open'],
      ['UNKNOWN_INVOICE', 2],
      ['DISPUTED', 1],
      ['REFUNDED', 1],
      ['UNDERPAID', 1],
    ]);
    expect(table('Open exceptions by age')).toEqual([
      ['Age', 'Open'],
      ['0–1 days', 1],
      ['1–3 days', 1],
      ['3–7 days', 1],
      ['> 7 days', 2],
    ]);
    expect(table('Events by source')).toEqual([
      ['Source', 'Events'],
      ['webhook', 6],
      ['sync', 2],
    ]);
    expect(table('Collections by month')).toEqual([
      ['Month', 'Currency', 'Collected', 'Refunded', 'Outstanding'],
      ['2026-01', 'USD', 100, 0, 200],
      ['2026-02', 'EUR', 0, 0, 123.45],
      ['2026-02', 'USD', 2050.5, 200, 0],
      ['2026-03', 'JPY', 5000, 0, 0],
      ['2026-03', 'USD', 300.3, 0, 400],
      ['no date', 'USD', 0, 0, 60],
    ]);
    expect(table('Collected by month')).toEqual([
      ['Month', 'JPY', 'USD'],
      ['2026-01', 0, 100],
      ['2026-02', 0, 2050.5],
      ['2026-03', 5000, 300.3],
    ]);
  });

  it('keeps month labels as text, not dates Sheets would parse', () => {
    fakes = seededBooks();
    refreshReport();
    expect(table('Collections by month')[1]?.[0]).toBe('2026-01');
  });

  it('embeds two column charts, collections by month and open exceptions by age, and replaces them on refresh', () => {
    fakes = seededBooks();
    refreshReport();
    refreshReport();
    const embedded = charts();
    expect(embedded.map((c) => [c.getOptions().get('title'), c._type()])).toEqual([
      ['Collected by month', 'COLUMN'],
      ['Open exceptions by age', 'COLUMN'],
    ]);
    const values = fakes.spreadsheet.sheetValues(REPORT);
    const [collected, byAge] = embedded.map((c) => c.getRanges()[0]!);
    expect(values[collected!.getRow() - 1]?.slice(0, 3)).toEqual(['Month', 'JPY', 'USD']);
    expect(collected!.getNumRows()).toBe(4);
    expect(values[byAge!.getRow() - 1]?.slice(0, 2)).toEqual(['Age', 'Open']);
    expect(byAge!.getNumRows()).toBe(5);
  });

  it('reads each sheet once, the log’s bodies apart: the same reads for 10 rows or 2,000', () => {
    fakes = seededBooks();
    refreshReport();
    const small = { ...fakes.counters.calls };
    closeBooks(fakes);

    fakes = seededBooks();
    const ledger = fakes.spreadsheet.getSheetByName('Ledger')!;
    const extra = Array.from({ length: 2000 }, (_, i) => [
      `Student ${i}`,
      `in_bulk${i}`,
      10,
      'USD',
      'open',
      0,
      0,
      '',
      '',
      '',
      '',
    ]);
    ledger.insertRowsAfter(ledger.getMaxRows(), 2000);
    ledger.getRange(12, 1, extra.length, 11).setValues(extra);
    fakes.counters.reset();
    refreshReport();
    const large = fakes.counters.calls;
    expect(large['Range.getValues']).toBe(small['Range.getValues']);
    // Ledger, Exceptions, Audit (four columns), the log's short columns and one chunk of its bodies
    expect(large['Range.getValues']).toBe(5);
    expect(fakes.counters.spreadsheetCalls).toBeLessThan(80);
  });
});
