// What sync reads from Stripe's event list: the event types the ledger uses, the page size, the query.

/**
 * The event types sync reads, so `types[]` keeps every other event off the wire. Stripe accepts at most 20 values in
 * `types[]` (`/v1/events`), and one list request a page is the budget, so these are the 20 that say everything:
 * `invoice.payment_succeeded` is left out (every paid invoice also sends `invoice.paid`, which carries the same
 * invoice) and so is `payment_intent.succeeded` (every succeeded payment intent's charge sends `charge.succeeded`,
 * which names the payment intent). A webhook endpoint may send those too: they are applied like the others.
 */
export const USED_EVENT_TYPES = [
  'invoice.created',
  'invoice.updated',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'invoice_payment.paid',
  'charge.succeeded',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'payment_intent.processing',
  'checkout.session.completed',
  'payout.created',
  'payout.updated',
  'payout.paid',
  'payout.failed',
  'payout.canceled',
  'payout.reconciliation_completed',
] as const;

/** Stripe's limit on `types[]` values in one list request. */
export const MAX_TYPES_PER_REQUEST = 20;

/** Stripe's largest page. */
export const PAGE_SIZE = 100;
/** Query parameters in order; repeated keys (`types[]`) are repeated pairs. */
export type Query = [string, string][];

/** Stripe's form encoding: brackets percent-encoded so UrlFetchApp accepts the URL. */
export function encodeQuery(query: Query): string {
  return query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

export type EventsPageRequest =
  | { direction: 'back'; since: number | null; startingAfter: string | null }
  | { direction: 'forward'; endingBefore: string };

export function eventsQuery(request: EventsPageRequest): Query {
  const query: Query = [['limit', String(PAGE_SIZE)]];
  if (request.direction === 'back') {
    if (request.since !== null) query.push(['created[gte]', String(request.since)]);
    if (request.startingAfter) query.push(['starting_after', request.startingAfter]);
  } else {
    query.push(['ending_before', request.endingBefore]);
  }
  for (const type of USED_EVENT_TYPES) query.push(['types[]', type]);
  return query;
}
