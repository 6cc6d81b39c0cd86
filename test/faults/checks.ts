// What the fault-injection test compares and checks, read from the sheets by header text (CONTRACT.md), so that it
// holds for any implementation of the ingest. Every check returns problems; none means the sheets are right.

import type { CellValue } from '../../fakes/gas-sheets';
import { LEDGER_MAINTAINED, RELAY_STATUS } from '../../src/core/contract';
import { WORLD_START_MS } from './world';

/** Hidden bookkeeping column of the ledger (README): when present, it must agree with the row's maintained cells. */
export const STATE_COLUMN = 'Stripe State';

/**
 * The `Payouts` sheet's columns the add-on keeps (CONTRACT.md), spelled out here too. Its rows are checked like ledger
 * rows, in the same map, under `Payouts:<Payout ID>`.
 */
const PAYOUT_COLUMNS = [
  'Arrival Date',
  'Amount',
  'Currency',
  'Status',
  'Payments',
  'Gross',
  'Fees',
  'Refunds',
  'Net',
] as const;

/** CONTRACT.md values, spelled out here so the test does not take them from the code it tests. */
const EXCEPTION_REASONS = new Set([
  'UNKNOWN_INVOICE',
  'UNMATCHED_PAYMENT',
  'UNDERPAID',
  'OVERPAID',
  'CURRENCY_MISMATCH',
  'DUPLICATE_PAYMENT',
  'PAYMENT_FAILED',
  'REFUNDED',
  'DISPUTED',
  'STATUS_CONFLICT',
  'SETTLEMENT_OVERDUE',
  'DRIFT',
  'BILLING_MISMATCH',
  'PAYOUT_FAILED',
]);
const EXCEPTION_STATUSES = new Set(['open', 'resolved', 'dismissed', 'snoozed']);
const SOURCES = new Set(['webhook', 'sync']);
const VERIFICATIONS = new Set(['valid', 'invalid', 'missing', 'stale', 'unconfigured', 'api']);
/** Results a row may show while its delivery is under way (the brief's `applying`, the contract's `queued`). */
const IN_FLIGHT = new Set(['queued', 'applying']);
/** A row that records the change of its event as applied: exactly one per event once everything has settled. */
export const APPLIED = new Set(['processed', 'ignored']);
/** Answers that tell Stripe the delivery is done (and, but for `queued`, applied). */
const FINAL_ANSWERS = new Set(['processed', 'duplicate', 'ignored']);

export type Json = string | number | boolean | null;
export type Row = Record<string, CellValue>;

export interface Problem {
  /** A short name of the kind of failure, for the tally. */
  kind: string;
  /** One line a reader can act on. */
  detail: string;
  /** A row visible in a state no complete (or untouched) change gives. */
  halfWritten: boolean;
}

export interface LedgerRowView {
  /** Every maintained column (CONTRACT.md), normalised. */
  cells: Record<string, Json>;
  /** The parsed hidden state, when the column exists ('' when blank). */
  state: unknown;
  /** Canonical JSON of `cells` and of `state`, for comparisons. */
  cellsKey: string;
  stateKey: string;
}

/** The sheets as the checks see them. */
export interface View {
  ledger: Map<string, LedgerRowView>;
  hasStateColumn: boolean;
  exceptions: Row[];
  audit: Row[];
  /** Stripe Events rows, with the payload cells joined into `Payload`. */
  log: Row[];
}

export function readView(sheet: (name: string) => CellValue[][]): View {
  const ledgerRows = records(sheet('Ledger'));
  const hasStateColumn = (sheet('Ledger')[0] ?? []).map(String).includes(STATE_COLUMN);
  const ledger = new Map<string, LedgerRowView>();
  for (const row of ledgerRows) {
    const id = String(row['Stripe Invoice ID'] ?? '').trim();
    if (!id) continue;
    const cells = Object.fromEntries(LEDGER_MAINTAINED.map((name) => [name, normalise(row[name] ?? '')]));
    const state = hasStateColumn ? parseState(row[STATE_COLUMN]) : '';
    ledger.set(id, { cells, state, cellsKey: canonical(cells), stateKey: canonical(state) });
  }
  const payoutValues = sheet('Payouts');
  const payoutsHaveState = (payoutValues[0] ?? []).map(String).includes(STATE_COLUMN);
  for (const row of records(payoutValues)) {
    const id = String(row['Payout ID'] ?? '').trim();
    if (!id) continue;
    const cells = Object.fromEntries(PAYOUT_COLUMNS.map((name) => [name, normalise(row[name] ?? '')]));
    const state = payoutsHaveState ? parseState(row[STATE_COLUMN]) : '';
    ledger.set(`Payouts:${id}`, { cells, state, cellsKey: canonical(cells), stateKey: canonical(state) });
  }
  return {
    ledger,
    hasStateColumn,
    exceptions: records(sheet('Exceptions')),
    audit: records(sheet('Audit')),
    log: logRecords(sheet('Stripe Events')),
  };
}

/** Rows of a sheet as records by header; blank rows are left out. */
function records(values: CellValue[][]): Row[] {
  const [header = [], ...body] = values;
  const names = header.map((h) => String(h));
  return body
    .filter((row) => row.some((cell) => cell !== ''))
    .map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? ''])));
}

/** Log rows, `Payload` being the concatenation of the Payload cell and the `Payload (cont.)` cells after it. */
function logRecords(values: CellValue[][]): Row[] {
  const [header = [], ...body] = values;
  const names = header.map((h) => String(h));
  const payloadAt = names.indexOf('Payload');
  return body
    .filter((row) => row.some((cell) => cell !== ''))
    .map((row) => {
      const record: Row = Object.fromEntries(names.map((name, i) => [name, row[i] ?? '']));
      if (payloadAt >= 0) {
        let payload = String(row[payloadAt] ?? '');
        for (let i = payloadAt + 1; i < names.length && names[i] === 'Payload (cont.)'; i++)
          payload += String(row[i] ?? '');
        record.Payload = payload;
      }
      return record;
    });
}

/** Dates by ISO time, except times of the run itself (any Date at or after the world's start): those vary. */
export function normalise(value: CellValue): Json {
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    const ms = (value as Date).getTime();
    return ms >= WORLD_START_MS ? '<time of the run>' : new Date(ms).toISOString();
  }
  return value as Json;
}

/**
 * The evidence a row's state holds. `raised` is the apply step's bookkeeping (which exceptions it believes it opened),
 * not evidence: a batch and one-by-one deliveries may leave it different, so it is not compared.
 */
function parseState(cell: CellValue | undefined): unknown {
  if (typeof cell !== 'string' || cell.trim() === '') return '';
  try {
    const { raised: _raised, ...evidence } = JSON.parse(cell) as Record<string, unknown>;
    return evidence;
  } catch {
    return `unparseable: ${cell.slice(0, 40)}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Row-level checks: nothing visible may be half-written, after any execution, faulty or not.

/**
 * The states a ledger row may show: the one before the change and the one after it (for a sync, the state after
 * each prefix of the events in Stripe-time order). Keyed by invoice.
 */
export type AllowedLedger = Map<string, LedgerRowView[]>;

export function halfWrittenRows(view: View, allowed: AllowedLedger): Problem[] {
  const problems: Problem[] = [];
  const half = (kind: string, detail: string) => problems.push({ kind, detail, halfWritten: true });

  for (const [invoice, row] of view.ledger) {
    const clean = allowed.get(invoice) ?? [];
    const sameCells = clean.filter((c) => c.cellsKey === row.cellsKey);
    if (sameCells.length === 0) {
      half('ledger row in no clean state', `Ledger ${invoice}: ${describeNearest(row.cells, clean)}`);
    } else if (view.hasStateColumn && !sameCells.some((c) => c.stateKey === row.stateKey)) {
      half(
        'ledger cells disagree with Stripe State',
        `Ledger ${invoice}: maintained cells of one clean state, ${STATE_COLUMN} of none that has them`,
      );
    }
  }

  const exceptionIds = new Set<string>();
  for (const row of view.exceptions) {
    const id = text(row['Exception ID']);
    exceptionIds.add(id);
    const missing = ['Exception ID', 'Reason', 'Status', 'Event ID'].filter((c) => text(row[c]) === '');
    if (!isDate(row['Opened At'])) missing.push('Opened At');
    if (missing.length > 0)
      half('exception row with blank cells', `Exceptions ${id || '(no id)'}: blank ${missing}`);
    else if (!EXCEPTION_REASONS.has(text(row.Reason)) || !EXCEPTION_STATUSES.has(text(row.Status)))
      half('exception row with bad values', `Exceptions ${id}: ${text(row.Reason)} / ${text(row.Status)}`);
  }

  for (const row of view.audit) {
    const missing = ['Actor', 'Action', 'Target', 'Field', 'Evidence'].filter((c) => text(row[c]) === '');
    if (!isDate(row.At)) missing.push('At');
    if (missing.length > 0) {
      half('audit row with blank cells', `Audit ${text(row.Target)} ${text(row.Field)}: blank ${missing}`);
      continue;
    }
    const target = text(row.Target);
    if (target.startsWith('Exceptions:') && !exceptionIds.has(target.slice('Exceptions:'.length)))
      half('audit row names no exception', `Audit ${target} ${text(row.Field)}: no such exception row`);
  }

  for (const row of view.log) {
    const id = text(row['Event ID']);
    const missing: string[] = [];
    if (!isDate(row['Received At'])) missing.push('Received At');
    if (!SOURCES.has(text(row.Source))) missing.push('Source');
    if (!VERIFICATIONS.has(text(row.Verification))) missing.push('Verification');
    const result = text(row.Result);
    if (!Object.hasOwn(RELAY_STATUS, result) && !IN_FLIGHT.has(result)) missing.push('Result');
    if (id !== '') {
      if (text(row['Event Type']) === '') missing.push('Event Type');
      if (payloadId(text(row.Payload)) !== id) missing.push('Payload');
    }
    if (missing.length > 0)
      half('log row with blank or bad cells', `Stripe Events ${id || '(no id)'} ${result}: ${missing}`);
  }

  const open = new Map<string, number>();
  for (const row of view.exceptions) {
    if (text(row.Status) !== 'open') continue;
    const key = `${text(row.Reason)}/${text(row['Stripe Invoice ID'])}`;
    open.set(key, (open.get(key) ?? 0) + 1);
  }
  for (const [key, count] of open) {
    if (count > 1)
      problems.push({
        kind: 'two open exceptions for one cause',
        detail: `${count} open ${key}`,
        halfWritten: false,
      });
  }
  return problems;
}

/**
 * The event a logged body is: its `id`, or for a thin event (CONTRACT.md "Thin events") the snapshot event it stands
 * for, which is what its row names. The same bodies are logged run after run, so each is parsed once.
 */
const payloadIds = new Map<string, string | null>();

function payloadId(payload: string): string | null {
  let id = payloadIds.get(payload);
  if (id === undefined) {
    try {
      const parsed = JSON.parse(payload) as {
        id?: unknown;
        object?: unknown;
        snapshot_event?: unknown;
      } | null;
      const thin = parsed?.object === 'v2.core.event' && typeof parsed.snapshot_event === 'string';
      id = thin ? (parsed.snapshot_event as string) : typeof parsed?.id === 'string' ? parsed.id : null;
    } catch {
      id = null;
    }
    payloadIds.set(payload, id);
  }
  return id;
}

function describeNearest(cells: Record<string, Json>, clean: LedgerRowView[]): string {
  if (clean.length === 0) return 'a row the scenario never writes changed';
  let best = clean[0]!;
  let bestDiff = diffCells(cells, best.cells);
  for (const c of clean) {
    const d = diffCells(cells, c.cells);
    if (d.length < bestDiff.length) [best, bestDiff] = [c, d];
  }
  return `nearest clean state differs in ${bestDiff.map((f) => `${f} ${show(cells[f])} (clean ${show(best.cells[f])})`).join(', ')}`;
}

function diffCells(a: Record<string, Json>, b: Record<string, Json>): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => !equal(a[k], b[k]));
}

// ---------------------------------------------------------------------------------------------------------------
// The outcome: the sheets once Stripe's redelivery (or the next sync) has completed, against the fault-free run.

/** Exception rows as compared: (Reason, Stripe Invoice ID, Amount, Currency, Status); ids and times left out. */
export function exceptionTuples(view: View): string[] {
  return view.exceptions.map((row) =>
    key(
      [row.Reason, row['Stripe Invoice ID'], row.Amount, row.Currency, row.Status].map((v) =>
        normalise(v ?? ''),
      ),
    ),
  );
}

/** Audit rows as compared: `At` left out, exception ids named by their (reason, invoice). */
export function auditTuples(view: View): string[] {
  const byId = new Map<string, string>();
  for (const row of view.exceptions)
    byId.set(text(row['Exception ID']), `${text(row.Reason)}/${text(row['Stripe Invoice ID'])}`);
  const named = (value: CellValue | undefined): Json => {
    const v = text(value);
    for (const [id, name] of byId) if (id !== '' && v.includes(id)) return v.split(id).join(`<${name}>`);
    return /EX-[0-9A-Z-]+/.test(v)
      ? v.replace(/EX-[0-9A-Z-]+/g, '<no such exception>')
      : normalise(value ?? '');
  };
  return view.audit.map((row) =>
    key([
      normalise(row.Actor ?? ''),
      normalise(row.Action ?? ''),
      named(row.Target),
      normalise(row.Field ?? ''),
      normalise(row.Before ?? ''),
      normalise(row.After ?? ''),
      named(row.Evidence),
    ]),
  );
}

/** Differences of maintained cells, exception tuples and audit tuples; [] when the outcome is the fault-free one. */
export function outcomeDifferences(view: View, reference: View): Problem[] {
  const problems: Problem[] = [];
  const differ = (kind: string, detail: string) => problems.push({ kind, detail, halfWritten: false });
  for (const [invoice, want] of reference.ledger) {
    const got = view.ledger.get(invoice);
    if (!got) {
      differ('ledger differs', `Ledger ${invoice}: row missing`);
      continue;
    }
    const fields = diffCells(got.cells, want.cells);
    if (fields.length > 0)
      differ(
        'ledger differs',
        `Ledger ${invoice}: ${fields.map((f) => `${f} ${show(got.cells[f])} (want ${show(want.cells[f])})`).join(', ')}`,
      );
  }
  const exceptions = multisetDiff(exceptionTuples(view), exceptionTuples(reference));
  if (exceptions) differ('exceptions differ', `Exceptions: ${exceptions}`);
  const audit = multisetDiff(auditTuples(view), auditTuples(reference));
  if (audit) differ('audit differs', `Audit: ${audit}`);
  return problems;
}

/**
 * The log once everything has settled: every event ends with exactly one row that records it applied
 * (`processed`/`ignored`); no row is left `queued`/`applying`; a `duplicate` row only answers a webhook delivery.
 */
export function settledLogProblems(view: View, eventIds: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const wrong = (kind: string, detail: string) => problems.push({ kind, detail, halfWritten: false });
  for (const id of eventIds) {
    const applied = view.log.filter((r) => text(r['Event ID']) === id && APPLIED.has(text(r.Result))).length;
    if (applied !== 1)
      wrong(
        applied === 0 ? 'event never logged applied' : 'event logged applied twice',
        `${id}: ${applied} rows`,
      );
  }
  for (const row of view.log) {
    const result = text(row.Result);
    if (IN_FLIGHT.has(result)) wrong('row left in flight', `${text(row['Event ID'])}: left ${result}`);
    if (result === 'duplicate' && text(row.Source) !== 'webhook')
      wrong('sync logged a duplicate', `${text(row['Event ID'])}: duplicate row from ${text(row.Source)}`);
  }
  return problems;
}

/** Rows by event id (and rows without one), to bound what one execution may add. */
export function rowsByEvent(view: View): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of view.log) {
    const id = text(row['Event ID']);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function isFinalAnswer(result: string | null): boolean {
  return result !== null && FINAL_ANSWERS.has(result);
}

// ---------------------------------------------------------------------------------------------------------------

function multisetDiff(got: string[], want: string[]): string {
  const counts = new Map<string, number>();
  for (const g of got) counts.set(g, (counts.get(g) ?? 0) + 1);
  for (const w of want) counts.set(w, (counts.get(w) ?? 0) - 1);
  const extra = [...counts].filter(([, n]) => n > 0);
  const missing = [...counts].filter(([, n]) => n < 0);
  if (extra.length === 0 && missing.length === 0) return '';
  const part = (label: string, list: [string, number][]) =>
    list.length === 0
      ? []
      : [`${label} ${list.reduce((s, [, n]) => s + Math.abs(n), 0)} (first ${list[0]![0]})`];
  return [...part('extra', extra), ...part('missing', missing)].join('; ');
}

function key(values: Json[]): string {
  return JSON.stringify(values);
}

function text(value: CellValue | undefined): string {
  return value === undefined || value === null ? '' : String(value).trim();
}

function isDate(value: CellValue | undefined): boolean {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function show(value: unknown): string {
  return value === '' ? "''" : JSON.stringify(value);
}

export function equal(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  return value;
}
