// The list a reviewer works through: the exceptions a filter leaves, biggest first (then oldest), a page at a time,
// with a count and total per reason. Computed from one read of `Exceptions`, so a thousand open exceptions cost one
// sheet call. Snoozed exceptions whose date has come count as open again.

import type { QueueFilter, QueueItem, ReasonTotal } from '../../shared/review-api';
import type { ExceptionRecord } from '../apply/ports';
import { exceptionVersion } from '../apply/reviews';
import { normaliseCurrency } from '../money';
import { isDateValue, numberOfCell } from '../sheet-rows';

/** Reasons whose money reached no ledger row: a reviewer can match them to one. */
export const MATCHABLE = new Set(['UNKNOWN_INVOICE', 'UNMATCHED_PAYMENT']);
const DAY_MS = 86_400_000;

export interface QueueEntry {
  item: QueueItem;
  openedAt: Date | null;
}

export function queueEntry(record: ExceptionRecord, now: Date): QueueEntry {
  const cells = record.cells;
  const openedAt = dateOf(cells['Opened At']);
  const snoozedUntil = dateOf(cells['Snoozed Until']);
  const reason = String(cells.Reason ?? '').trim();
  const amount = numberOfCell(cells.Amount);
  return {
    openedAt,
    item: {
      exceptionId: record.exceptionId,
      reason,
      invoiceKey:
        String(cells['Stripe Invoice ID'] ?? '').trim() || record.openKey.split(':').slice(1).join(':'),
      amount,
      currency: normaliseCurrency(String(cells.Currency ?? '')) ?? '',
      status: record.status,
      snoozeEnded:
        record.status === 'snoozed' && snoozedUntil !== null && snoozedUntil.getTime() <= now.getTime(),
      snoozedUntil: snoozedUntil ? snoozedUntil.toISOString() : null,
      openedAt: openedAt ? openedAt.toISOString() : null,
      ageDays: openedAt ? Math.max(0, Math.floor((now.getTime() - openedAt.getTime()) / DAY_MS)) : null,
      owner: String(cells.Owner ?? '').trim(),
      resolution: String(cells.Resolution ?? '').trim(),
      note: String(cells.Note ?? ''),
      version: exceptionVersion(record),
      events: record.eventIds.length,
      matchable: MATCHABLE.has(reason),
    },
  };
}

/** Whether an exception passes the filter; `reason: false` leaves the reason filter out (the totals per reason). */
export function passes(item: QueueItem, filter: QueueFilter, options: { reason?: boolean } = {}): boolean {
  const waiting = item.status === 'open' || item.snoozeEnded;
  const status =
    filter.status === 'all' ||
    (filter.status === 'open' && waiting) ||
    (filter.status === 'snoozed' && item.status === 'snoozed' && !item.snoozeEnded) ||
    ((filter.status === 'resolved' || filter.status === 'dismissed') && filter.status === item.status);
  if (!status) return false;
  if (options.reason !== false && filter.reason !== null && item.reason !== filter.reason) return false;
  if (filter.owner !== null && item.owner.toLowerCase() !== filter.owner.toLowerCase()) return false;
  if (filter.currency !== null && item.currency !== filter.currency) return false;
  return true;
}

/**
 * Biggest amount first, then oldest, then by id so that paging is stable. Amounts in different currencies are
 * compared as numbers (the add-on knows no exchange rates); a currency filter gives the exact order.
 */
export function byImpact(a: QueueEntry, b: QueueEntry): number {
  const amount = (b.item.amount ?? -1) - (a.item.amount ?? -1);
  if (amount !== 0) return amount;
  const age = (a.openedAt?.getTime() ?? Infinity) - (b.openedAt?.getTime() ?? Infinity);
  if (age !== 0 && !Number.isNaN(age)) return age;
  return a.item.exceptionId < b.item.exceptionId ? -1 : a.item.exceptionId > b.item.exceptionId ? 1 : 0;
}

export function reasonTotals(items: readonly QueueItem[]): ReasonTotal[] {
  const byReason = new Map<string, { count: number; totals: Map<string, number> }>();
  for (const item of items) {
    const entry = byReason.get(item.reason) ?? { count: 0, totals: new Map() };
    entry.count += 1;
    if (item.amount !== null && item.currency) {
      entry.totals.set(item.currency, (entry.totals.get(item.currency) ?? 0) + item.amount);
    }
    byReason.set(item.reason, entry);
  }
  return [...byReason]
    .map(([reason, { count, totals }]) => ({
      reason,
      count,
      totals: [...totals]
        .map(([currency, amount]) => ({ currency, amount: Math.round(amount * 1000) / 1000 }))
        .sort((a, b) => (a.currency < b.currency ? -1 : 1)),
    }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

/** One string for the whole filtered set: a bulk action is refused when it changed since the reviewer looked. */
export function selectionVersion(items: readonly QueueItem[]): string {
  const text = items
    .map((item) => `${item.exceptionId}:${item.version}`)
    .sort()
    .join(',');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${items.length}-${hash.toString(36)}`;
}

function dateOf(value: unknown): Date | null {
  if (isDateValue(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}
