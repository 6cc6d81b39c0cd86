// Verify from the log: the ledger must be explainable from its evidence alone. Every verified or API-read event in
// `Stripe Events` is replayed, in Stripe's event-time order, through the same decision the pipeline uses, into a
// scratch copy of the maintained columns; every cell where the sheet says something else is listed.

import type { AuditEntry } from './apply/ports';
import { LEDGER_MAINTAINED, LEDGER_SETTLEMENT_COLUMNS } from './contract';
import { decide } from './decide';
import type { StripeFact } from './facts';
import type { CellValue, LedgerRowView, MaintainedColumn, MaintainedValues } from './ledger-row';
import { normaliseEvent } from './normalise';
import type { InvoiceState } from './state';

export interface LoggedEvent {
  eventId: string;
  /** The raw event, continuation cells joined. */
  payload: string;
}

export interface ReplayRow extends LedgerRowView {
  /** Sheet row number, for the report. */
  rowNumber: number;
}

export interface CellDifference {
  invoiceId: string;
  rowNumber: number;
  field: MaintainedColumn;
  ledger: CellValue;
  replayed: CellValue;
  /** The newest Audit row about this cell, when there is one: who changed it, when, on what evidence. */
  audit: AuditEntry | null;
}

export interface ReplayReport {
  eventsReplayed: number;
  rowsCompared: number;
  cellsCompared: number;
  differences: CellDifference[];
  /** Events about a payment no replayed evidence ties to a ledger row (the live pipeline may have asked Stripe). */
  unplaced: string[];
}

const BLANK_CELLS = Object.fromEntries(LEDGER_MAINTAINED.map((field) => [field, ''])) as MaintainedValues;
/**
 * `Stripe Fee`, `Net Amount` and `Payout ID` come from balance transactions read from Stripe as a payment lands (not
 * logged as events), so the log alone cannot explain them: they are not compared.
 */
const REPLAYED = LEDGER_MAINTAINED.filter(
  (field) => !(LEDGER_SETTLEMENT_COLUMNS as readonly string[]).includes(field),
);

export function replayFromLog(
  rows: ReplayRow[],
  events: LoggedEvent[],
  options: { timeZone?: string } = {},
): ReplayReport {
  const facts = factsInEventOrder(events);
  const scratch = new Map<string, LedgerRowView>();
  for (const row of rows) {
    if (!scratch.has(row.invoiceId)) {
      scratch.set(row.invoiceId, { ...row, cells: { ...BLANK_CELLS }, state: null });
    }
  }
  // Which invoice a payment belongs to: first from what the replay itself has learned, then (for a `basil`+ charge
  // the live pipeline placed through Stripe's invoice_payments API) from the live row's stored evidence.
  const paidInvoice = new Map<string, string>();
  const liveHint = new Map<string, string>();
  for (const row of rows) {
    for (const id of paymentIdsOf(row.state)) if (!liveHint.has(id)) liveHint.set(id, row.invoiceId);
  }

  const unplaced: string[] = [];
  for (const fact of facts) {
    const invoiceId = fact.invoiceId ?? placePayment(fact, paidInvoice, liveHint);
    if (!invoiceId) {
      unplaced.push(fact.eventId);
      continue;
    }
    const record = scratch.get(invoiceId);
    if (!record) continue;
    const decision = decide(record, { ...fact, invoiceId } as StripeFact, options);
    if (decision.state) record.state = decision.state;
    for (const change of decision.changes) record.cells[change.field] = change.after;
    for (const id of paymentIdsOf(record.state)) paidInvoice.set(id, invoiceId);
  }

  const differences: CellDifference[] = [];
  let cellsCompared = 0;
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.invoiceId)) continue;
    seen.add(row.invoiceId);
    const replayed = scratch.get(row.invoiceId);
    if (!replayed) continue;
    for (const field of REPLAYED) {
      cellsCompared += 1;
      const ledger = row.cells[field] ?? '';
      const again = replayed.cells[field] ?? '';
      if (!sameCellValue(ledger, again)) {
        differences.push({
          invoiceId: row.invoiceId,
          rowNumber: row.rowNumber,
          field,
          ledger,
          replayed: again,
          audit: null,
        });
      }
    }
  }
  return { eventsReplayed: facts.length, rowsCompared: seen.size, cellsCompared, differences, unplaced };
}

/** Facts of distinct events, oldest first by Stripe's `created`; ties keep the log's order. */
function factsInEventOrder(events: LoggedEvent[]): StripeFact[] {
  const seen = new Set<string>();
  const facts: { fact: StripeFact; order: number }[] = [];
  events.forEach((event, order) => {
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.payload);
    } catch {
      return;
    }
    const normalised = normaliseEvent(parsed);
    if (normalised.kind === 'fact') facts.push({ fact: normalised.fact, order });
  });
  facts.sort((a, b) => a.fact.created - b.fact.created || a.order - b.order);
  return facts.map((entry) => entry.fact);
}

function placePayment(
  fact: StripeFact,
  replayed: Map<string, string>,
  live: Map<string, string>,
): string | null {
  const keys = [fact.paymentId, fact.chargeId].filter((id): id is string => Boolean(id));
  for (const key of keys) {
    const found = replayed.get(key);
    if (found) return found;
  }
  for (const key of keys) {
    const found = live.get(key);
    if (found) return found;
  }
  return null;
}

function paymentIdsOf(state: InvoiceState | null): string[] {
  if (!state) return [];
  return [...state.paymentIds, ...Object.keys(state.payments), ...Object.keys(state.refunds)];
}

/** Cells as Sheets hands them back: a Date by its instant, numbers within rounding, text trimmed. */
export function sameCellValue(a: CellValue, b: CellValue): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  return String(a).trim() === String(b).trim();
}

/** Attaches to each difference the newest Audit row about that cell (`Target` `Ledger:<invoice>`, `Field`). */
export function explainDifferences(differences: CellDifference[], audit: AuditEntry[]): CellDifference[] {
  const newest = new Map<string, AuditEntry>();
  for (const entry of audit) {
    const key = `${entry.target}|${entry.field}`;
    const known = newest.get(key);
    if (!known || known.at.getTime() <= entry.at.getTime()) newest.set(key, entry);
  }
  return differences.map((difference) => ({
    ...difference,
    audit: newest.get(`Ledger:${difference.invoiceId}|${difference.field}`) ?? null,
  }));
}
