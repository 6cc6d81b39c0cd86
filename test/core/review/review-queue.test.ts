// The list: biggest first then oldest, snoozes that ended count as open, totals per reason per currency.

import { describe, expect, it } from 'vitest';
import type { ExceptionRecord } from '../../../src/core/apply/ports';
import {
  byImpact,
  passes,
  queueEntry,
  reasonTotals,
  selectionVersion,
} from '../../../src/core/review/review-queue';

const NOW = new Date('2026-01-20T12:00:00Z');

function record(id: string, cells: Record<string, string | number | Date>): ExceptionRecord {
  const status = String(cells.Status ?? 'open');
  return {
    exceptionId: id,
    openKey: `${cells.Reason ?? 'UNKNOWN_INVOICE'}:in_${id}`,
    cause: '',
    status,
    eventIds: ['evt_1'],
    amount: cells.Amount ?? '',
    currency: String(cells.Currency ?? ''),
    cells: { 'Exception ID': id, Reason: 'UNKNOWN_INVOICE', Status: status, ...cells },
    handle: null,
  };
}

describe('the review queue', () => {
  const entries = [
    record('A', { Amount: 150, Currency: 'USD', 'Opened At': new Date('2026-01-10T00:00:00Z') }),
    record('B', { Amount: 900, Currency: 'USD', 'Opened At': new Date('2026-01-15T00:00:00Z') }),
    record('C', { Amount: 150, Currency: 'USD', 'Opened At': new Date('2026-01-01T00:00:00Z') }),
    record('D', {
      Amount: 480,
      Currency: 'EUR',
      Reason: 'UNDERPAID',
      Status: 'snoozed',
      'Snoozed Until': new Date('2026-01-19T00:00:00Z'),
    }),
    record('E', {
      Amount: 60,
      Currency: 'EUR',
      Status: 'snoozed',
      'Snoozed Until': new Date('2026-02-01T00:00:00Z'),
    }),
    record('F', { Amount: 10, Currency: 'USD', Status: 'resolved' }),
  ].map((r) => queueEntry(r, NOW));
  const open = { reason: null, status: 'open' as const, owner: null, currency: null };

  it('orders by amount, then age, and counts a snooze whose day has come as open', () => {
    const shown = entries.filter((e) => passes(e.item, open)).sort(byImpact);
    expect(shown.map((e) => e.item.exceptionId)).toEqual(['B', 'D', 'C', 'A']);
    expect(shown.find((e) => e.item.exceptionId === 'D')?.item.snoozeEnded).toBe(true);
    expect(
      entries.filter((e) => passes(e.item, { ...open, status: 'snoozed' })).map((e) => e.item.exceptionId),
    ).toEqual(['E']);
    expect(entries.find((e) => e.item.exceptionId === 'C')?.item.ageDays).toBe(19);
  });

  it('totals each reason per currency, never adding currencies together', () => {
    const shown = entries.filter((e) => passes(e.item, open)).map((e) => e.item);
    expect(reasonTotals(shown)).toEqual([
      { reason: 'UNKNOWN_INVOICE', count: 3, totals: [{ currency: 'USD', amount: 1200 }] },
      { reason: 'UNDERPAID', count: 1, totals: [{ currency: 'EUR', amount: 480 }] },
    ]);
  });

  it('gives the filtered set a version that changes when any exception in it changes', () => {
    const items = entries.map((e) => e.item);
    const changed = items.map((item, i) => (i === 2 ? { ...item, version: 'other' } : item));
    expect(selectionVersion(items)).toBe(selectionVersion([...items].reverse()));
    expect(selectionVersion(changed)).not.toBe(selectionVersion(items));
  });
});
