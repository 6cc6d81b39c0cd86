// Settlement timers end to end: an ACH debit posted through doPost while the clock says Monday, then refreshReport()
// and syncStripe()'s check on later days. One SETTLEMENT_OVERDUE for the overdue ACH debit, none for the card, none
// on a second run.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkAfterSync } from '../../src/gas/after-sync';
import { refreshReport } from '../../src/gas/report';
import { paymentIntentProcessingEvent } from '../fixtures/events';
import { createHarness, type Harness } from '../gas/harness';

/** Monday 2 March 2026, 10:00 in New York. */
const MONDAY = new Date('2026-03-02T15:00:00Z');
let harness: Harness;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(MONDAY);
  harness = createHarness(
    [
      { invoiceId: 'in_ach_tuition', expected: 1250.5, currency: 'USD' },
      { invoiceId: 'in_card_tuition', expected: 900, currency: 'USD' },
    ],
    { timeZone: 'America/New_York' },
  );
  const processing = (invoiceId: string, rail: string, paymentIntent: string, amount: number) =>
    harness.post(
      paymentIntentProcessingEvent({
        apiVersion: 'old',
        invoiceId,
        rail,
        paymentIntent,
        amount,
        created: MONDAY.getTime() / 1000,
      }),
    );
  expect(processing('in_ach_tuition', 'us_bank_account', 'pi_ach_tuition', 125_050).result).toBe('processed');
  expect(processing('in_card_tuition', 'card', 'pi_card_tuition', 90_000).result).toBe('processed');
});
afterEach(() => {
  harness.close();
  vi.useRealTimers();
});

const overdue = () => harness.records('Exceptions').filter((row) => row.Reason === 'SETTLEMENT_OVERDUE');
const at = (iso: string) => vi.setSystemTime(new Date(iso));

describe('settlement timers', () => {
  it('leave both rows processing and open nothing within the ACH window', () => {
    expect(harness.ledgerRow('in_ach_tuition')['Payment Status']).toBe('processing');
    expect(harness.ledgerRow('in_card_tuition')['Payment Status']).toBe('processing');
    at('2026-03-07T04:59:00Z'); // Friday 23:59 in New York: the fourth business day is not over
    refreshReport();
    checkAfterSync();
    expect(overdue()).toEqual([]);
  });

  it('open one SETTLEMENT_OVERDUE for the ACH debit, none for the card, none on a second run', () => {
    at('2026-03-07T05:00:00Z'); // Saturday 00:00 in New York
    const first = refreshReport();
    expect(first.settlement).toMatchObject({ processing: 2, busy: false });
    expect(first.settlement?.opened).toHaveLength(1);
    refreshReport();
    checkAfterSync();
    at('2026-03-20T12:00:00Z');
    refreshReport();
    const opened = overdue();
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      'Stripe Invoice ID': 'in_ach_tuition',
      Amount: 1250.5,
      Currency: 'USD',
      Status: 'open',
    });
    expect(String(opened[0]?.Note)).toContain('us_bank_account payment pi_ach_tuition of USD 1,250.50');
    const audit = harness
      .records('Audit')
      .filter((row) => row.Target === `Exceptions:${opened[0]?.['Exception ID']}`);
    expect(audit).toMatchObject([
      { Actor: 'system', Action: 'open_exception', Field: 'Status', After: 'open' },
    ]);
  });

  it('open it from syncStripe()’s check as well, once', () => {
    at('2026-03-09T14:00:00Z');
    checkAfterSync();
    checkAfterSync();
    refreshReport();
    expect(overdue()).toHaveLength(1);
  });

  it('are not opened again after a reviewer dismissed the exception for the same debit', () => {
    at('2026-03-09T14:00:00Z');
    refreshReport();
    const sheet = harness.fakes.spreadsheet.getSheetByName('Exceptions')!;
    const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0]!;
    sheet.getRange(2, header.indexOf('Status') + 1).setValue('dismissed');
    at('2026-03-10T14:00:00Z');
    refreshReport();
    expect(overdue().map((row) => row.Status)).toEqual(['dismissed']);
  });

  it('show in the report how many payments wait and how many were opened', () => {
    at('2026-03-07T05:00:00Z');
    refreshReport();
    const rows = harness.fakes.spreadsheet.sheetValues('Reconciliation Report');
    const value = (label: string) => rows.find((row) => row[0] === label)?.[1];
    expect(value('Payments waiting to settle (processing)')).toBe(2);
    expect(value('SETTLEMENT_OVERDUE opened')).toBe(1);
    expect(value('Open exceptions')).toBe(1);
  });
});
