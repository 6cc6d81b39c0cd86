// A day on the calendar of a time zone, and the instant it starts. Finance works in the spreadsheet's days, not in
// UTC ones: a debit started at 22:00 on a Thursday in New York is 03:00 on Friday in UTC.
//
// Wall-clock readings come from Intl.DateTimeFormat with `timeZone` (ICU's zone data, present in Apps Script V8
// and in Node), never from a fixed offset, so daylight-saving changes fall where the zone says they do.

export interface CalendarDay {
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31. */
  day: number;
}

interface WallClock extends CalendarDay {
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 24 * 60 * 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for a zone ICU does not know: better than silently using UTC.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClockOf(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    // Some ICU versions write midnight as hour 24 even with h23.
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The calendar day an instant falls on in a time zone. */
export function calendarDayOf(instant: Date, timeZone: string): CalendarDay {
  const { year, month, day } = wallClockOf(instant, timeZone);
  return { year, month, day };
}

/** `2026-03-09`: sortable, and what a finance user reads without doubt about day and month order. */
export function dayKey(day: CalendarDay): string {
  return `${day.year}-${pad(day.month)}-${pad(day.day)}`;
}

/** `2026-03`. */
export function monthKey(day: CalendarDay): string {
  return `${day.year}-${pad(day.month)}`;
}

export function addDays(day: CalendarDay, count: number): CalendarDay {
  const moved = new Date(Date.UTC(day.year, day.month - 1, day.day) + count * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday: a calendar fact, the same in every zone. */
export function weekdayOf(day: CalendarDay): number {
  return new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
}

export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * The first instant of a calendar day in a time zone: local midnight, or — where a zone springs forward at midnight
 * (America/Santiago, America/Havana…) and 00:00 never happens — the first instant that day does have.
 */
export function startOfDay(day: CalendarDay, timeZone: string): Date {
  const utcMidnight = Date.UTC(day.year, day.month - 1, day.day);
  // Two rounds of "midnight minus the zone's offset" land on local midnight whenever it exists.
  let guess = utcMidnight - offsetMs(new Date(utcMidnight), timeZone);
  guess = utcMidnight - offsetMs(new Date(guess), timeZone);
  const wall = wallClockOf(new Date(guess), timeZone);
  if (compareDays(wall, day) === 0 && wall.hour === 0 && wall.minute === 0 && wall.second === 0) {
    return new Date(guess);
  }
  return firstInstantOf(day, timeZone, utcMidnight);
}

/** Local wall time minus UTC at an instant, in ms (whole seconds: ICU reports no finer). */
function offsetMs(instant: Date, timeZone: string): number {
  const wall = wallClockOf(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** Binary search for the first instant whose local day is `day`; zone offsets lie within ±14 hours. */
function firstInstantOf(day: CalendarDay, timeZone: string, utcMidnight: number): Date {
  let low = utcMidnight - 15 * 60 * 60_000;
  let high = utcMidnight + 15 * 60 * 60_000;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (compareDays(calendarDayOf(new Date(middle), timeZone), day) < 0) low = middle;
    else high = middle;
  }
  return new Date(high);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
