// Which of the ledger's own columns say who a row is: names, e-mail addresses and a due date. The school named them
// (`Student`, `Parent e-mail`, `Fällig am`…), so a column counts when its header says so or when its cells look the
// part: mostly e-mail addresses, mostly names of a few words with no digits and many different values, mostly dates.
// The add-on's own columns never count.

import {
  LEDGER_CUSTOMER_COLUMN,
  LEDGER_KEY,
  LEDGER_MAINTAINED,
  LEDGER_STATE_COLUMN,
  LEDGER_USER_COLUMNS,
} from '../contract';
import { isDateValue, type SheetTable } from '../sheet-rows';

export interface PeopleColumns {
  /** 0-based columns, most telling first (a student's name before a payer's). */
  names: number[];
  emails: number[];
  /** The due date (or the closest thing the ledger has), first best. */
  dates: number[];
}

const OWN = new Set(
  [LEDGER_KEY, ...LEDGER_USER_COLUMNS, ...LEDGER_MAINTAINED, LEDGER_STATE_COLUMN, LEDGER_CUSTOMER_COLUMN].map(
    (name) => name.toLowerCase(),
  ),
);

const EMAIL_HEADER = /e-?mail|courriel|correo/i;
/** Header words for a person; the first ones are who the row is for, the later ones who pays. */
const NAME_HEADERS = [
  /student|pupil|child|learner|attendee|participant|trainee|kid/i,
  /^(full )?name$|first name|last name|surname|family name|nom|nombre/i,
  /parent|guardian|payer|customer|client|family|contact|bill(ed)? to|account holder|name/i,
];
/** Headers that hold words but not people. */
const NOT_NAMES =
  /plan|course|class|term|programme|program|note|comment|description|status|memo|item|product|subject/i;
const DATE_HEADERS = [/due/i, /invoice date|billed|issued|date/i];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Letters (any script), spaces, hyphens, apostrophes, dots: a name, not a code or an amount. */
const NAME_TEXT = /^[\p{L}\p{M}][\p{L}\p{M}\s.'’-]*$/u;
const SAMPLE = 300;

export function findPeopleColumns(table: SheetTable): PeopleColumns {
  const scored: { names: [number, number][]; emails: [number, number][]; dates: [number, number][] } = {
    names: [],
    emails: [],
    dates: [],
  };
  table.header.forEach((raw, column) => {
    const header = String(raw ?? '').trim();
    if (OWN.has(header.toLowerCase())) return;
    const values = sample(table, column);
    if (values.length === 0 && header === '') return;
    const share = (test: (value: unknown) => boolean) =>
      values.length === 0 ? 0 : values.filter(test).length / values.length;

    const emails = share((value) => typeof value === 'string' && EMAIL.test(value.trim()));
    if (EMAIL_HEADER.test(header) ? emails >= 0.3 || values.length === 0 : emails >= 0.6) {
      scored.emails.push([column, EMAIL_HEADER.test(header) ? 0 : 1]);
      return;
    }
    const dates = share((value) => isDateValue(value) || isIsoDate(value));
    const dateRank = DATE_HEADERS.findIndex((pattern) => pattern.test(header));
    if (dates >= 0.6 && (dateRank >= 0 || dates >= 0.9)) {
      scored.dates.push([column, dateRank >= 0 ? dateRank : DATE_HEADERS.length]);
      return;
    }
    if (NOT_NAMES.test(header)) return;
    const texts = values.filter((value): value is string => typeof value === 'string');
    const nameLike = share(
      (value) => typeof value === 'string' && NAME_TEXT.test(value.trim()) && words(value) <= 5,
    );
    // Without a telling header: people have first and last names, and many different ones (a plan or a term has
    // few values however long the ledger).
    const twoWords = share((value) => typeof value === 'string' && words(value) >= 2);
    const distinct = new Set(texts.map((text) => text.trim().toLowerCase())).size / Math.max(1, texts.length);
    const rank = NAME_HEADERS.findIndex((pattern) => pattern.test(header));
    if (
      rank >= 0
        ? nameLike >= 0.5 || values.length === 0
        : nameLike >= 0.8 && twoWords >= 0.6 && distinct >= 0.2
    ) {
      scored.names.push([column, rank >= 0 ? rank : NAME_HEADERS.length]);
    }
  });
  const ordered = (list: [number, number][]) =>
    list.sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([column]) => column);
  return { names: ordered(scored.names), emails: ordered(scored.emails), dates: ordered(scored.dates) };
}

function sample(table: SheetTable, column: number): unknown[] {
  const values: unknown[] = [];
  for (const row of table.rows) {
    const value = row[column];
    if (value === '' || value === null || value === undefined) continue;
    values.push(value);
    if (values.length >= SAMPLE) break;
  }
  return values;
}

function words(text: string): number {
  return text.trim().split(/\s+/).length;
}

function isIsoDate(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim());
}
