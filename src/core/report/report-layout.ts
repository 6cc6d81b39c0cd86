// The `Reconciliation Report` sheet as cells: the contract's label/value block first (labels in column A, values in
// B), then one table after another below it, then the charts to their right. Values only, never formulas: the sheet
// is rebuilt whole on every refresh, so nothing in it needs to calculate.

import { currencyExponent } from '../money';
import type { ReportFigures } from './reconciliation-report';

export type ReportValue = string | number | Date;

export interface ReportCell {
  value: ReportValue;
  /** A Sheets number format; absent for text. */
  format?: string;
}

export interface ReportChart {
  title: string;
  /** Rows and columns of the chart's data (1-based, header row included). */
  data: { row: number; column: number; numRows: number; numColumns: number };
  anchor: { row: number; column: number };
  axis: { horizontal: string; vertical: string };
}

export interface ReportLayout {
  /** Rectangular: every row as wide as the widest table. */
  cells: ReportCell[][];
  charts: ReportChart[];
}

/** The contract's labels (CONTRACT.md, `Reconciliation Report`) and the report's own, exactly as shown. */
export const REPORT_LABEL = {
  straightThrough: 'Straight-through rate',
  openExceptions: 'Open exceptions',
  medianHours: 'Median hours to resolve',
  duplicates: 'Duplicate deliveries suppressed',
  reconciledWithinADay: 'Reconciled within 24 h of payment',
  snoozed: 'Snoozed exceptions',
  meanHours: 'Mean hours to resolve',
  p90Hours: '90th percentile hours to resolve',
  closed: 'Exceptions resolved or dismissed',
  payments: 'Payments received',
  straight: 'Payments applied with no exception',
  delayP50: 'Event-to-ledger delay p50 (seconds)',
  delayP95: 'Event-to-ledger delay p95 (seconds)',
  signatureFailures: 'Signature failures (deliveries refused)',
  billingCount: 'Billing errors caught before the invoice went out (BILLING_MISMATCH)',
  billingAmount: 'Billing errors amount',
  refreshedAt: 'Refreshed at',
  timeZone: 'Time zone',
} as const;

export const REPORT_TABLE = {
  byReason: 'Open exceptions by reason',
  byAge: 'Open exceptions by age',
  bySource: 'Events by source',
  collections: 'Collections by month',
  collectedByMonth: 'Collected by month',
  thisRefresh: 'This refresh',
} as const;

export const NO_DATA = 'no data';

const PERCENT = '0.0%';
const COUNT = '0';
const HOURS = '0.0';
const SECONDS = '0';
const WHEN = 'yyyy-mm-dd hh:mm';

/** Charts sit right of the widest table, one under the other. */
const CHART_COLUMN = 8;
const CHART_HEIGHT_ROWS = 20;

export function reportLayout(
  figures: ReportFigures,
  thisRefresh: [string, ReportValue][] = [],
): ReportLayout {
  const grid: ReportCell[][] = [];
  const charts: ReportChart[] = [];
  const push = (...cells: ReportCell[]) => {
    grid.push(cells);
    return grid.length;
  };
  const figure = (label: string, value: number | null | Date | string, format?: string) =>
    push(
      text(label),
      value === null ? text(NO_DATA) : typeof value === 'string' ? text(value) : { value, format },
    );

  push(text('Figure'), text('Value'));
  figure(REPORT_LABEL.straightThrough, figures.straightThrough.rate, PERCENT);
  figure(REPORT_LABEL.openExceptions, figures.exceptions.open, COUNT);
  figure(REPORT_LABEL.medianHours, figures.timeToResolve.medianHours, HOURS);
  figure(REPORT_LABEL.duplicates, figures.events.duplicatesSuppressed, COUNT);
  figure(REPORT_LABEL.reconciledWithinADay, figures.reconciledWithinADay.share, PERCENT);
  figure(REPORT_LABEL.snoozed, figures.exceptions.snoozed, COUNT);
  figure(REPORT_LABEL.meanHours, figures.timeToResolve.meanHours, HOURS);
  figure(REPORT_LABEL.p90Hours, figures.timeToResolve.p90Hours, HOURS);
  figure(REPORT_LABEL.closed, figures.timeToResolve.closed, COUNT);
  figure(REPORT_LABEL.payments, figures.straightThrough.payments, COUNT);
  figure(REPORT_LABEL.straight, figures.straightThrough.straight, COUNT);
  figure(REPORT_LABEL.delayP50, figures.events.delay.p50Seconds, SECONDS);
  figure(REPORT_LABEL.delayP95, figures.events.delay.p95Seconds, SECONDS);
  figure(REPORT_LABEL.signatureFailures, figures.events.signatureFailures, COUNT);
  figure(REPORT_LABEL.billingCount, figures.billingErrors.count, COUNT);
  for (const { currency, amount } of figures.billingErrors.amounts) {
    figure(`${REPORT_LABEL.billingAmount} (${currency})`, amount, moneyFormat(currency));
  }
  figure(REPORT_LABEL.refreshedAt, figures.generatedAt, WHEN);
  figure(REPORT_LABEL.timeZone, figures.timeZone);

  const table = (title: string, header: string[], rows: ReportCell[][]) => {
    push();
    push(text(title));
    const headerRow = push(...header.map(text));
    for (const row of rows) push(...row);
    return { headerRow, numRows: rows.length + 1, numColumns: header.length };
  };

  table(
    REPORT_TABLE.byReason,
    ['Reason', 'Open'],
    figures.exceptions.byReason.map((r) => [text(r.reason), { value: r.count, format: COUNT }]),
  );
  const byAge = table(
    REPORT_TABLE.byAge,
    ['Age', 'Open'],
    figures.exceptions.byAge.map((b) => [text(b.label), { value: b.count, format: COUNT }]),
  );
  table(
    REPORT_TABLE.bySource,
    ['Source', 'Events'],
    figures.events.bySource.map((s) => [text(s.source), { value: s.count, format: COUNT }]),
  );
  const withFees = figures.collections.some((m) => m.fees !== null);
  const withNet = figures.collections.some((m) => m.net !== null);
  table(
    REPORT_TABLE.collections,
    [
      'Month',
      'Currency',
      'Collected',
      'Refunded',
      'Outstanding',
      ...(withFees ? ['Stripe fees'] : []),
      ...(withNet ? ['Net'] : []),
    ],
    figures.collections.map((m) => {
      const format = moneyFormat(m.currency);
      const money = (value: number | null): ReportCell[] => (value === null ? [] : [{ value, format }]);
      return [
        text(m.month),
        text(m.currency),
        { value: m.collected, format },
        { value: m.refunded, format },
        { value: m.outstanding, format },
        ...(withFees ? money(m.fees ?? 0) : []),
        ...(withNet ? money(m.net ?? 0) : []),
      ];
    }),
  );
  const pivot = collectedByMonth(figures);
  const collected = table(REPORT_TABLE.collectedByMonth, pivot.header, pivot.rows);
  if (thisRefresh.length > 0) {
    table(
      REPORT_TABLE.thisRefresh,
      ['Item', 'Value'],
      thisRefresh.map(([label, value]) => [
        text(label),
        typeof value === 'string' ? text(value) : { value, format: value instanceof Date ? WHEN : COUNT },
      ]),
    );
  }

  charts.push({
    title: REPORT_TABLE.collectedByMonth,
    data: {
      row: collected.headerRow,
      column: 1,
      numRows: collected.numRows,
      numColumns: collected.numColumns,
    },
    anchor: { row: 1, column: CHART_COLUMN },
    axis: { horizontal: 'Month', vertical: 'Collected (major units)' },
  });
  charts.push({
    title: REPORT_TABLE.byAge,
    data: { row: byAge.headerRow, column: 1, numRows: byAge.numRows, numColumns: byAge.numColumns },
    anchor: { row: 1 + CHART_HEIGHT_ROWS, column: CHART_COLUMN },
    axis: { horizontal: 'Age', vertical: 'Open exceptions' },
  });

  const width = Math.max(...grid.map((row) => row.length));
  const cells = grid.map((row) => [...row, ...Array.from({ length: width - row.length }, () => text(''))]);
  return { cells, charts };
}

/** Month × currency of the amounts collected: the chart's data, one series per currency. */
function collectedByMonth(figures: ReportFigures): { header: string[]; rows: ReportCell[][] } {
  const collected = figures.collections.filter((m) => m.collected > 0);
  const currencies = [...new Set(collected.map((m) => m.currency))].sort();
  const months = [...new Set(collected.map((m) => m.month))];
  const rows = months.map((month) => [
    text(month),
    ...currencies.map((currency) => ({
      value: figures.collections.find((m) => m.month === month && m.currency === currency)?.collected ?? 0,
      format: moneyFormat(currency),
    })),
  ]);
  return { header: ['Month', ...(currencies.length > 0 ? currencies : ['Collected'])], rows };
}

/** Thousands separators and as many decimals as the currency has: USD 1,250.50, JPY 5,000, KWD 12.345. */
export function moneyFormat(currency: string): string {
  const exponent = currencyExponent(currency);
  return exponent === 0 ? '#,##0' : `#,##0.${'0'.repeat(exponent)}`;
}

function text(value: string): ReportCell {
  return { value };
}
