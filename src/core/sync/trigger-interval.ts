// The intervals Apps Script's time triggers offer.

export type TriggerInterval = { everyMinutes: 1 | 5 | 10 | 15 | 30 } | { everyHours: 1 | 2 | 4 | 6 | 8 | 12 };

const MINUTE_STEPS = [1, 5, 10, 15, 30] as const;
const HOUR_STEPS = [1, 2, 4, 6, 8, 12] as const;

/** Apps Script offers only these intervals: the nearest one not more frequent than asked. */
export function triggerInterval(minutes: number): TriggerInterval {
  const wanted = Number.isFinite(minutes) && minutes > 0 ? minutes : 15;
  if (wanted < 60) {
    const step = [...MINUTE_STEPS].reverse().find((m) => m <= wanted) ?? 1;
    return { everyMinutes: step };
  }
  const hours = wanted / 60;
  const step = [...HOUR_STEPS].reverse().find((h) => h <= hours) ?? 1;
  return { everyHours: step };
}

export function intervalMinutes(interval: TriggerInterval): number {
  return 'everyMinutes' in interval ? interval.everyMinutes : interval.everyHours * 60;
}
