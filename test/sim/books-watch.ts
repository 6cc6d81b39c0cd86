// Watches the world's writes to tell when the books reached their final state: the last virtual time a write
// changed the Ledger, Exceptions or Audit sheets, and the last time the `Stripe Events` log went from some `queued`
// rows to none.

import { unwrap } from '../../fakes/gas-core';
import type { FakeRange, FakeSheet, FakeSpreadsheet } from '../../fakes/gas-sheets';
import { SHEET } from '../../src/core/contract';
import type { Scheduler } from './scheduler';
import type { CallObserver } from './world-host';

const BOOKS: ReadonlySet<string> = new Set([SHEET.ledger, SHEET.exceptions, SHEET.audit]);
/** Calls that cannot change a grid. */
const READS = /^(get|is|has|can|find|match|use|ignore|start|create|offset|activate)/;

export class BooksWatch implements CallObserver {
  /** Last virtual time each of Ledger, Exceptions and Audit changed. */
  readonly lastChange = new Map<string, number>();
  queued = 0;
  peakQueued = 0;
  /** When the last `queued` row went (null if there never was one, or one is still there). */
  queuedDrainedAt: number | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly spreadsheet: FakeSpreadsheet,
  ) {}

  observe<T>(kind: string, target: object, method: string, call: () => T): T {
    if (READS.test(method)) return call();
    const raw = unwrap(target);
    const sheets = this.sheetsOf(kind, raw);
    if (sheets.length === 0) return call();
    const versions = sheets.map((sheet) => sheet._version);
    const range = kind === 'Range' ? (raw as FakeRange) : null;
    const before = range && BOOKS.has(range.sheet.name) ? contentOf(range) : null;
    const events = sheets.find((sheet) => sheet.name === SHEET.events);
    const rows = events ? this.rowsTouched(events, range, method) : null;
    const queuedBefore = events && rows ? queuedIn(events, rows) : 0;
    const result = call();
    sheets.forEach((sheet, i) => {
      if (sheet._version === versions[i]) return;
      if (BOOKS.has(sheet.name) && (before === null || contentOf(range as FakeRange) !== before)) {
        this.lastChange.set(sheet.name, this.scheduler.now);
      }
      if (sheet === events && rows) {
        if (rows.to === APPENDED) rows.to = sheet._lastRow();
        this.setQueued(this.queued + queuedIn(sheet, rows) - queuedBefore);
      }
    });
    return result;
  }

  /** The latest change to the books or to the queue, whichever came last. */
  get settledAt(): number | null {
    const changes = [...this.lastChange.values()];
    if (this.queuedDrainedAt !== null) changes.push(this.queuedDrainedAt);
    return changes.length > 0 ? Math.max(...changes) : null;
  }

  private sheetsOf(kind: string, raw: object): FakeSheet[] {
    switch (kind) {
      case 'Range':
        return [(raw as FakeRange).sheet];
      case 'Sheet':
        return [raw as FakeSheet];
      case 'Spreadsheet':
      case 'TextFinder':
        return [...this.spreadsheet.sheets];
      default:
        return [];
    }
  }

  /** The rows of `Stripe Events` a write can change: a range's own, an appended row, or (anything else) all. */
  private rowsTouched(sheet: FakeSheet, range: FakeRange | null, method: string): Rows {
    if (range) return { from: range.row, to: range.row + range.numRows - 1 };
    if (method === 'appendRow') return { from: sheet._lastRow() + 1, to: APPENDED };
    return { from: 1, to: Math.max(sheet._lastRow(), sheet.rows.length) };
  }

  private setQueued(queued: number): void {
    if (this.queued > 0 && queued === 0) this.queuedDrainedAt = this.scheduler.now;
    if (queued > 0) this.queuedDrainedAt = null;
    this.queued = queued;
    this.peakQueued = Math.max(this.peakQueued, queued);
  }
}

interface Rows {
  from: number;
  to: number;
}
/** Marks the end of an appended range, known only after the append. */
const APPENDED = -1;

function queuedIn(sheet: FakeSheet, rows: Rows): number {
  const column = (sheet.rows[0] ?? []).findIndex((cell) => cell?.v === 'Result');
  if (column < 0) return 0;
  let queued = 0;
  for (let r = Math.max(rows.from, 2); r <= rows.to; r++)
    if (sheet.rows[r - 1]?.[column]?.v === 'queued') queued += 1;
  return queued;
}

function contentOf(range: FakeRange): string {
  const parts: string[] = [];
  for (let r = range.row; r < range.row + range.numRows; r++) {
    const cells = range.sheet.rows[r - 1];
    for (let c = range.column; c < range.column + range.numColumns; c++) {
      const cell = cells?.[c - 1];
      const v = cell?.v;
      parts.push(`${v instanceof Date ? v.getTime() : String(v ?? '')}\u0001${cell?.f ?? ''}`);
    }
  }
  return parts.join('\u0002');
}
