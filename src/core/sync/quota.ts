// The day's use of the quotas the owner pays for in failures when exceeded: URL fetches and trigger run time.

/** Consumer-account quotas (DESIGN.md). */
export const DAILY_URL_FETCHES = 20_000;
export const DAILY_TRIGGER_MS = 90 * 60_000;

export interface QuotaDay {
  /** UTC day, yyyy-mm-dd: Google counts quotas over 24 hours, not by the sheet's calendar. */
  day: string;
  urlFetches: number;
  triggerMs: number;
  runs: number;
}

export function quotaDay(raw: string | null, now: Date): QuotaDay {
  const day = now.toISOString().slice(0, 10);
  try {
    const value = raw ? (JSON.parse(raw) as Partial<QuotaDay>) : null;
    if (value && value.day === day) {
      return {
        day,
        urlFetches: Number(value.urlFetches) || 0,
        triggerMs: Number(value.triggerMs) || 0,
        runs: Number(value.runs) || 0,
      };
    }
  } catch {
    // A damaged counter starts the day again.
  }
  return { day, urlFetches: 0, triggerMs: 0, runs: 0 };
}

export function addUsage(
  quota: QuotaDay,
  usage: { urlFetches?: number; triggerMs?: number; runs?: number },
): QuotaDay {
  return {
    day: quota.day,
    urlFetches: quota.urlFetches + (usage.urlFetches ?? 0),
    triggerMs: quota.triggerMs + (usage.triggerMs ?? 0),
    runs: quota.runs + (usage.runs ?? 0),
  };
}
