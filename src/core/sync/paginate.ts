// Stripe's list endpoints page with `starting_after` the last id of the previous page: one paginator for all of them.

export interface ListPage<T> {
  data: T[];
  hasMore: boolean;
}

/**
 * Reads pages from `startingAfter` on, handing each to `visit`, until the list ends or `visit` answers false.
 * Returns where to continue (the last id visited) or null when the list is done, so a run can resume it.
 */
export function paginate<T extends { id?: unknown }>(
  fetch: (startingAfter: string | null) => ListPage<T>,
  visit: (page: ListPage<T>) => boolean,
  startingAfter: string | null = null,
): string | null {
  let after = startingAfter;
  for (;;) {
    const page = fetch(after);
    const last = page.data[page.data.length - 1];
    const goOn = visit(page);
    if (!page.hasMore || !last) return null;
    after = String(last.id);
    if (!goOn) return after;
  }
}

/** A list page from Stripe's JSON: objects only, `has_more` strictly true. */
export function listPageOf(body: Record<string, unknown>): ListPage<Record<string, unknown>> {
  const data = Array.isArray(body.data)
    ? (body.data.filter((item) => item && typeof item === 'object') as Record<string, unknown>[])
    : [];
  return { data, hasMore: body.has_more === true };
}
