// Which log rows may leave for the archive, and when a delete above reserved rows is safe.

import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_CHUNK_ROWS,
  type LeadingRow,
  parseArchiveState,
  reservationsInFlight,
  rowKey,
  rowsToMove,
  serialiseArchiveState,
} from '../../src/core/log-retention';
import { readSettings } from '../../src/core/settings';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-26T12:00:00Z');
const old = (result = 'processed', days = 120): LeadingRow => ({
  receivedAtMs: NOW - days * DAY,
  result,
  held: false,
  blank: false,
});
const blank: LeadingRow = { receivedAtMs: null, result: '', held: false, blank: true };

function move(leading: LeadingRow[], dataRows = 2_000, archiveRows = 1_000, started = false): number {
  return rowsToMove({ dataRows, archiveRows, started, leading, nowMs: NOW, retentionDays: 90 });
}

describe('rowsToMove', () => {
  it('moves nothing until the log passes its size, then down to 80% of it', () => {
    const leading = Array.from({ length: 3_000 }, () => old());
    expect(move(leading, 1_000)).toBe(0);
    expect(move(leading, 1_001)).toBe(201);
    // Once started, a run goes on below the size to the target.
    expect(move(leading, 900, 1_000, true)).toBe(100);
    expect(move(leading, 800, 1_000, true)).toBe(0);
  });

  it('moves at most a chunk at a time', () => {
    const leading = Array.from({ length: 5_000 }, () => old());
    expect(move(leading, 100_000, 1_000)).toBe(ARCHIVE_CHUNK_ROWS);
  });

  it('stops at the first row still inside the retention, still queued, or held', () => {
    expect(move([old(), old(), old('processed', 89), old()])).toBe(2);
    expect(move([old(), old('queued'), old()])).toBe(1);
    expect(move([old(), { ...old(), held: true }, old()])).toBe(1);
    expect(move([{ ...old(), receivedAtMs: null }, old()])).toBe(0);
  });

  it('moves every final result: rejected forgeries, errors, busy answers and duplicates included', () => {
    const results = ['processed', 'duplicate', 'ignored', 'rejected', 'busy', 'error'];
    expect(move(results.map((r) => old(r)))).toBe(results.length);
  });

  it('takes blank rows along with the settled rows after them, never as the end of a chunk', () => {
    expect(move([old(), blank, blank, old(), blank])).toBe(4);
    expect(move([blank, blank])).toBe(0);
    expect(move([blank, old('queued')])).toBe(0);
  });
});

describe('reservationsInFlight', () => {
  const recent = NOW - 60_000;
  const longAgo = NOW - 13 * 60_000;

  it('is clear when every reserved row is written', () => {
    expect(reservationsInFlight([longAgo, recent, recent], NOW, true)).toBe(false);
    expect(reservationsInFlight([], NOW, true)).toBe(false);
  });

  it('waits for a blank row with no long-finished delivery after it', () => {
    expect(reservationsInFlight([longAgo, null, recent], NOW, true)).toBe(true);
    expect(reservationsInFlight([longAgo, recent, null], NOW, true)).toBe(true);
  });

  it('passes a blank row that a delivery received long ago came after: its execution has ended', () => {
    expect(reservationsInFlight([null, longAgo, recent], NOW, true)).toBe(false);
  });

  it('cannot vouch for rows above a window of recent rows only', () => {
    expect(reservationsInFlight([recent, recent], NOW, false)).toBe(true);
    expect(reservationsInFlight([longAgo, recent], NOW, false)).toBe(false);
  });
});

describe('the archive record', () => {
  it('survives a round trip and reads damage as empty', () => {
    const state = {
      files: [
        {
          spreadsheetId: 'abc',
          url: 'https://docs.google.com/spreadsheets/d/abc/edit',
          rows: 12,
          columns: 8,
        },
      ],
      archivedThroughMs: NOW,
      pending: {
        spreadsheetId: 'abc',
        archiveRow: 14,
        count: 3,
        copied: 2,
        firstRowKey: 'k',
        throughMs: NOW,
        nextRowAtDelete: 900,
      },
    };
    expect(parseArchiveState(serialiseArchiveState(state))).toEqual(state);
    expect(parseArchiveState('{not json')).toEqual({ files: [], archivedThroughMs: 0, pending: null });
    expect(
      parseArchiveState(JSON.stringify({ files: [{ spreadsheetId: 1 }], pending: { count: 'x' } })),
    ).toEqual({
      files: [],
      archivedThroughMs: 0,
      pending: null,
    });
  });

  it('keys a row by its cells, dates by their instant, long text by its start and length', () => {
    const at = new Date(NOW);
    const body = `{"id":"evt_1",${'"x":1,'.repeat(40)}"end":true}`;
    expect(rowKey([at, 'webhook', 'evt_1', 'processed', body])).toBe(
      rowKey([new Date(NOW), 'webhook', 'evt_1', 'processed', body]),
    );
    expect(rowKey([at, 'webhook', 'evt_1', 'processed', body])).not.toBe(
      rowKey([at, 'webhook', 'evt_1', 'processed', `${body} `]),
    );
  });
});

describe('the retention settings', () => {
  it('default to 100,000 rows and 90 days, and never go below what is safe', () => {
    expect(readSettings({})).toMatchObject({ logArchiveRows: 100_000, logRetentionDays: 90, problems: [] });
    expect(readSettings({ LOG_ARCHIVE_ROWS: '250000', LOG_RETENTION_DAYS: '400' })).toMatchObject({
      logArchiveRows: 250_000,
      logRetentionDays: 400,
    });
    const low = readSettings({ LOG_ARCHIVE_ROWS: '10', LOG_RETENTION_DAYS: '7' });
    expect(low).toMatchObject({ logArchiveRows: 1_000, logRetentionDays: 35 });
    expect(low.problems).toEqual([
      'LOG_ARCHIVE_ROWS is 10, below its minimum; 1000 is used.',
      'LOG_RETENTION_DAYS is 7, below its minimum; 35 is used.',
    ]);
    expect(readSettings({ LOG_RETENTION_DAYS: 'ninety' }).problems).toEqual([
      'LOG_RETENTION_DAYS is "ninety", not a positive number; 90 is used.',
    ]);
  });
});
