// One page of synced events through the unchanged pipeline, at the cost of a handful of sheet calls.
//
// The webhook path makes ~20 Spreadsheet calls per event: fine for one delivery, too slow for a page of 100 within
// Apps Script's 6 minutes. These decorators of the pipeline's ports keep a page's work in memory — the log's event
// ids read once, ledger rows read once and written once each, exceptions, audit and log rows appended in one call
// each — and `flush()` writes it all. Effects are written before the log rows: a run cut off mid-flush leaves the
// events unlogged, so the next run applies them again, which changes nothing (evidence merges idempotently and an
// exception already open takes the event as evidence). A log row written before its effects would instead hide
// the event from the next run as a duplicate.

import type { WebhookAnswer } from './contract';
import { exceptionId, openKey } from './exception-id';
import type { CellChange, ExceptionDraft } from './ledger-row';
import { normaliseEvent } from './normalise';
import { ingestVerifiedEvent, type PipelineDeps } from './pipeline';
import type {
  AuditEntry,
  AuditTrail,
  EventLog,
  EventLogRow,
  ExceptionQueue,
  Ledger,
  LedgerRecord,
  OpenException,
} from './ports';
import type { InvoiceState } from './state';

/** An exception opened during the page, written with the others at flush. */
export interface OpenedException {
  exceptionId: string;
  draft: ExceptionDraft;
  openedAt: Date;
}

export interface LedgerWrite {
  record: LedgerRecord;
  state: InvoiceState;
  changes: CellChange[];
}

/** What the sheets must offer for a page to be written in a few calls. */
export interface PageTargets {
  /**
   * The ledger; `prefetch` (optional) reads the rows a page will touch in as few calls as it can, `writeMany`
   * (optional) writes the touched rows together.
   */
  ledger: Ledger & {
    prefetch?(invoiceIds: string[], paymentIds: string[]): void;
    writeMany?(writes: LedgerWrite[]): void;
  };
  exceptions: ExceptionQueue & { openMany(opened: OpenedException[]): void };
  audit: AuditTrail;
  eventLog: { appendMany(rows: EventLogRow[]): void };
  /** Event ids already in `Stripe Events` (read once for the page, under the lock). */
  loggedEventIds: ReadonlySet<string>;
}

export interface PageWrites {
  ledgerRows: number;
  exceptionsOpened: number;
  auditRows: number;
  logRows: number;
}

export type PageTally = Record<WebhookAnswer['result'], number>;

export interface PageResult {
  tally: PageTally;
  /** Events applied (or answered) before the first one whose apply failed: the cursor may pass these. */
  settled: number;
  writes: PageWrites;
}

/**
 * Ingests events (oldest first) through `ingestVerifiedEvent` with batched ports, then writes. The caller holds the
 * script lock. Events after the first failure are not ingested: they stay for the next run, in order.
 */
export function ingestPage(
  base: PipelineDeps,
  targets: PageTargets,
  events: { payload: string }[],
  receivedAt: Date,
): PageResult {
  const batch = new PageBatch(base, targets);
  batch.prefetch(events.map((event) => event.payload));
  const tally: PageTally = {
    processed: 0,
    duplicate: 0,
    ignored: 0,
    rejected: 0,
    queued: 0,
    busy: 0,
    error: 0,
  };
  let settled = 0;
  for (const event of events) {
    const answer = ingestVerifiedEvent(batch.deps, {
      receivedAt,
      source: 'sync',
      verification: 'api',
      payload: event.payload,
    });
    tally[answer.result] += 1;
    if (answer.result === 'error') break;
    settled += 1;
  }
  return { tally, settled, writes: batch.flush() };
}

export class PageBatch {
  readonly deps: PipelineDeps;
  private readonly ledger: BufferedLedger;
  private readonly exceptions: BufferedExceptions;
  private readonly audit: BufferedAudit;
  private readonly eventLog: BufferedEventLog;

  constructor(
    base: PipelineDeps,
    private readonly targets: PageTargets,
  ) {
    this.ledger = new BufferedLedger(targets.ledger);
    this.exceptions = new BufferedExceptions(targets.exceptions);
    this.audit = new BufferedAudit();
    this.eventLog = new BufferedEventLog(targets.loggedEventIds);
    this.deps = {
      ...base,
      ledger: this.ledger,
      exceptions: this.exceptions,
      audit: this.audit,
      eventLog: this.eventLog,
    };
  }

  /** Tells the ledger which rows the page names, so it can read them together. */
  prefetch(payloads: string[]): void {
    if (!this.targets.ledger.prefetch) return;
    const invoiceIds = new Set<string>();
    const paymentIds = new Set<string>();
    for (const payload of payloads) {
      let event: unknown;
      try {
        event = JSON.parse(payload);
      } catch {
        continue;
      }
      const normalised = normaliseEvent(event);
      if (normalised.kind !== 'fact') continue;
      const fact = normalised.fact;
      if (fact.invoiceId) invoiceIds.add(fact.invoiceId);
      else {
        if (fact.paymentId) paymentIds.add(fact.paymentId);
        if (fact.chargeId) paymentIds.add(fact.chargeId);
      }
    }
    this.targets.ledger.prefetch([...invoiceIds], [...paymentIds]);
  }

  /** Ledger rows, then exceptions, then audit, then the log (see the top of this file for why in this order). */
  flush(): PageWrites {
    const ledgerRows = this.ledger.flush();
    const opened = this.exceptions.flush(this.targets.exceptions);
    const entries = this.audit.take();
    if (entries.length > 0) this.targets.audit.append(entries);
    const rows = this.eventLog.take();
    if (rows.length > 0) this.targets.eventLog.appendMany(rows);
    return { ledgerRows, exceptionsOpened: opened, auditRows: entries.length, logRows: rows.length };
  }
}

/** Rows found once per page; the pipeline's writes land on the cached copy, and each touched row is written once. */
class BufferedLedger implements Ledger {
  private readonly rows = new Map<string, LedgerRecord | null>();
  private readonly touched = new Map<LedgerRecord, Map<CellChange['field'], CellChange>>();

  constructor(private readonly inner: PageTargets['ledger']) {}

  findByInvoice(invoiceId: string): LedgerRecord | null {
    if (this.rows.has(invoiceId)) return this.rows.get(invoiceId) ?? null;
    const found = this.inner.findByInvoice(invoiceId);
    const working = found ? workingCopy(found) : null;
    this.rows.set(invoiceId, working);
    return working;
  }

  findByPayment(paymentId: string): LedgerRecord | null {
    // The page may have named this payment on a row it has not written yet.
    for (const record of this.rows.values()) {
      if (record && namesPayment(record, paymentId)) return record;
    }
    const found = this.inner.findByPayment(paymentId);
    if (!found) return null;
    const cached = this.rows.get(found.invoiceId);
    if (cached) return cached;
    const working = workingCopy(found);
    this.rows.set(found.invoiceId, working);
    return working;
  }

  write(record: LedgerRecord, state: InvoiceState, changes: CellChange[]): void {
    record.state = state;
    const pending = this.touched.get(record) ?? new Map<CellChange['field'], CellChange>();
    for (const change of changes) {
      record.cells[change.field] = change.after;
      const first = pending.get(change.field);
      pending.set(change.field, {
        field: change.field,
        before: first ? first.before : change.before,
        after: change.after,
      });
    }
    this.touched.set(record, pending);
  }

  restore(record: LedgerRecord, previous: InvoiceState | null, changes: CellChange[]): void {
    record.state = previous;
    const pending = this.touched.get(record);
    for (const change of changes) {
      record.cells[change.field] = change.before;
      const entry = pending?.get(change.field);
      if (!entry) continue;
      if (sameValue(entry.before, change.before)) pending?.delete(change.field);
      else pending?.set(change.field, { ...entry, after: change.before });
    }
    if (pending && pending.size === 0 && previous === null) this.touched.delete(record);
  }

  flush(): number {
    const writes: LedgerWrite[] = [];
    for (const [record, changes] of this.touched) {
      if (record.state) writes.push({ record, state: record.state, changes: [...changes.values()] });
    }
    this.touched.clear();
    if (this.inner.writeMany) this.inner.writeMany(writes);
    else for (const write of writes) this.inner.write(write.record, write.state, write.changes);
    return writes.length;
  }
}

function workingCopy(record: LedgerRecord): LedgerRecord {
  return { ...record, cells: { ...record.cells } };
}

function namesPayment(record: LedgerRecord, paymentId: string): boolean {
  const listed = String(record.cells['Stripe Payment ID'] ?? '')
    .split(',')
    .map((id) => id.trim());
  return listed.includes(paymentId) || (record.state?.paymentIds.includes(paymentId) ?? false);
}

interface BufferedOpen {
  exceptionId: string;
  draft: ExceptionDraft;
  openedAt: Date;
  events: string[];
}

/** New exceptions are appended together; evidence for one already in the sheet goes straight to it (rare). */
class BufferedExceptions implements ExceptionQueue {
  private readonly opened = new Map<string, BufferedOpen>();

  constructor(private readonly inner: ExceptionQueue) {}

  findOpen(reason: ExceptionDraft['reason'], invoiceKey: string): OpenException | null {
    const buffered = this.opened.get(openKey(reason, invoiceKey));
    if (buffered) return { exceptionId: buffered.exceptionId, handle: buffered };
    return this.inner.findOpen(reason, invoiceKey);
  }

  open(draft: ExceptionDraft, openedAt: Date): string {
    const id = exceptionId(draft, openedAt);
    this.opened.set(openKey(draft.reason, draft.invoiceKey), {
      exceptionId: id,
      draft,
      openedAt,
      events: [draft.eventId],
    });
    return id;
  }

  addEvidence(open: OpenException, draft: ExceptionDraft): void {
    const buffered = [...this.opened.values()].find((entry) => entry === open.handle);
    if (!buffered) {
      this.inner.addEvidence(open, draft);
      return;
    }
    if (!buffered.events.includes(draft.eventId)) buffered.events.push(draft.eventId);
  }

  flush(target: { openMany(opened: OpenedException[]): void }): number {
    const opened = [...this.opened.values()].map((entry) => ({
      exceptionId: entry.exceptionId,
      draft: { ...entry.draft, eventId: entry.events.filter(Boolean).join(', ') },
      openedAt: entry.openedAt,
    }));
    if (opened.length > 0) target.openMany(opened);
    this.opened.clear();
    return opened.length;
  }
}

class BufferedAudit implements AuditTrail {
  private entries: AuditEntry[] = [];

  append(entries: AuditEntry[]): void {
    this.entries.push(...entries);
  }

  take(): AuditEntry[] {
    const taken = this.entries;
    this.entries = [];
    return taken;
  }
}

/** The log as of the page's start plus what the page appended: a re-read event is a duplicate, within a page too. */
class BufferedEventLog implements EventLog {
  private rows: EventLogRow[] = [];
  private readonly appended = new Set<string>();

  constructor(private readonly logged: ReadonlySet<string>) {}

  hasApplied(eventId: string): boolean {
    return this.logged.has(eventId) || this.appended.has(eventId);
  }

  append(row: EventLogRow): number {
    this.rows.push(row);
    if (row.eventId) this.appended.add(row.eventId);
    return this.rows.length - 1;
  }

  markFailed(handle: unknown, message: string): void {
    const index = handle as number;
    const row = this.rows[index];
    if (!row) return;
    if (row.eventId) this.appended.delete(row.eventId);
    this.rows[index] = { ...row, eventId: null, result: 'error', message };
  }

  take(): EventLogRow[] {
    const taken = this.rows;
    this.rows = [];
    return taken;
  }
}

function sameValue(a: CellChange['before'], b: CellChange['before']): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}
