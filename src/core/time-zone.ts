// Dates as a person in the spreadsheet's time zone reads them. Apps Script's V8 runtime has the full Intl API, so
// zone arithmetic (daylight saving included) is Intl's, not ours.

/** `2026-03-01` in the zone; UTC when the zone is unknown or blank. */
export function dayInZone(date: Date, timeZone: string | undefined): string {
  const parts = zoneParts(date, timeZone);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `2026-03-01 14:05 America/New_York`: unambiguous for any reader, in the sheet's own zone. */
export function dateTimeInZone(date: Date, timeZone: string | undefined): string {
  const parts = zoneParts(date, timeZone);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.zone}`;
}

interface ZoneParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  zone: string;
}

// Building a formatter costs tens of microseconds, more than deciding an event: one per zone, kept.
const formatters = new Map<string, { zone: string; format: Intl.DateTimeFormat }>();

function formatterFor(timeZone: string | undefined): { zone: string; format: Intl.DateTimeFormat } {
  const key = timeZone ?? '';
  let found = formatters.get(key);
  if (!found) {
    const zone = timeZone && isKnownZone(timeZone) ? timeZone : 'UTC';
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    found = { zone, format };
    formatters.set(key, found);
  }
  return found;
}

function zoneParts(date: Date, timeZone: string | undefined): ZoneParts {
  const { zone, format } = formatterFor(timeZone);
  const parts = format.formatToParts(date);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    zone,
  };
}

function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
