// Every figure of the Reconciliation Report on a seeded month of books (test/report/seeded-books.ts), against values
// worked out by hand below. The report reads the bodies of the last 30 days' deliveries only, so the February
// delivery's body is left out here as refreshReport() leaves it out.

import { describe, expect, it } from 'vitest';
import { type ReportSheets, reportFigures } from '../../../src/core/report/reconciliation-report';
import { NO_DATA, REPORT_LABEL, reportLayout } from '../../../src/core/report/report-layout';
import {
  AUDIT_HEADER,
  AUDIT_ROWS,
  EVENT_ROWS,
  EVENTS_HEADER,
  EXCEPTION_ROWS,
  EXCEPTIONS_HEADER,
  LEDGER_HEADER,
  LEDGER_ROWS,
  ROWS_OUTSIDE_BODY_WINDOW,
  SEEDED_NOW,
  SEEDED_TIME_ZONE,
} from '../../report/seeded-books';

const payloadColumn = EVENTS_HEADER.indexOf('Payload');
const sheets: ReportSheets = {
  ledger: { header: LEDGER_HEADER, rows: LEDGER_ROWS },
  exceptions: { header: EXCEPTIONS_HEADER, rows: EXCEPTION_ROWS },
  audit: { header: AUDIT_HEADER, rows: AUDIT_ROWS },
  events: {
    header: EVENTS_HEADER,
    rows: EVENT_ROWS.map((row, i) =>
      i < ROWS_OUTSIDE_BODY_WINDOW ? row.map((cell, c) => (c === payloadColumn ? '' : cell)) : row,
    ),
  },
};
const figures = reportFigures(sheets, SEEDED_NOW, SEEDED_TIME_ZONE);

/** A row of the collections table of a ledger without fee columns. */
function month(month: string, currency: string, collected: number, refunded: number, outstanding: number) {
  return { month, currency, collected, refunded, outstanding, fees: null, net: null };
}

describe('the seeded books', () => {
  it('have a straight-through rate of 3 payments in 7', () => {
    // Paid rows: A, B, C, D, E, I (6). Payment exceptions on C (OVERPAID), D (UNKNOWN_INVOICE, matched later),
    // E (UNDERPAID); B's REFUNDED and A's DISPUTED came after the money landed. Straight: A, B, I = 3.
    // Money with no row: EX-7 (UNKNOWN_INVOICE whose evidence evt_ZZ_paid is invoice.paid) = 1; EX-8's evidence
    // is invoice.created, no money. 3 ÷ (6 + 1).
    expect(figures.straightThrough).toEqual({ rate: 3 / 7, straight: 3, payments: 7 });
  });

  it('have five open exceptions and one snoozed', () => {
    expect(figures.exceptions.open).toBe(5); // EX-1, EX-4, EX-7, EX-8, EX-9
    expect(figures.exceptions.snoozed).toBe(1); // EX-10
  });

  it('list open exceptions by reason, most frequent first', () => {
    expect(figures.exceptions.byReason).toEqual([
      { reason: 'UNKNOWN_INVOICE', count: 2 },
      { reason: 'DISPUTED', count: 1 },
      { reason: 'REFUNDED', count: 1 },
      { reason: 'UNDERPAID', count: 1 },
    ]);
  });

  it('bucket open exceptions by age on 10 March 16:00 UTC', () => {
    // EX-7 0.5 d; EX-8 2 d; EX-9 4 d; EX-1 13.25 d and EX-4 37.5 d
    expect(figures.exceptions.byAge).toEqual([
      { label: '0–1 days', count: 1 },
      { label: '1–3 days', count: 1 },
      { label: '3–7 days', count: 1 },
      { label: '> 7 days', count: 2 },
    ]);
  });

  it('took a median of 7.5 hours, a mean of 16 and a 90th percentile of 48 to resolve', () => {
    // Closed: EX-6 1 h (dismissed), EX-5 6 h, EX-3 9 h, EX-2 48 h. Median (6 + 9) / 2; mean 64 / 4; p90 is the
    // ⌈0.9 × 4⌉ = 4th value.
    expect(figures.timeToResolve).toEqual({ closed: 4, medianHours: 7.5, meanHours: 16, p90Hours: 48 });
  });

  it('suppressed two duplicate deliveries and refused two for their signature', () => {
    expect(figures.events.duplicatesSuppressed).toBe(2);
    expect(figures.events.signatureFailures).toBe(2); // one invalid, one stale
  });

  it('reconciled 3 of 5 timed payments within 24 hours', () => {
    // A and B landed within seconds; D landed 9 h after payment when matched; C's OVERPAID closed after 48 h;
    // E's UNDERPAID is open. I has no Audit row for its payment and cannot be timed.
    expect(figures.reconciledWithinADay).toEqual({ share: 0.6, within: 3, timed: 5 });
  });

  it('count events by the path that brought them first', () => {
    // processed or ignored: webhook E, C, D, A-dispute, YY, X (ignored) = 6; sync D-finalized, ZZ = 2
    expect(figures.events.bySource).toEqual([
      { source: 'webhook', count: 6 },
      { source: 'sync', count: 2 },
    ]);
  });

  it('measure the event-to-ledger delay at p50 4 s and p95 1800 s', () => {
    // Processed with a body read: C 4 s, D 2 s, D-finalized 900 s, A-dispute 10 s, YY 1 s, ZZ 1800 s.
    // Sorted 1, 2, 4, 10, 900, 1800: p50 is the ⌈3⌉rd = 4, p95 the ⌈5.7⌉ = 6th = 1800.
    expect(figures.events.delay).toEqual({ events: 6, p50Seconds: 4, p95Seconds: 1800 });
  });

  it('show collected, refunded and outstanding by month in New York time and by currency exponent', () => {
    expect(figures.collections).toEqual([
      // E paid at 04:30 UTC on 1 Feb = 23:30 on 31 Jan in New York; 300 expected − 100 paid outstanding
      month('2026-01', 'USD', 100, 0, 200),
      // G: Stripe's amount due 12345 cents, finalised in February
      month('2026-02', 'EUR', 0, 0, 123.45),
      // A 1250.5 + B 800; B refunded 200
      month('2026-02', 'USD', 2050.5, 200, 0),
      // D paid at 01:00 UTC on 5 March = 4 March in New York; ¥5000 has no minor unit
      month('2026-03', 'JPY', 5000, 0, 0),
      // C 100.1 + I 200.2 = 300.3 exactly (as floats they add to 300.29999999999995); F owes 400, finalised 1 March
      month('2026-03', 'USD', 300.3, 0, 400),
      // J: 60 expected, nothing from Stripe yet; H is void and owes nothing
      month('no date', 'USD', 0, 0, 60),
    ]);
  });

  it('add Stripe fees and net amounts per month once the ledger has those columns', () => {
    // Stripe's fee and the net of fees and refunds, as the money work fills them: A 36.56 / 1213.94, B 23.5 / 576.5
    const header = [...LEDGER_HEADER, 'Stripe Fee', 'Net Amount'];
    const rows = LEDGER_ROWS.map((row) =>
      row[1] === 'in_A'
        ? [...row, 36.56, 1213.94]
        : row[1] === 'in_B'
          ? [...row, 23.5, 576.5]
          : [...row, '', ''],
    );
    const withFees = reportFigures({ ...sheets, ledger: { header, rows } }, SEEDED_NOW, SEEDED_TIME_ZONE);
    expect(withFees.collections.find((m) => m.month === '2026-02' && m.currency === 'USD')).toEqual({
      ...month('2026-02', 'USD', 2050.5, 200, 0),
      fees: 60.06,
      net: 1790.44,
    });
    expect(withFees.collections.find((m) => m.month === '2026-03' && m.currency === 'USD')).toMatchObject({
      fees: 0,
      net: 0,
    });
    const collections = reportLayout(withFees).cells.find(
      (row) => row[0]?.value === 'Month' && row[4]?.value,
    );
    expect(collections?.map((cell) => cell.value).slice(0, 7)).toEqual([
      'Month',
      'Currency',
      'Collected',
      'Refunded',
      'Outstanding',
      'Stripe fees',
      'Net',
    ]);
  });

  it('caught two billing errors before the invoices went out, whatever their status now', () => {
    expect(figures.billingErrors).toEqual({
      count: 2,
      amounts: [
        { currency: 'EUR', amount: 123.45 },
        { currency: 'USD', amount: 450 },
      ],
    });
  });
});

describe('the report layout', () => {
  const layout = reportLayout(figures);
  const value = (label: string) => layout.cells.find((row) => row[0]?.value === label)?.[1];

  it("opens with the contract's four figures as values, the rate a fraction formatted as a percentage", () => {
    expect(layout.cells.slice(1, 5).map((row) => row[0]?.value)).toEqual([
      'Straight-through rate',
      'Open exceptions',
      'Median hours to resolve',
      'Duplicate deliveries suppressed',
    ]);
    expect(value(REPORT_LABEL.straightThrough)).toEqual({ value: 3 / 7, format: '0.0%' });
    expect(value(REPORT_LABEL.openExceptions)).toEqual({ value: 5, format: '0' });
    expect(value(REPORT_LABEL.medianHours)).toEqual({ value: 7.5, format: '0.0' });
    expect(value(REPORT_LABEL.duplicates)).toEqual({ value: 2, format: '0' });
  });

  it('formats amounts by currency exponent', () => {
    expect(value('Billing errors amount (EUR)')).toEqual({ value: 123.45, format: '#,##0.00' });
    const yen = layout.cells.find((row) => row[1]?.value === 'JPY');
    expect(yen?.[2]).toEqual({ value: 5000, format: '#,##0' });
  });

  it('says "no data" rather than 0 % when nothing has been paid yet', () => {
    const empty = reportFigures(
      { ledger: sheets.ledger, exceptions: sheets.exceptions, audit: sheets.audit, events: sheets.events },
      SEEDED_NOW,
      SEEDED_TIME_ZONE,
    );
    empty.straightThrough = { rate: null, straight: 0, payments: 0 };
    const cells = reportLayout(empty).cells;
    expect(cells.find((row) => row[0]?.value === REPORT_LABEL.straightThrough)?.[1]).toEqual({
      value: NO_DATA,
    });
  });

  it('places two charts over their tables: collections by month and open exceptions by age', () => {
    expect(layout.charts.map((chart) => chart.title)).toEqual([
      'Collected by month',
      'Open exceptions by age',
    ]);
    for (const chart of layout.charts) {
      const header = layout.cells[chart.data.row - 1];
      expect(layout.cells[chart.data.row - 2]?.[0]?.value).toBe(chart.title);
      expect(header?.[0]?.value).toBe(chart.title === 'Collected by month' ? 'Month' : 'Age');
    }
    const collected = layout.charts[0]!.data;
    expect(layout.cells[collected.row - 1]?.slice(0, collected.numColumns).map((c) => c.value)).toEqual([
      'Month',
      'JPY',
      'USD',
    ]);
    expect(collected.numRows).toBe(4); // header + January, February, March
  });

  it('is rectangular and holds no formula', () => {
    const width = layout.cells[0]?.length;
    for (const row of layout.cells) {
      expect(row).toHaveLength(width!);
      for (const cell of row)
        if (typeof cell.value === 'string') expect(cell.value.startsWith('=')).toBe(false);
    }
  });
});
