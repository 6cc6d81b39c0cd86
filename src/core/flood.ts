// The web app URL is public: forged requests must not fill the spreadsheet or crowd out real events.
// Full rows are kept up to a limit per clock hour; beyond it only a count, written as one summary row later.

export interface FloodState {
  /** Start of the hour being counted, epoch ms. */
  hour: number;
  stored: number;
  dropped: number;
}

export const REJECTED_ROWS_PER_HOUR = 100;

export function admitRejected(
  previous: FloodState | null,
  now: Date,
  limitPerHour = REJECTED_ROWS_PER_HOUR,
): { next: FloodState; store: boolean; summary: string | null } {
  const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  let summary: string | null = null;
  let current = previous;
  if (!current || current.hour !== hour) {
    if (current && current.dropped > 0) {
      summary =
        `${current.dropped} further rejected requests in the hour from ${new Date(current.hour).toISOString()} ` +
        `were counted, not stored (limit ${limitPerHour} stored rows an hour).`;
    }
    current = { hour, stored: 0, dropped: 0 };
  }
  const store = current.stored < limitPerHour;
  const next = store
    ? { ...current, stored: current.stored + 1 }
    : { ...current, dropped: current.dropped + 1 };
  return { next, store, summary };
}

export function parseFloodState(raw: string | null): FloodState | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<FloodState>;
    if (
      typeof value.hour === 'number' &&
      typeof value.stored === 'number' &&
      typeof value.dropped === 'number'
    ) {
      return { hour: value.hour, stored: value.stored, dropped: value.dropped };
    }
  } catch {
    // A damaged counter starts over: at worst one more hour of full rows.
  }
  return null;
}
