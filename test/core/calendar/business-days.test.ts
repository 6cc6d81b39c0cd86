// Business days in the spreadsheet's time zone: weekends, US federal holidays on their observed days, daylight-saving
// changes, month and year ends. Every instant is written out, so the clock is the test's, never the machine's.

import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay } from '../../../src/core/calendar/business-days';
import { calendarDayOf, dayKey, startOfDay } from '../../../src/core/calendar/calendar-day';
import { isUsFederalHoliday, usFederalHolidays } from '../../../src/core/calendar/us-federal-holidays';
import { settlementDeadline } from '../../../src/core/settlement/overdue-settlements';

const day = (key: string) => {
  const [year, month, date] = key.split('-').map(Number);
  return { year: year!, month: month!, day: date! };
};
const at = (iso: string) => new Date(iso);

describe('US federal holidays', () => {
  it('lists the eleven holidays of 2026 on the days banks close', () => {
    expect(usFederalHolidays(2026).map((h) => dayKey(h.observed))).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03', // Independence Day falls on a Saturday: observed Friday
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('observes a Sunday holiday on the Monday after', () => {
    expect(isUsFederalHoliday(day('2027-07-05'))).toBe(true); // 4 July 2027 is a Sunday
    expect(isUsFederalHoliday(day('2023-01-02'))).toBe(true); // New Year's Day 2023 is a Sunday
  });

  it("observes a Saturday New Year's Day on 31 December of the year before", () => {
    expect(isUsFederalHoliday(day('2027-12-31'))).toBe(true);
    expect(isUsFederalHoliday(day('2021-12-31'))).toBe(true);
    expect(isUsFederalHoliday(day('2028-01-01'))).toBe(false); // the Saturday itself is a weekend day anyway
  });

  it('has no Juneteenth before it became a federal holiday in 2021', () => {
    expect(isUsFederalHoliday(day('2020-06-19'))).toBe(false);
    expect(isUsFederalHoliday(day('2027-06-18'))).toBe(true); // 19 June 2027 is a Saturday
  });
});

describe('business days', () => {
  it('skips weekends and holidays', () => {
    expect(isBusinessDay(day('2026-03-06'))).toBe(true); // Friday
    expect(isBusinessDay(day('2026-03-07'))).toBe(false); // Saturday
    expect(isBusinessDay(day('2026-11-26'))).toBe(false); // Thanksgiving
    expect(dayKey(addBusinessDays(day('2026-11-25'), 1))).toBe('2026-11-27');
  });

  it('counts from the day after the start, whatever day the start is', () => {
    expect(dayKey(addBusinessDays(day('2026-03-02'), 4))).toBe('2026-03-06'); // Monday → Friday
    expect(dayKey(addBusinessDays(day('2026-03-07'), 1))).toBe('2026-03-09'); // Saturday → Monday
    expect(dayKey(addBusinessDays(day('2026-03-06'), 0))).toBe('2026-03-06');
  });

  it('crosses a month end and a year end with its holidays', () => {
    expect(dayKey(addBusinessDays(day('2026-01-30'), 4))).toBe('2026-02-05');
    // 31 Dec 2027 is the observed New Year's Day of 2028
    expect(dayKey(addBusinessDays(day('2027-12-29'), 4))).toBe('2028-01-05');
    expect(dayKey(addBusinessDays(day('2026-12-23'), 4))).toBe('2026-12-30'); // Christmas on Friday
  });
});

describe('the start of a day in a time zone', () => {
  it('is local midnight on either side of a daylight-saving change', () => {
    expect(startOfDay(day('2026-03-07'), 'America/New_York').toISOString()).toBe('2026-03-07T05:00:00.000Z');
    expect(startOfDay(day('2026-03-09'), 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfDay(day('2026-11-02'), 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(startOfDay(day('2026-03-30'), 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfDay(day('2026-04-06'), 'Australia/Sydney').toISOString()).toBe('2026-04-05T14:00:00.000Z');
  });

  it('is the first instant the day has where the zone springs forward at midnight', () => {
    // Santiago goes from 23:59:59 on 5 Sep 2026 straight to 01:00 on 6 Sep
    expect(startOfDay(day('2026-09-06'), 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('reads the calendar day of an instant in the zone, not in UTC', () => {
    expect(dayKey(calendarDayOf(at('2026-03-06T03:00:00Z'), 'America/New_York'))).toBe('2026-03-05');
    expect(dayKey(calendarDayOf(at('2026-03-06T03:00:00Z'), 'Asia/Tokyo'))).toBe('2026-03-06');
  });
});

describe('the settlement deadline of an ACH debit (4 business days)', () => {
  const deadline = (startIso: string, timeZone: string, days = 4) =>
    settlementDeadline(at(startIso), days, timeZone).toISOString();

  it('started on a Monday is overdue from Saturday 00:00 local time', () => {
    expect(deadline('2026-03-02T15:00:00Z', 'America/New_York')).toBe('2026-03-07T05:00:00.000Z');
  });

  it('keeps local midnight when the window crosses the spring-forward weekend', () => {
    // Thursday 5 March → Fri 6, Mon 9, Tue 10, Wed 11; overdue from Thursday 12 March 00:00 EDT (UTC-4)
    expect(deadline('2026-03-05T15:00:00Z', 'America/New_York')).toBe('2026-03-12T04:00:00.000Z');
  });

  it('keeps local midnight when the window crosses the fall-back weekend', () => {
    // Thursday 29 October → Fri 30, Mon 2, Tue 3, Wed 4; overdue from Thursday 5 November 00:00 EST (UTC-5)
    expect(deadline('2026-10-29T15:00:00Z', 'America/New_York')).toBe('2026-11-05T05:00:00.000Z');
  });

  it('skips an observed Friday holiday and the year end', () => {
    // Wednesday 29 Dec 2027 → Thu 30, (Fri 31 observed New Year), Mon 3, Tue 4, Wed 5; overdue Thu 6 Jan 2028
    expect(deadline('2027-12-29T15:00:00Z', 'America/New_York')).toBe('2028-01-06T05:00:00.000Z');
  });

  it('skips an observed Monday holiday', () => {
    // Thursday 1 July 2027 → Fri 2, (Mon 5 observed Independence Day), Tue 6, Wed 7, Thu 8; overdue Fri 9 July
    expect(deadline('2027-07-01T15:00:00Z', 'America/Los_Angeles')).toBe('2027-07-09T07:00:00.000Z');
  });

  it('depends on the day the debit started in the spreadsheet, so two zones can differ by a day', () => {
    // 03:00 UTC on Friday 6 March 2026 is still Thursday evening in New York, already Friday in Berlin
    expect(deadline('2026-03-06T03:00:00Z', 'America/New_York')).toBe('2026-03-12T04:00:00.000Z');
    // Berlin: Friday → Mon 9, Tue 10, Wed 11, Thu 12; overdue Friday 13 March 00:00 CET (UTC+1)
    expect(deadline('2026-03-06T03:00:00Z', 'Europe/Berlin')).toBe('2026-03-12T23:00:00.000Z');
  });

  it('in Berlin, crosses the European change to summer time', () => {
    // Thursday 26 March → Fri 27, Mon 30, Tue 31, Wed 1 April; overdue Thursday 2 April 00:00 CEST (UTC+2)
    expect(deadline('2026-03-26T09:00:00Z', 'Europe/Berlin')).toBe('2026-04-01T22:00:00.000Z');
  });
});
