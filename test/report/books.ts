// Books on the Apps Script fakes for the report and alert tests: the seeded month written into the sheets, or a
// fresh ledger to post webhooks to; the clock is vitest's faked Date, which Apps Script's `new Date()` stands for.

import { vi } from 'vitest';
import { createGasFakes, type GasFakeOptions, type GasFakes } from '../../fakes/gas';
import { setupLedger } from '../../src/gas/setup';
import {
  AUDIT_HEADER,
  AUDIT_ROWS,
  EVENT_ROWS,
  EVENTS_HEADER,
  EXCEPTION_ROWS,
  EXCEPTIONS_HEADER,
  LEDGER_HEADER,
  LEDGER_ROWS,
  SEEDED_NOW,
  SEEDED_TIME_ZONE,
} from './seeded-books';

/** The seeded month in the four sheets, set up as setupLedger leaves them; the clock at SEEDED_NOW. */
export function seededBooks(options: GasFakeOptions = {}): GasFakes {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(SEEDED_NOW);
  const fakes = createGasFakes({ timeZone: SEEDED_TIME_ZONE, ...options });
  fakes.install();
  const write = (name: string, header: unknown[], rows: unknown[][]) => {
    const sheet = fakes.spreadsheet.insertSheet(name);
    const values = [header, ...rows];
    const width = header.length;
    if (sheet.getMaxColumns() < width)
      sheet.insertColumnsAfter(sheet.getMaxColumns(), width - sheet.getMaxColumns());
    sheet.getRange(1, 1, values.length, width).setValues(values as never);
  };
  write('Ledger', LEDGER_HEADER, LEDGER_ROWS);
  write('Exceptions', EXCEPTIONS_HEADER, EXCEPTION_ROWS);
  write('Audit', AUDIT_HEADER, AUDIT_ROWS);
  write('Stripe Events', EVENTS_HEADER, EVENT_ROWS);
  setupLedger();
  fakes.counters.reset();
  return fakes;
}

export function closeBooks(fakes: GasFakes): void {
  fakes.uninstall();
  vi.useRealTimers();
}
