// The apply step's ports in memory: a ledger, an exceptions queue, an audit trail, a log and a journal as plain
// arrays, with a switch that makes the n-th write throw (a service failing mid-batch) so that recovery can be tested
// at every write position without Apps Script.

import { SETTLED_RESULTS } from '../../src/core/apply/apply-step';
import { auditKey } from '../../src/core/apply/exception-plan';
import type {
  AuditEntry,
  BooksPorts,
  EventLogRow,
  ExceptionRecord,
  FullEvent,
  JournalEntry,
  LedgerRecord,
  PaymentLink,
  SettlementRead,
} from '../../src/core/apply/ports';
import type { MaintainedValues } from '../../src/core/ledger-row';
import type { PayoutCells } from '../../src/core/payouts/payout-row';
import type { PayoutState } from '../../src/core/payouts/payout-state';
import type { InvoiceState } from '../../src/core/state';

export interface MemoryRow {
  invoiceId: string;
  expectedAmount: number | null;
  currency: string | null;
  cells: MaintainedValues;
  state: InvoiceState | null;
  /** The hidden `Stripe Customer`. */
  customer: string;
}

export interface MemoryPayout {
  payoutId: string;
  cells: Partial<PayoutCells>;
  state: PayoutState | null;
}

export interface MemoryException {
  exceptionId: string;
  openKey: string;
  cause: string;
  status: string;
  resolution: string;
  resolvedBy: string;
  owner: string;
  eventIds: string[];
  amount: number | '';
  currency: string;
  note: string;
  notMatched: string;
  resolvedAt: Date | '';
  snoozedUntil: Date | '';
}

function asRecord(e: MemoryException): ExceptionRecord {
  return {
    exceptionId: e.exceptionId,
    openKey: e.openKey,
    cause: e.cause,
    status: e.status,
    eventIds: [...e.eventIds],
    amount: e.amount,
    currency: e.currency,
    cells: {
      'Exception ID': e.exceptionId,
      Status: e.status,
      Resolution: e.resolution,
      'Resolved By': e.resolvedBy,
      Owner: e.owner,
      Note: e.note,
      'Event ID': e.eventIds.join(', '),
      'Not Matched': e.notMatched,
      'Resolved At': e.resolvedAt,
      'Snoozed Until': e.snoozedUntil,
    },
    handle: e,
  };
}

export class MemoryBooks {
  rows: MemoryRow[] = [];
  exceptions: MemoryException[] = [];
  audit: AuditEntry[] = [];
  log = new Map<number, EventLogRow>();
  journal: JournalEntry | null = null;
  nextLogRow = 2;
  links = new Map<string, PaymentLink>();
  /** Full events a thin event stands for, by the id it is known by (its snapshot event). */
  fullEvents = new Map<string, FullEvent>();
  /** Balance transactions by payment id (pi_/ch_), as one expanded read returns them. */
  fees = new Map<string, SettlementRead>();
  payouts: MemoryPayout[] = [];
  /** Stripe requests the ports were asked to make: thin fetches, invoice links, fee reads. */
  stripeAsks: string[] = [];
  heldNoted = 0;
  /** Writes made so far; when it reaches `failAt`, that write throws. */
  writes = 0;
  failAt = Number.POSITIVE_INFINITY;
  now = new Date('2026-01-02T00:00:00Z');

  /**
   * @param settlementColumns the ledger has `Stripe Fee`, `Net Amount` and `Payout ID` (as one set up since they
   *   exist); without, as one set up before.
   */
  constructor(
    rows: { invoiceId: string; expected?: number | null; currency?: string | null }[] = [],
    settlementColumns = false,
  ) {
    for (const row of rows) {
      this.rows.push({
        invoiceId: row.invoiceId,
        expectedAmount: row.expected ?? null,
        currency: row.currency ?? null,
        cells: {
          'Payment Status': '',
          'Amount Paid': '',
          'Amount Refunded': '',
          'Paid At': '',
          'Stripe Payment ID': '',
          'Last Stripe Event': '',
          ...(settlementColumns ? { 'Stripe Fee': '', 'Net Amount': '', 'Payout ID': '' } : {}),
        },
        state: null,
        customer: '',
      });
    }
  }

  private write(what: string): void {
    this.writes += 1;
    if (this.writes === this.failAt) throw new Error(`Service Spreadsheets failed while writing ${what}`);
  }

  ports(): BooksPorts {
    const books = this;
    const record = (row: MemoryRow): LedgerRecord => ({
      invoiceId: row.invoiceId,
      expectedAmount: row.expectedAmount,
      currency: row.currency,
      cells: { ...row.cells },
      state: row.state,
      customer: row.customer,
      handle: row,
    });
    return {
      clock: { now: () => books.now },
      timeZone: 'America/New_York',
      ledger: {
        find() {
          return {
            byInvoice: (id) => {
              const row = books.rows.find((r) => r.invoiceId === id);
              return row ? record(row) : null;
            },
            byPayment: (id) => {
              const row = books.rows.find((r) =>
                String(r.cells['Stripe Payment ID'])
                  .split(',')
                  .some((item) => item.trim() === id),
              );
              return row ? record(row) : null;
            },
          };
        },
        write(writes) {
          for (const { record: r, state, changes, key, customer } of writes) {
            books.write(`ledger ${r.invoiceId}`);
            const row = r.handle as MemoryRow;
            for (const change of changes) row.cells[change.field] = change.after;
            row.state = state;
            if (key !== undefined) row.invoiceId = key;
            if (customer !== undefined) row.customer = customer;
          }
        },
        atRow(rowNumber) {
          const row = books.rows[rowNumber - 2];
          return row ? record(row) : null;
        },
      },
      exceptions: {
        lookup(keys) {
          return books.exceptions.filter((e) => keys.includes(e.openKey)).map(asRecord);
        },
        lookupIds(ids) {
          return books.exceptions.filter((e) => ids.includes(e.exceptionId)).map(asRecord);
        },
        write(opened, updated) {
          for (const { record: r, cells } of updated) {
            books.write(`exception ${r.exceptionId}`);
            const e = r.handle as MemoryException;
            if (cells['Event ID'] !== undefined) e.eventIds = cells['Event ID'].split(', ').filter(Boolean);
            if (cells.Status !== undefined) e.status = cells.Status;
            if (cells.Resolution !== undefined) e.resolution = cells.Resolution;
            if (cells.Cause !== undefined) e.cause = cells.Cause;
            if (cells['Resolved By'] !== undefined) e.resolvedBy = cells['Resolved By'];
            if (cells.Owner !== undefined) e.owner = cells.Owner;
            if (cells.Note !== undefined) e.note = cells.Note;
            if (cells['Not Matched'] !== undefined) e.notMatched = cells['Not Matched'];
            if (cells['Resolved At'] !== undefined) e.resolvedAt = cells['Resolved At'];
            if (cells['Snoozed Until'] !== undefined) e.snoozedUntil = cells['Snoozed Until'];
          }
          if (opened.length > 0) books.write('new exceptions');
          for (const o of opened) {
            books.exceptions.push({
              exceptionId: o.exceptionId,
              openKey: `${o.reason}:${o.invoiceKey}`,
              cause: o.cause,
              status: 'open',
              resolution: '',
              resolvedBy: '',
              owner: '',
              eventIds: [...o.eventIds],
              amount: o.amount ?? '',
              currency: o.currency ?? '',
              note: o.note,
              notMatched: '',
              resolvedAt: '',
              snoozedUntil: '',
            });
          }
        },
      },
      audit: {
        append(entries) {
          books.write('audit');
          books.audit.push(...entries);
        },
        existingKeys(evidence) {
          return new Set(books.audit.filter((a) => evidence.includes(a.evidence)).map(auditKey));
        },
      },
      log: {
        alreadyLogged(ids, except) {
          const settled = new Set<string>();
          for (const [row, entry] of books.log) {
            if (except.includes(row) || !entry.eventId || !ids.includes(entry.eventId)) continue;
            if (SETTLED_RESULTS.has(entry.result)) settled.add(entry.eventId);
          }
          return settled;
        },
        reserve(count) {
          const first = books.nextLogRow;
          books.nextLogRow += count;
          return first;
        },
        write(writes) {
          books.write('log');
          for (const { row, entry, resultOnly } of writes) {
            const known = books.log.get(row);
            books.log.set(row, resultOnly && known ? { ...known, ...entry, payload: known.payload } : entry);
          }
        },
        read(rows) {
          return rows.flatMap((row) => {
            const entry = books.log.get(row);
            return entry ? [{ row, entry }] : [];
          });
        },
        findEvents(ids) {
          return [...books.log]
            .filter(([, e]) => e.eventId && ids.includes(e.eventId) && SETTLED_RESULTS.has(e.result))
            .map(([row, entry]) => ({ row, entry }));
        },
        mentioning(ids) {
          return [...books.log]
            .filter(
              ([, e]) => SETTLED_RESULTS.has(e.result) && ids.some((id) => e.payload.includes(`"${id}"`)),
            )
            .map(([row, entry]) => ({ row, entry }));
        },
        noteHeld() {
          books.heldNoted += 1;
        },
      },
      journal: {
        read: () => books.journal,
        fits: (entry) => JSON.stringify(entry).length <= 9000,
        begin: (entry) => {
          books.write('journal');
          books.journal = entry;
        },
        end: () => {
          books.journal = null;
        },
      },
      paymentLinks: {
        invoiceForPayment: (id) => {
          books.stripeAsks.push(`invoice_payments ${id}`);
          return books.links.get(id) ?? { kind: 'none', why: 'no link in this test' };
        },
      },
      events: {
        fullEvent: (thin) => {
          const id = thin.snapshotEvent ?? thin.id;
          books.stripeAsks.push(`event ${id}`);
          return (
            books.fullEvents.get(id) ?? {
              kind: 'unconfigured',
              message: 'A thin event needs STRIPE_API_KEY to fetch the event it stands for.',
            }
          );
        },
      },
      balances: {
        settlementOf: ({ paymentId }) => {
          books.stripeAsks.push(`balance ${paymentId}`);
          return books.fees.get(paymentId) ?? { kind: 'none', why: 'no balance transaction in this test' };
        },
      },
      payouts: {
        ready: () => true,
        find(ids) {
          const found = new Map();
          for (const payout of books.payouts) {
            if (ids.includes(payout.payoutId))
              found.set(payout.payoutId, {
                payoutId: payout.payoutId,
                cells: { ...payout.cells },
                state: payout.state,
                handle: payout,
              });
          }
          return found;
        },
        write(writes) {
          for (const { record, payoutId, state, changes } of writes) {
            books.write(`payout ${payoutId}`);
            let payout = record?.handle as MemoryPayout | undefined;
            if (!payout) {
              payout = { payoutId, cells: {}, state: null };
              books.payouts.push(payout);
            }
            for (const change of changes) payout.cells[change.field] = change.after;
            payout.state = state;
          }
        },
      },
      flush: () => undefined,
    };
  }

  /** What a finance user sees: maintained cells, open exceptions, the audit changes, the log's final results. */
  visible(): unknown {
    return {
      rows: this.rows.map((r) => ({ invoiceId: r.invoiceId, cells: r.cells, customer: r.customer })),
      payouts: this.payouts.map((p) => ({ payoutId: p.payoutId, cells: p.cells })),
      open: this.exceptions
        .filter((e) => e.status === 'open')
        .map((e) => `${e.openKey}|${e.amount}|${e.currency}`)
        .sort(),
      audit: this.audit
        .map((a) => `${a.action}|${a.target}|${a.field}|${String(a.before)}|${String(a.after)}|${a.evidence}`)
        .sort(),
      log: [...this.log.values()].map((e) => `${e.eventId}|${e.result}`).sort(),
    };
  }
}
