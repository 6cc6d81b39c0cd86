// Where sync resumes: the newest event applied and the ids inside the overlap window, kept in a script property.

/**
 * Stripe's event list is eventually consistent: an event can appear a little after later ones. Each run re-reads
 * this much event time before its cursor; what it re-reads is recognised by id and costs nothing.
 */
export const OVERLAP_SECONDS = 300;
/** Ids remembered in the cursor (a script property holds 9 KB): enough for the overlap window of a busy account. */
export const RECENT_IDS_LIMIT = 150;
/**
 * Pages held in memory while walking back to the oldest unread event. A deeper backlog keeps the oldest pages,
 * applies them, then walks forward with `ending_before` for the rest.
 */
export const MAX_BUFFERED_PAGES = 20;

export interface EventCursor {
  v: 1;
  /** Stripe `created` of the newest event applied, unix seconds. */
  created: number;
  /** Ids applied whose `created` is inside the overlap window, with that time: a re-read of them needs no sheet. */
  recent: [string, number][];
}

export function parseEventCursor(raw: string | null): EventCursor | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<EventCursor>;
    if (value.v !== 1 || typeof value.created !== 'number' || !Array.isArray(value.recent)) return null;
    const recent = value.recent.filter(
      (entry): entry is [string, number] =>
        Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number',
    );
    return { v: 1, created: value.created, recent };
  } catch {
    return null;
  }
}

export function serialiseEventCursor(cursor: EventCursor): string {
  return JSON.stringify(cursor);
}

/** Where the next run starts reading; null reads everything Stripe still holds (its 30 days). */
export function windowStart(cursor: EventCursor | null): number | null {
  return cursor ? cursor.created - OVERLAP_SECONDS : null;
}

export function knownToCursor(cursor: EventCursor | null, eventId: string): boolean {
  return cursor?.recent.some(([id]) => id === eventId) ?? false;
}

export interface ListedEvent {
  id: string;
  created: number;
  /** The event as the API returned it, serialised: the payload the log keeps. */
  payload: string;
}

/** The cursor once these events (oldest first) are durably applied. */
export function advanceCursor(
  cursor: EventCursor | null,
  applied: Pick<ListedEvent, 'id' | 'created'>[],
): EventCursor {
  let created = cursor?.created ?? Number.NEGATIVE_INFINITY;
  for (const event of applied) created = Math.max(created, event.created);
  if (!Number.isFinite(created)) return cursor ?? { v: 1, created: 0, recent: [] };
  const recent = new Map<string, number>(cursor?.recent ?? []);
  for (const event of applied) recent.set(event.id, event.created);
  const kept = [...recent]
    .filter(([, at]) => at >= created - OVERLAP_SECONDS)
    .sort((a, b) => b[1] - a[1])
    .slice(0, RECENT_IDS_LIMIT);
  return { v: 1, created, recent: kept };
}

/** Events of a Stripe list page, newest first as Stripe returns them; a malformed item is skipped. */
export function listedEvents(data: unknown): ListedEvent[] {
  if (!Array.isArray(data)) return [];
  const events: ListedEvent[] = [];
  for (const item of data) {
    if (!item || typeof item !== 'object') continue;
    const { id, created } = item as { id?: unknown; created?: unknown };
    if (typeof id !== 'string' || typeof created !== 'number') continue;
    events.push({ id, created, payload: JSON.stringify(item) });
  }
  return events;
}
