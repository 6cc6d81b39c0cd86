// What sync reads from Stripe's event list: the event types the ledger uses, the page size, the query.

/**
 * The event types the pipeline turns into facts (see normalise.ts), so `types[]` keeps every other event off the
 * wire. Stripe accepts at most 20 values in `types[]`.
 */
export const USED_EVENT_TYPES = [
  'invoice.created',
  'invoice.updated',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'invoice_payment.paid',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'payment_intent.processing',
] as const;

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
