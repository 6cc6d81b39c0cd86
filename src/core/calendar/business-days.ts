// Business days as US banks count them: Monday to Friday, less the federal holidays on their observed days.

import { addDays, type CalendarDay, weekdayOf } from './calendar-day';
import { isUsFederalHoliday } from './us-federal-holidays';

export function isBusinessDay(day: CalendarDay): boolean {
  const weekday = weekdayOf(day);
  return weekday !== 0 && weekday !== 6 && !isUsFederalHoliday(day);
}

/** The `count`-th business day after `day` (the day itself does not count, whatever it is); `day` for 0. */
export function addBusinessDays(day: CalendarDay, count: number): CalendarDay {
  let current = day;
  let left = Math.max(0, Math.floor(count));
  while (left > 0) {
    current = addDays(current, 1);
    if (isBusinessDay(current)) left -= 1;
  }
  return current;
}
