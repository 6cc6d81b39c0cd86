// Thin events (Stripe event destinations, `"object": "v2.core.event"`): a signed notice that names a change
// (`type` such as `v1.invoice.paid`, a `related_object`) without the object itself. For API v1 resources the notice
// also names the v1 snapshot event it stands for (`snapshot_event`): that event, fetched with the API key, is what
// the ledger applies, and it is the same event `GET /v1/events` lists to sync. So a thin delivery is known by that
// id from the start: redeliveries, sync and the log all agree on it. Sources: docs.stripe.com/event-destinations,
// changelog 2026-09-30.endive "thin events for API v1 resources", stripe-node's `V2.Core.EventBase.snapshot_event`.

export interface ThinEvent {
  /** The thin event's own id. */
  id: string;
  /** As delivered, e.g. `v1.invoice.paid`. */
  type: string;
  /** The v1 type it stands for (`invoice.paid`), or null for a v2 resource's event. */
  v1Type: string | null;
  /** `created` (an ISO time in thin events) as unix seconds. */
  created: number;
  /** The v1 snapshot event's id, when the notice names one. */
  snapshotEvent: string | null;
  relatedObject: { id: string; type: string; url: string } | null;
}

/** The thin event a body is, or null when it is not one (a snapshot event, or anything else). */
export function readThinEvent(body: unknown): ThinEvent | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const event = body as Record<string, unknown>;
  if (event.object !== 'v2.core.event') return null;
  const { id, type } = event;
  if (typeof id !== 'string' || !id.startsWith('evt_') || typeof type !== 'string' || type === '')
    return null;
  const created = typeof event.created === 'string' ? Date.parse(event.created) : Number.NaN;
  const related = event.related_object;
  const relatedObject =
    typeof related === 'object' &&
    related !== null &&
    typeof (related as { id?: unknown }).id === 'string' &&
    typeof (related as { url?: unknown }).url === 'string'
      ? {
          id: (related as { id: string }).id,
          type: String((related as { type?: unknown }).type ?? ''),
          url: (related as { url: string }).url,
        }
      : null;
  const snapshot = event.snapshot_event;
  return {
    id,
    type,
    v1Type: type.startsWith('v1.') ? type.slice(3) : null,
    created: Number.isFinite(created) ? Math.floor(created / 1000) : 0,
    snapshotEvent: typeof snapshot === 'string' && snapshot.startsWith('evt_') ? snapshot : null,
    relatedObject,
  };
}

/** The id the ledger knows a thin delivery by: the snapshot event it stands for, else its own. */
export function appliedEventId(thin: ThinEvent): string {
  return thin.snapshotEvent ?? thin.id;
}

/**
 * A notice that names no snapshot event: its object's current state, as Stripe's docs allow ("fetch the resource's
 * current state"), wrapped as the v1 event of that type, under the thin event's own id and time.
 */
export function eventFromObject(thin: ThinEvent, object: Record<string, unknown>): Record<string, unknown> {
  return {
    id: thin.id,
    object: 'event',
    api_version: null,
    created: thin.created,
    data: { object },
    livemode: object.livemode === true,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type: thin.v1Type,
  };
}
