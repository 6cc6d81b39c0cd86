// System trouble and its fingerprints.

import { describe, expect, it } from 'vitest';
import { systemTrouble } from '../../../src/core/alerts/system-trouble';

const NOW = new Date('2026-03-10T16:00:00Z');

describe('system trouble', () => {
  it('names signature failures as such, fingerprinted by order of magnitude', () => {
    const few = systemTrouble({ signatureFailures: { count: 3, latest: NOW } }, NOW);
    const more = systemTrouble({ signatureFailures: { count: 9, latest: NOW } }, NOW);
    const flood = systemTrouble({ signatureFailures: { count: 40, latest: NOW } }, NOW);
    expect(few.trouble[0]?.text).toMatch(/^Stripe signature check failed for 3 deliveries/);
    expect(few.trouble[0]?.fingerprint).toBe(more.trouble[0]?.fingerprint);
    expect(flood.trouble[0]?.fingerprint).not.toBe(few.trouble[0]?.fingerprint);
    expect(few.checked).toEqual(['signature']);
  });

  it('reports a failing sync with its message, the same error keeping its fingerprint', () => {
    const lastRun = {
      at: NOW.toISOString(),
      ok: false,
      message: 'Stripe answered 401: check STRIPE_API_KEY.',
      caughtUp: false,
    };
    const sync = { lastRun, cursorCreated: null, intervalMinutes: 15 };
    const a = systemTrouble({ sync }, NOW).trouble;
    const b = systemTrouble({ sync }, new Date(NOW.getTime() + 60_000)).trouble;
    expect(a.map((t) => t.kind)).toEqual(['sync-failing']);
    expect(a[0]?.fingerprint).toBe(b[0]?.fingerprint);
  });

  it('reports a sync more than an hour behind, and one that stopped running', () => {
    const behind = {
      lastRun: { at: NOW.toISOString(), ok: true, message: 'Stopped at the time budget.', caughtUp: false },
      cursorCreated: NOW.getTime() / 1000 - 3 * 3600,
      intervalMinutes: 15,
    };
    expect(systemTrouble({ sync: behind }, NOW).trouble[0]?.fingerprint).toBe('sync-behind:catching-up');
    const stale = {
      lastRun: { at: '2026-03-10T14:00:00Z', ok: true, message: 'Caught up.', caughtUp: true },
      cursorCreated: null,
      intervalMinutes: 15,
    };
    expect(systemTrouble({ sync: stale }, NOW).trouble[0]?.fingerprint).toBe('sync-behind:not-running');
    expect(systemTrouble({ sync: { ...stale, intervalMinutes: null } }, NOW).trouble).toEqual([]);
  });

  it('warns once a day when a quota passes four fifths of its limit', () => {
    const quota = {
      day: '2026-03-10',
      urlFetches: 16_000,
      urlFetchLimit: 20_000,
      triggerMs: 0,
      triggerMsLimit: 5_400_000,
    };
    expect(systemTrouble({ quota }, NOW).trouble[0]?.fingerprint).toBe('quota:2026-03-10:1');
    expect(systemTrouble({ quota: { ...quota, urlFetches: 15_999 } }, NOW).trouble).toEqual([]);
  });

  it('warns when the spreadsheet nears its 10 million cells', () => {
    const near = systemTrouble({ spreadsheetCells: { used: 8_600_000, limit: 10_000_000 } }, NOW).trouble[0];
    expect(near?.fingerprint).toBe('spreadsheet-size:85');
    expect(near?.text).toContain('8,600,000 of its 10,000,000 cells (86 %)');
  });
});
