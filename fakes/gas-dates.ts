// Time-zone arithmetic for the fakes: Java SimpleDateFormat patterns (Utilities.formatDate), Sheets date/number
// formats (getDisplayValues) and wall-clock text typed into a cell (Sheets reads "2024-01-05" as a date in the
// spreadsheet's time zone).

export interface ZonedParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 0 = Sunday
  offsetMinutes: number; // local - UTC
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

export function zonedParts(date: Date, timeZone: string): ZonedParts {
  const ms = date.getTime();
  const fields: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 1970;
  const month = fields.month ?? 1;
  const day = fields.day ?? 1;
  const hour = fields.hour ?? 0;
  const minute = fields.minute ?? 0;
  const second = fields.second ?? 0;
  const millis = ((ms % 1000) + 1000) % 1000;
  const localAsUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    ms: millis,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    offsetMinutes: Math.round((localAsUtc - ms) / 60000),
  };
}

/** The instant at which the wall clock in `timeZone` reads the given local time. */
export function instantOfWallTime(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const offset = zonedParts(new Date(guess), timeZone).offsetMinutes;
    const next = asUtc - offset * 60000;
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  return String(Math.abs(n)).padStart(width, '0');
}

function offsetText(minutes: number, style: 'Z' | 'X' | 'XX' | 'XXX'): string {
  if (minutes === 0 && style !== 'Z') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const h = pad(Math.floor(Math.abs(minutes) / 60), 2);
  const m = pad(Math.abs(minutes) % 60, 2);
  if (style === 'X') return `${sign}${h}`;
  if (style === 'XXX') return `${sign}${h}:${m}`;
  return `${sign}${h}${m}`;
}

function shortZoneName(date: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** Java SimpleDateFormat, as Utilities.formatDate uses it. Letters outside the supported set throw, as Java does for
 * unknown pattern letters. */
export function formatJavaDate(date: Date, timeZone: string, pattern: string): string {
  const p = zonedParts(date, timeZone);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern.charAt(i);
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      let literal = '';
      while (j < pattern.length) {
        if (pattern.charAt(j) === "'") {
          if (pattern.charAt(j + 1) === "'") {
            literal += "'";
            j += 2;
            continue;
          }
          break;
        }
        literal += pattern.charAt(j);
        j += 1;
      }
      if (j >= pattern.length) throw new Error(`Unterminated quote in date pattern: ${pattern}`);
      out += literal;
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      i += 1;
      continue;
    }
    let n = 1;
    while (pattern.charAt(i + n) === ch) n += 1;
    i += n;
    switch (ch) {
      case 'y':
        out += n === 2 ? pad(p.year % 100, 2) : pad(p.year, n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[p.month - 1] : n === 3 ? MONTHS[p.month - 1]?.slice(0, 3) : pad(p.month, n);
        break;
      case 'd':
        out += pad(p.day, n);
        break;
      case 'E':
        out += n >= 4 ? DAYS[p.weekday] : DAYS[p.weekday]?.slice(0, 3);
        break;
      case 'u':
        out += pad(p.weekday === 0 ? 7 : p.weekday, n);
        break;
      case 'H':
        out += pad(p.hour, n);
        break;
      case 'k':
        out += pad(p.hour === 0 ? 24 : p.hour, n);
        break;
      case 'K':
        out += pad(p.hour % 12, n);
        break;
      case 'h':
        out += pad(p.hour % 12 === 0 ? 12 : p.hour % 12, n);
        break;
      case 'm':
        out += pad(p.minute, n);
        break;
      case 's':
        out += pad(p.second, n);
        break;
      case 'S':
        out += pad(p.ms, Math.max(n, 3)).slice(0, n);
        break;
      case 'a':
        out += p.hour < 12 ? 'AM' : 'PM';
        break;
      case 'Z':
        out += offsetText(p.offsetMinutes, 'Z');
        break;
      case 'X':
        out += offsetText(p.offsetMinutes, n === 1 ? 'X' : n === 2 ? 'XX' : 'XXX');
        break;
      case 'z':
        out += n >= 4 ? timeZone : shortZoneName(date, timeZone);
        break;
      default:
        throw new Error(`Illegal pattern character '${ch}'`);
    }
  }
  return out;
}

/** Sheets' default display of a date-time value (en_US locale). */
export const SHEETS_DATE_TIME_FORMAT = 'M/d/yyyy H:mm:ss';

/** Renders a Sheets number format (the `setNumberFormat` language) for display. Covers the common date, percent,
 * fixed-decimal and grouped patterns; anything else falls back to the plain number. */
export function formatSheetsValue(value: unknown, format: string | undefined, timeZone: string): string {
  if (value === '' || value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number' && (format === undefined || format === '@')) return plainNumber(value);
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    return formatSheetsDate(
      value as Date,
      format && isDateFormat(format) ? format : SHEETS_DATE_TIME_FORMAT,
      timeZone,
    );
  }
  if (typeof value !== 'number') return String(value);
  if (!format || format === '@' || format === 'General' || format.startsWith('0.###'))
    return plainNumber(value);
  if (isDateFormat(format)) return formatSheetsDate(serialToDate(value, timeZone), format, timeZone);
  return formatSheetsNumber(value, format);
}

function plainNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

function isDateFormat(format: string): boolean {
  const unquoted = format.replace(/"[^"]*"/g, '');
  return /[yd]/i.test(unquoted) || /h/i.test(unquoted) || /(^|[^0#])s/i.test(unquoted);
}

/** Sheets date serials count days from 1899-12-30 in the spreadsheet's time zone. */
function serialToDate(serial: number, timeZone: string): Date {
  const wall = new Date(Date.UTC(1899, 11, 30) + Math.round(serial * 86400000));
  return instantOfWallTime(
    timeZone,
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  );
}

function formatSheetsDate(date: Date, format: string, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  const tokens = format.match(/"[^"]*"|\\.|am\/pm|a\/p|y+|m+|d+|h+|s+|[^ymdhs"\\]+/gi) ?? [];
  const hasAmPm = tokens.some((t) => /^(am\/pm|a\/p)$/i.test(t));
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const lower = t.toLowerCase();
    if (t.startsWith('"')) out += t.slice(1, -1);
    else if (t.startsWith('\\')) out += t.slice(1);
    else if (lower === 'am/pm') out += p.hour < 12 ? 'AM' : 'PM';
    else if (lower === 'a/p') out += p.hour < 12 ? 'A' : 'P';
    else if (lower.startsWith('y')) out += lower.length <= 2 ? pad(p.year % 100, 2) : String(p.year);
    else if (lower.startsWith('d')) {
      out +=
        lower.length >= 4
          ? (DAYS[p.weekday] ?? '')
          : lower.length === 3
            ? (DAYS[p.weekday] ?? '').slice(0, 3)
            : pad(p.day, lower.length);
    } else if (lower.startsWith('h')) {
      const h = hasAmPm ? (p.hour % 12 === 0 ? 12 : p.hour % 12) : p.hour;
      out += pad(h, lower.length);
    } else if (lower.startsWith('s')) out += pad(p.second, lower.length);
    else if (lower.startsWith('m')) {
      // Sheets reads m as minutes right after an hour or right before a second, else as a month.
      const prev = tokens
        .slice(0, i)
        .reverse()
        .find((x) => /^[ymdhs]/i.test(x));
      const next = tokens.slice(i + 1).find((x) => /^[ymdhs]/i.test(x));
      const minutes = lower.length <= 2 && (/^h/i.test(prev ?? '') || /^s/i.test(next ?? ''));
      if (minutes) out += pad(p.minute, lower.length);
      else if (lower.length >= 4) out += MONTHS[p.month - 1] ?? '';
      else if (lower.length === 3) out += (MONTHS[p.month - 1] ?? '').slice(0, 3);
      else out += pad(p.month, lower.length);
    } else out += t;
  }
  return out;
}

function formatSheetsNumber(value: number, format: string): string {
  const section = format.split(';')[value < 0 && format.includes(';') ? 1 : 0] ?? format;
  const literalPrefix = (section.match(/^([^0#.,%]*)/)?.[1] ?? '')
    .replace(/"/g, '')
    .replace(/\[[^\]]*\]/g, '');
  const literalSuffix = (section.match(/[0#.,%]([^0#.,%]*)$/)?.[1] ?? '').replace(/"/g, '');
  const body = section.slice(section.search(/[0#]/));
  const percent = section.includes('%');
  const decimals = (body.split('.')[1] ?? '').replace(/[^0#]/g, '').length;
  const grouped = body.includes(',');
  let n = percent ? value * 100 : value;
  if (value < 0 && format.includes(';')) n = Math.abs(n);
  let text = Math.abs(n).toFixed(decimals);
  if (grouped) {
    const [int = '', frac] = text.split('.');
    text = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
  }
  const sign = n < 0 ? '-' : '';
  return `${sign}${literalPrefix}${text}${percent && !literalSuffix.includes('%') ? '%' : ''}${literalSuffix}`;
}
