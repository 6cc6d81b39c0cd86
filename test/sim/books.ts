// The books as a finance user reads them — the ledger's maintained cells, the exceptions, the audit trail, the
// event log — read straight from the fake spreadsheet (uncounted), and compared with a reference run's books.
// Values that differ between runs by nature (times of writing, exception ids made from them) are normalised away.

import type { GasFakes } from '../../fakes/gas';
import { LEDGER_KEY, LEDGER_MAINTAINED, SHEET } from '../../src/core/contract';

export interface ExceptionRow {
  key: string;
  reason: string;
  invoice: string;
  status: string;
  resolution: string;
}

export interface LogRow {
  eventId: string;
  result: string;
  verification: string;
  source: string;
  /** The `id` of the event the payload carries (also for rows that name no event, e.g. rejected ones). */
  payloadEventId: string | null;
}

export interface Books {
  /** Invoice id → maintained column → shown value. */
  ledger: Map<string, Record<string, string>>;
  exceptions: ExceptionRow[];
  /** One string per Audit row: actor, action, target, field, before, after, evidence (exception ids normalised). */
  audit: string[];
  log: LogRow[];
}

export function readBooks(fakes: GasFakes): Books {
  const ss = fakes.spreadsheet;
  const names = new Set(ss.sheetNames());
  const table = (name: string) =>
    names.has(name) ? asTable(ss.sheetValues(name)) : { header: [], rows: [] };

  const ledgerTable = table(SHEET.ledger);
  const ledger = new Map<string, Record<string, string>>();
  for (const row of ledgerTable.rows) {
    const invoice = text(row[ledgerTable.header.indexOf(LEDGER_KEY)]);
    if (!invoice) continue;
    const cells: Record<string, string> = {};
    for (const field of LEDGER_MAINTAINED) cells[field] = text(row[ledgerTable.header.indexOf(field)]);
    ledger.set(invoice, cells);
  }

  const ex = table(SHEET.exceptions);
  const col = (header: string[], name: string) => header.indexOf(name);
  const opened = ex.rows
    .map((row, index) => ({
      id: text(row[col(ex.header, 'Exception ID')]),
      reason: text(row[col(ex.header, 'Reason')]),
      invoice: text(row[col(ex.header, 'Stripe Invoice ID')]),
      status: text(row[col(ex.header, 'Status')]),
      resolution: text(row[col(ex.header, 'Resolution')]),
      openedAt: text(row[col(ex.header, 'Opened At')]),
      index,
    }))
    .filter((row) => row.id !== '');
  // An exception id is made from the time it was opened: name each by its reason, invoice and rank instead.
  const rank = new Map<string, number>();
  const keyOf = new Map<string, string>();
  for (const row of [...opened].sort((x, y) => x.openedAt.localeCompare(y.openedAt) || x.index - y.index)) {
    const base = `${row.reason}|${row.invoice}`;
    const n = (rank.get(base) ?? 0) + 1;
    rank.set(base, n);
    keyOf.set(row.id, `${base}#${n}`);
  }
  const exceptions = opened.map((row) => ({
    key: keyOf.get(row.id) ?? row.id,
    reason: row.reason,
    invoice: row.invoice,
    status: row.status,
    resolution: row.resolution,
  }));

  const au = table(SHEET.audit);
  const named = (value: string) =>
    value.replace(/EX-[0-9]{8}-[0-9A-Z]{6,7}/g, (id) => (keyOf.has(id) ? `EX[${keyOf.get(id)}]` : id));
  const audit = au.rows.map((row) =>
    ['Actor', 'Action', 'Target', 'Field', 'Before', 'After', 'Evidence']
      .map((name) => named(text(row[col(au.header, name)])))
      .join(' ¦ '),
  );

  const lg = table(SHEET.events);
  const log = lg.rows.map((row) => ({
    eventId: text(row[col(lg.header, 'Event ID')]),
    result: text(row[col(lg.header, 'Result')]),
    verification: text(row[col(lg.header, 'Verification')]),
    source: text(row[col(lg.header, 'Source')]),
    payloadEventId: payloadId(row, lg.header),
  }));

  return { ledger, exceptions, audit, log };
}

export interface BooksComparison {
  ledgerDifferences: string[];
  /** Open (reason, invoice) pairs here and not in the reference, and the other way round. */
  openOnlyHere: string[];
  openOnlyInReference: string[];
  /** Exceptions by reason, invoice, status and resolution, as multisets. */
  exceptionsOnlyHere: string[];
  exceptionsOnlyInReference: string[];
  /** Exceptions the reference opened and later resolved `auto`, never opened here because the cure came first. */
  curedBeforeRaised: string[];
  auditOnlyHere: string[];
  auditOnlyInReference: string[];
  /** The same change recorded more than once (an event applied twice). */
  auditRepeated: string[];
  /** A change without its Audit row, or an exception not opened exactly once in Audit (auditBreaks). */
  auditBreaks: string[];
}

export function compareBooks(here: Books, reference: Books): BooksComparison {
  const ledgerDifferences: string[] = [];
  for (const [invoice, cells] of reference.ledger) {
    const mine = here.ledger.get(invoice);
    for (const field of LEDGER_MAINTAINED) {
      if (mine?.[field] !== cells[field]) {
        ledgerDifferences.push(`${invoice} ${field}: ${mine?.[field] ?? '(no row)'} ≠ ${cells[field]}`);
      }
    }
  }
  const openPairs = (books: Books) =>
    books.exceptions.filter((e) => e.status === 'open').map((e) => `${e.reason}|${e.invoice}`);
  const exceptionLines = (books: Books) =>
    books.exceptions.map((e) => `${e.reason}|${e.invoice}|${e.status}|${e.resolution}`);
  const [openOnlyHere, openOnlyInReference] = multisetDifference(
    [...new Set(openPairs(here))],
    [...new Set(openPairs(reference))],
  );
  const [exceptionsOnlyHere, allOnlyInReference] = multisetDifference(
    exceptionLines(here),
    exceptionLines(reference),
  );
  // An exception the reference opened and a later event cured may never open here, when the cure arrived first:
  // the books hold the same facts, and no one needs to look at it. Any other difference is a problem.
  const curedFirst = (line: string) => line.endsWith('|resolved|auto');
  const exceptionsOnlyInReference = allOnlyInReference.filter((line) => !curedFirst(line));
  const curedBeforeRaised = allOnlyInReference.filter(curedFirst);
  const [auditOnlyHere, auditOnlyInReference] = multisetDifference(here.audit, reference.audit);
  return {
    ledgerDifferences,
    openOnlyHere,
    openOnlyInReference,
    exceptionsOnlyHere,
    exceptionsOnlyInReference,
    curedBeforeRaised,
    auditOnlyHere,
    auditOnlyInReference,
    auditRepeated: repeated(here.audit),
    auditBreaks: auditBreaks(here),
  };
}

/** Items of `a` not matched one for one in `b`, and the other way round. */
export function multisetDifference(a: string[], b: string[]): [string[], string[]] {
  const count = new Map<string, number>();
  for (const item of a) count.set(item, (count.get(item) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const item of b) {
    const n = count.get(item) ?? 0;
    if (n > 0) count.set(item, n - 1);
    else onlyB.push(item);
  }
  const onlyA: string[] = [];
  for (const [item, n] of count) for (let i = 0; i < n; i++) onlyA.push(item);
  return [onlyA, onlyB];
}

function repeated(lines: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const line of lines) (seen.has(line) ? twice : seen).add(line);
  return [...twice];
}

/**
 * Breaks in the audit trail: a ledger cell whose Audit rows do not chain from blank to the value it shows (each row's
 * Before is the previous row's After), or an exception without exactly one Audit row that opened it.
 */
function auditBreaks(books: Books): string[] {
  const trails = new Map<string, { before: string; after: string }[]>();
  const openings = new Map<string, number>();
  for (const line of books.audit) {
    const [, action, target = '', field, before = '', after = ''] = line.split(' ¦ ');
    if (action === 'update' && target.startsWith(`${SHEET.ledger}:`)) {
      const key = `${target.slice(SHEET.ledger.length + 1)} ${field}`;
      trails.set(key, [...(trails.get(key) ?? []), { before, after }]);
    }
    if (action === 'open_exception') openings.set(target, (openings.get(target) ?? 0) + 1);
  }
  const breaks: string[] = [];
  for (const [invoice, cells] of books.ledger) {
    for (const field of LEDGER_MAINTAINED) {
      let value = '';
      for (const step of trails.get(`${invoice} ${field}`) ?? []) {
        if (step.before !== value)
          breaks.push(`${invoice} ${field}: audited ${step.before} → ${step.after} after ${value}`);
        value = step.after;
      }
      if (value !== cells[field])
        breaks.push(`${invoice} ${field}: shows ${cells[field]}, audit ends at ${value}`);
    }
  }
  for (const exception of books.exceptions) {
    const opened = openings.get(`${SHEET.exceptions}:EX[${exception.key}]`) ?? 0;
    if (opened !== 1) breaks.push(`${exception.key}: opened ${opened} times in Audit`);
  }
  return breaks;
}

function asTable(values: unknown[][]): { header: string[]; rows: unknown[][] } {
  const [header = [], ...rows] = values;
  return { header: header.map((h) => text(h)), rows };
}

function text(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined || value === null) return '';
  return String(value);
}

function payloadId(row: unknown[], header: string[]): string | null {
  const at = header.indexOf('Payload');
  if (at < 0) return null;
  let body = text(row[at]);
  for (let c = at + 1; c < header.length && header[c] === 'Payload (cont.)'; c++) body += text(row[c]);
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
