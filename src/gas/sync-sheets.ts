// Bulk reads for sync, drift and verify: the log's event ids, the ledger rows a page touches, whole tables. Each is a
// few Spreadsheet calls whatever the number of events, where the webhook path's per-event finders would be hundreds.

import type { LedgerWrite, OpenedException } from '../core/batching';
import { type AUDIT_COLUMNS, LEDGER_KEY, SHEET } from '../core/contract';
import { openKey } from '../core/exception-id';
import type { CellChange, ExceptionDraft } from '../core/ledger-row';
import type { AuditEntry, ExceptionQueue, Ledger, LedgerRecord, OpenException } from '../core/ports';
import type { LoggedEvent, ReplayRow } from '../core/replay';
import type { InvoiceState } from '../core/state';
import type { SheetExceptionQueue } from './exceptions';
import type { Cell } from './layout';
import type { SheetLedger } from './ledger';
import { asCellValue } from './sheet-text';
import type { Workbook } from './workbook';

/** Event ids in `Stripe Events`, read once and then only the rows appended since. Call under the script lock. */
export class LoggedEventIds {
  private readonly ids = new Set<string>();
  private rowsRead = 1;

  constructor(private readonly book: Workbook) {}

  refresh(): ReadonlySet<string> {
    const sheet = this.book.sheet(SHEET.events);
    const last = sheet.getLastRow();
    if (last < this.rowsRead) {
      // Rows were deleted by hand: read the column again.
      this.ids.clear();
      this.rowsRead = 1;
    }
    if (last > this.rowsRead) {
      const column = this.book.layout(SHEET.events).require('Event ID');
      const values = sheet.getRange(this.rowsRead + 1, column, last - this.rowsRead, 1).getValues();
      for (const [id] of values) if (typeof id === 'string' && id !== '') this.ids.add(id);
      this.rowsRead = last;
    }
    return this.ids;
  }
}

/** Rows further apart than this are read in separate calls rather than reading the rows between. */
const MAX_ROW_GAP = 25;

/**
 * The ledger for one synced page: the key and payment columns are read once per page (2 calls), the rows the page
 * names are read in contiguous blocks, and the pipeline's finds are answered from those. A row the index does not
 * know (added by hand mid-run) falls back to the webhook path's TextFinder.
 */
export class PageLedger implements Ledger {
  private byInvoice = new Map<string, number>();
  private byPayment = new Map<string, number>();
  private readonly rows = new Map<number, LedgerRecord>();

  constructor(
    private readonly book: Workbook,
    private readonly inner: SheetLedger,
  ) {}

  prefetch(invoiceIds: string[], paymentIds: string[]): void {
    this.rows.clear();
    this.index();
    const wanted = new Set<number>();
    for (const id of invoiceIds) {
      const row = this.byInvoice.get(id);
      if (row) wanted.add(row);
    }
    for (const id of paymentIds) {
      const row = this.byPayment.get(id);
      if (row) wanted.add(row);
    }
    this.read([...wanted]);
  }

  findByInvoice(invoiceId: string): LedgerRecord | null {
    const row = this.byInvoice.get(invoiceId);
    // The index was read under this lock moments ago: an id it lacks is not in the ledger.
    if (!row) return null;
    const record = this.rows.get(row) ?? this.read([row])[0];
    if (record && record.invoiceId === invoiceId) return record;
    return this.inner.findByInvoice(invoiceId);
  }

  findByPayment(paymentId: string): LedgerRecord | null {
    const row = this.byPayment.get(paymentId);
    if (row) {
      const record = this.rows.get(row) ?? this.read([row])[0];
      if (record) return record;
    }
    return this.inner.findByPayment(paymentId);
  }

  write(record: LedgerRecord, state: InvoiceState, changes: CellChange[]): void {
    this.inner.write(record, state, changes);
  }

  restore(record: LedgerRecord, previous: InvoiceState | null, changes: CellChange[]): void {
    this.inner.restore(record, previous, changes);
  }

  /**
   * Touched rows that lie in one block read for this page are written in one call: the span of changed columns over
   * the block, other rows' cells written back as read (formulas kept). The block was read under the same lock a
   * moment before, and only the add-on writes maintained cells, so nothing is overwritten that was not just read.
   */
  writeMany(writes: LedgerWrite[]): void {
    const byRow = new Map<number, Map<number, Cell>>();
    const rowOf = new Map<LedgerRecord, number>();
    for (const [row, record] of this.rows) rowOf.set(record, row);
    for (const write of writes) {
      const row = this.rowNumberOf(write.record, rowOf);
      if (row === null) {
        this.inner.write(write.record, write.state, write.changes);
        continue;
      }
      byRow.set(row, this.inner.cellUpdates(write.state, write.changes));
    }
    const rows = [...byRow.keys()].sort((a, b) => a - b);
    const sheet = this.book.sheet(SHEET.ledger);
    let i = 0;
    while (i < rows.length) {
      const first = rows[i] as number;
      let last = first;
      while (i + 1 < rows.length && this.readBetween(last, rows[i + 1] as number)) {
        i += 1;
        last = rows[i] as number;
      }
      i += 1;
      const columns = new Set<number>();
      for (let row = first; row <= last; row++)
        for (const column of byRow.get(row)?.keys() ?? []) columns.add(column);
      const left = Math.min(...columns);
      const right = Math.max(...columns);
      const span = sheet.getRange(first, left, last - first + 1, right - left + 1);
      const formulas = span.getFormulas();
      const values: Cell[][] = [];
      for (let row = first; row <= last; row++) {
        const updates = byRow.get(row);
        const current = (this.rows.get(row)?.handle as { values?: Cell[] } | undefined)?.values ?? [];
        const line: Cell[] = [];
        for (let column = left; column <= right; column++) {
          const formula = formulas[row - first]?.[column - left];
          if (updates?.has(column)) line.push(updates.get(column) as Cell);
          else if (formula) line.push(formula);
          // A text cell read back as "0012" would be parsed as a number if written back plain.
          else line.push(asCellValue(current[column - 1] ?? ''));
        }
        values.push(line);
      }
      span.setValues(values);
    }
  }

  /** Whether every row from `a` to `b` was read for this page (so the block between them can be written back). */
  private readBetween(a: number, b: number): boolean {
    if (b - a > MAX_ROW_GAP) return false;
    for (let row = a; row <= b; row++) if (!this.rows.has(row)) return false;
    return true;
  }

  private rowNumberOf(record: LedgerRecord, rowOf: Map<LedgerRecord, number>): number | null {
    const direct = rowOf.get(record);
    if (direct) return direct;
    // The batch works on a copy of the record; its handle is the one this ledger made.
    for (const [row, known] of this.rows) if (known.handle === record.handle) return row;
    return null;
  }

  private index(): void {
    const sheet = this.book.sheet(SHEET.ledger);
    const layout = this.book.layout(SHEET.ledger);
    const last = sheet.getLastRow();
    this.byInvoice = new Map();
    this.byPayment = new Map();
    if (last < 2) return;
    const keys = sheet.getRange(2, layout.require(LEDGER_KEY), last - 1, 1).getValues();
    keys.forEach(([key], i) => {
      const id = String(key ?? '').trim();
      if (id && !this.byInvoice.has(id)) this.byInvoice.set(id, i + 2);
    });
    const paymentColumn = layout.column('Stripe Payment ID');
    if (!paymentColumn) return;
    const payments = sheet.getRange(2, paymentColumn, last - 1, 1).getValues();
    payments.forEach(([cell], i) => {
      for (const id of String(cell ?? '').split(',')) {
        const trimmed = id.trim();
        if (trimmed && !this.byPayment.has(trimmed)) this.byPayment.set(trimmed, i + 2);
      }
    });
  }

  /** Reads rows in runs of nearby rows, one call per run. */
  private read(rowNumbers: number[]): LedgerRecord[] {
    const sorted = [...new Set(rowNumbers)].sort((a, b) => a - b);
    const sheet = this.book.sheet(SHEET.ledger);
    const width = this.book.layout(SHEET.ledger).width;
    const records: LedgerRecord[] = [];
    let i = 0;
    while (i < sorted.length) {
      const first = sorted[i] as number;
      let last = first;
      while (i + 1 < sorted.length && (sorted[i + 1] as number) - last <= MAX_ROW_GAP) {
        i += 1;
        last = sorted[i] as number;
      }
      i += 1;
      const block = sheet.getRange(first, 1, last - first + 1, width).getValues() as Cell[][];
      block.forEach((values, offset) => {
        const rowNumber = first + offset;
        const record = this.inner.recordFromValues(rowNumber, values);
        this.rows.set(rowNumber, record);
        if (rowNumbers.includes(rowNumber)) records.push(record);
      });
    }
    return records;
  }
}

/**
 * The exception queue for one synced page: the `Open Key` column is read once, so that the usual answer — no such
 * exception open — costs no call; only a key that is there is looked up (and its status checked) as on the webhook
 * path.
 */
export class PageExceptions implements ExceptionQueue {
  private openKeys = new Set<string>();

  constructor(
    private readonly book: Workbook,
    private readonly inner: SheetExceptionQueue,
  ) {}

  refresh(): void {
    const sheet = this.book.sheet(SHEET.exceptions);
    const last = sheet.getLastRow();
    this.openKeys = new Set();
    if (last < 2) return;
    const column = this.book.layout(SHEET.exceptions).require('Open Key');
    for (const [key] of sheet.getRange(2, column, last - 1, 1).getValues())
      if (key) this.openKeys.add(String(key));
  }

  findOpen(reason: ExceptionDraft['reason'], invoiceKey: string): OpenException | null {
    if (!this.openKeys.has(openKey(reason, invoiceKey))) return null;
    return this.inner.findOpen(reason, invoiceKey);
  }

  open(draft: ExceptionDraft, openedAt: Date): string {
    return this.inner.open(draft, openedAt);
  }

  addEvidence(open: OpenException, draft: ExceptionDraft): void {
    this.inner.addEvidence(open, draft);
  }

  openMany(opened: OpenedException[]): void {
    this.inner.openMany(opened);
  }
}

/** Every ledger row, in one read. */
export function readLedgerRows(book: Workbook, ledger: SheetLedger): ReplayRow[] {
  const sheet = book.sheet(SHEET.ledger);
  const layout = book.layout(SHEET.ledger);
  const last = sheet.getLastRow();
  if (last < 2) return [];
  const values = sheet.getRange(2, 1, last - 1, layout.width).getValues() as Cell[][];
  const rows: ReplayRow[] = [];
  values.forEach((row, i) => {
    const record = ledger.recordFromValues(i + 2, row);
    if (record.invoiceId) rows.push({ ...record, rowNumber: i + 2 });
  });
  return rows;
}

/** Rows of `Stripe Events` read at a time: payloads are large, and one huge read can exhaust memory. */
const LOG_CHUNK_ROWS = 1000;

/** Verified and API-read events with an id, in log order, payload continuation joined. */
export function readLoggedEvents(book: Workbook): LoggedEvent[] {
  const sheet = book.sheet(SHEET.events);
  const layout = book.layout(SHEET.events);
  const last = sheet.getLastRow();
  const width = Math.max(sheet.getLastColumn(), layout.width);
  const idColumn = layout.require('Event ID') - 1;
  const verificationColumn = layout.require('Verification') - 1;
  const payloadColumn = layout.require('Payload') - 1;
  const events: LoggedEvent[] = [];
  for (let start = 2; start <= last; start += LOG_CHUNK_ROWS) {
    const count = Math.min(LOG_CHUNK_ROWS, last - start + 1);
    const values = sheet.getRange(start, 1, count, width).getValues();
    for (const row of values) {
      const eventId = String(row[idColumn] ?? '');
      const verification = String(row[verificationColumn] ?? '');
      if (!eventId || (verification !== 'valid' && verification !== 'api')) continue;
      const payload = row
        .slice(payloadColumn)
        .map((cell) => String(cell ?? ''))
        .join('');
      events.push({ eventId, payload });
    }
  }
  return events;
}

export function readAuditEntries(book: Workbook): AuditEntry[] {
  const sheet = book.sheet(SHEET.audit);
  const layout = book.layout(SHEET.audit);
  const last = sheet.getLastRow();
  if (last < 2) return [];
  const values = sheet.getRange(2, 1, last - 1, layout.width).getValues();
  const column = (name: (typeof AUDIT_COLUMNS)[number]) => layout.require(name) - 1;
  return values.map((row) => {
    const at = row[column('At')];
    return {
      at: at instanceof Date ? at : new Date(String(at)),
      actor: String(row[column('Actor')] ?? ''),
      action: String(row[column('Action')] ?? ''),
      target: String(row[column('Target')] ?? ''),
      field: String(row[column('Field')] ?? ''),
      before: row[column('Before')] as AuditEntry['before'],
      after: row[column('After')] as AuditEntry['after'],
      evidence: String(row[column('Evidence')] ?? ''),
    };
  });
}
