// US federal holidays (5 U.S.C. 6103) on the days they are observed: a holiday on a Saturday is observed the Friday
// before, one on a Sunday the Monday after (OPM's rule for federal employees). So New Year's Day 2028, a Saturday,
// is observed on Friday 31 December 2027.
//
// Why OPM's rule rather than the Federal Reserve's: FedACH does not close on the Friday before a Saturday holiday, so
// banks may settle a debit that day. Treating that Friday as a holiday makes a settlement window one day longer,
// which errs towards fewer false SETTLEMENT_OVERDUE alarms — the direction the finance user asked for.

import { addDays, type CalendarDay, dayKey, weekdayOf } from './calendar-day';

export interface Holiday {
  name: string;
  /** The day the holiday falls on. */
  actual: CalendarDay;
  /** The day it is observed (banks and federal offices closed). */
  observed: CalendarDay;
}

/** Juneteenth National Independence Day became a federal holiday on 17 June 2021. */
const JUNETEENTH_FIRST_YEAR = 2021;

/** The federal holidays of a year by their actual date (New Year's Day of this year, not the next). */
export function usFederalHolidays(year: number): Holiday[] {
  const fixed = (name: string, month: number, day: number): Holiday => {
    const actual = { year, month, day };
    return { name, actual, observed: observedDay(actual) };
  };
  const nth = (name: string, month: number, weekday: number, n: number): Holiday => {
    const actual = nthWeekday(year, month, weekday, n);
    return { name, actual, observed: actual };
  };
  const holidays = [
    fixed("New Year's Day", 1, 1),
    nth('Birthday of Martin Luther King, Jr.', 1, MONDAY, 3),
    nth("Washington's Birthday", 2, MONDAY, 3),
    lastWeekdayHoliday('Memorial Day', year, 5, MONDAY),
    fixed('Independence Day', 7, 4),
    nth('Labor Day', 9, MONDAY, 1),
    nth('Columbus Day', 10, MONDAY, 2),
    fixed('Veterans Day', 11, 11),
    nth('Thanksgiving Day', 11, THURSDAY, 4),
    fixed('Christmas Day', 12, 25),
  ];
  if (year >= JUNETEENTH_FIRST_YEAR)
    holidays.splice(4, 0, fixed('Juneteenth National Independence Day', 6, 19));
  return holidays;
}

const cache = new Map<number, Set<string>>();

/** Whether banks are closed for a federal holiday on this day (observed days, including 31 December for a Saturday
 * New Year's Day). */
export function isUsFederalHoliday(day: CalendarDay): boolean {
  let observed = cache.get(day.year);
  if (!observed) {
    observed = new Set<string>();
    // A day in year Y can be the observed day of a holiday of Y, or of New Year's Day of Y + 1.
    for (const holiday of [...usFederalHolidays(day.year), ...usFederalHolidays(day.year + 1)]) {
      if (holiday.observed.year === day.year) observed.add(dayKey(holiday.observed));
    }
    cache.set(day.year, observed);
  }
  return observed.has(dayKey(day));
}

const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;

function observedDay(actual: CalendarDay): CalendarDay {
  const weekday = weekdayOf(actual);
  if (weekday === SATURDAY) return addDays(actual, -1);
  if (weekday === SUNDAY) return addDays(actual, 1);
  return actual;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): CalendarDay {
  const first = { year, month, day: 1 };
  const shift = (weekday - weekdayOf(first) + 7) % 7;
  return addDays(first, shift + (n - 1) * 7);
}

function lastWeekdayHoliday(name: string, year: number, month: number, weekday: number): Holiday {
  const lastOfMonth = addDays({ year, month: month + 1, day: 1 }, -1);
  const actual = addDays(lastOfMonth, -((weekdayOf(lastOfMonth) - weekday + 7) % 7));
  return { name, actual, observed: actual };
}
