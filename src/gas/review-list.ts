// reviewQueue: the list of exceptions for the sidebar, from one read of `Exceptions`.

import { type ExceptionResolution, RESOLUTION_MEANING } from '../core/resolutions';
import { byImpact, passes, queueEntry, reasonTotals, selectionVersion } from '../core/review/review-queue';
import { checkQueueRequest, REVIEWER_RESOLUTIONS } from '../core/review/review-requests';
import type { QueueFilter, QueueItem, QueueView, ReplyOf } from '../shared/review-api';
import { type LedgerContext, ledgerContext } from './context';
import { identifyReviewer } from './reviewer';

export function reviewQueue(raw: unknown): ReplyOf<'reviewQueue'> {
  const request = checkQueueRequest(raw);
  if (!request.ok) return { ok: false, refusal: 'invalid', message: request.message };
  const context = ledgerContext();
  const you = identifyReviewer(context);
  const { filter, page, pageSize } = request.value;
  const queue = readQueue(context, filter);
  const pages = Math.max(1, Math.ceil(queue.matching.length / pageSize));
  const shown = Math.min(page, pages);
  const view: QueueView = {
    you,
    items: queue.matching.slice((shown - 1) * pageSize, shown * pageSize),
    total: queue.matching.length,
    page: shown,
    pageSize,
    byReason: reasonTotals(queue.all.filter((item) => passes(item, filter, { reason: false }))),
    choices: {
      reasons: distinct(queue.all.map((item) => item.reason)),
      owners: distinct([
        ...queue.all.map((item) => item.owner.toLowerCase()),
        ...context.settings.reviewers,
        you.email,
      ]),
      currencies: distinct(queue.all.map((item) => item.currency)),
      resolutions: REVIEWER_RESOLUTIONS.map((value) => ({
        value,
        label: `${value}: ${RESOLUTION_MEANING[value as ExceptionResolution]}`,
      })),
    },
    selection: { count: queue.matching.length, version: selectionVersion(queue.matching) },
  };
  return { ok: true, ...view };
}

/** Every exception, and those the filter leaves in the list's order. */
export function readQueue(
  context: LedgerContext,
  filter: QueueFilter,
): { all: QueueItem[]; matching: QueueItem[] } {
  const now = context.clock.now();
  const entries = context.exceptions.readAll().map((record) => queueEntry(record, now));
  const matching = entries.filter((entry) => passes(entry.item, filter)).sort(byImpact);
  return { all: entries.map((entry) => entry.item), matching: matching.map((entry) => entry.item) };
}

function distinct(values: string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))].sort();
}
