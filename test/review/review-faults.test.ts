// A reviewer's match through the real adapters, with one Apps Script call failing: whichever call it is, once the
// reviewer clicks again (the next holder of the lock completes what the first left in the journal), the sheets are
// those of the run without the failure: the row paid once, the exception resolved once, every Audit row once.

import { afterEach, describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/shared/review-api';
import { OWNER, type ReviewWorld, ROW, reviewWorld } from './review-world';

let world: ReviewWorld | null = null;
afterEach(() => {
  world?.close();
  world = null;
});

/** What a finance user sees, times aside (a retry after nothing was written settles a moment later). */
function visible(w: ReviewWorld): unknown {
  const ledger = w.records('Ledger').map((row) => {
    const { 'Stripe State': _state, 'Paid At': paidAt, ...rest } = row;
    return { ...rest, paidAt: paidAt instanceof Date ? paidAt.toISOString() : paidAt };
  });
  const exceptions = w.records('Exceptions').map(({ 'Resolved At': at, 'Opened At': _o, ...rest }) => ({
    ...rest,
    resolved: at instanceof Date,
  }));
  const audit = w
    .records('Audit')
    .filter((row) => row.Actor !== '' || row.Field !== '')
    .map(({ At: _at, Before, After, ...rest }) => ({
      ...rest,
      Before: Before instanceof Date ? 'a time' : Before,
      After: After instanceof Date ? 'a time' : After,
    }))
    .map((row) => JSON.stringify(row))
    .sort();
  return { ledger, exceptions, audit };
}

function run(failAt: number): { world: ReviewWorld; calls: number; failed: boolean } {
  const w = reviewWorld();
  w.paid({
    id: 'evt_soren_2_paid',
    invoiceId: 'in_soren_2',
    amountDue: 48_000,
    currency: 'eur',
    customer: 'cus_norgaard',
    customerName: 'Soren Norgaard',
    customerEmail: 'norgaard@mail.example',
    created: Date.parse('2026-01-14T09:00:00Z') / 1000,
  });
  const id = String(w.exceptionFor('in_soren_2')['Exception ID']);
  const detail = w.call('reviewDetail', { exceptionId: id });
  if (!detail.ok) throw new Error(detail.message);
  const best = detail.candidates[0] as Candidate;
  expect(best.rowNumber).toBe(ROW.soren2);
  const request = {
    exceptionId: id,
    version: detail.item.version,
    action: { kind: 'match', rowNumber: best.rowNumber, fingerprint: best.fingerprint, note: '' },
  };
  let calls = 0;
  let failed = false;
  const stop = w.fakes.onCall(() => {
    calls += 1;
    if (calls === failAt) throw w.fakes.error('Service Spreadsheets failed while accessing document.');
  });
  try {
    w.call('reviewAct', request);
  } catch {
    failed = true;
  } finally {
    stop();
  }
  // The sidebar shows the failure; the reviewer clicks Match again.
  w.call('reviewAct', request);
  return { world: w, calls, failed };
}

describe('a match in the sidebar, one Apps Script call failing', () => {
  it('ends as the run without the failure, whichever call failed', () => {
    const clean = run(Number.POSITIVE_INFINITY);
    world = clean.world;
    const expected = visible(clean.world);
    expect(clean.world.records('Ledger')[ROW.soren2 - 2]).toMatchObject({
      'Payment Status': 'paid',
      'Stripe Customer': 'cus_norgaard',
    });
    clean.world.close();
    world = null;
    const mismatches: number[] = [];
    let threw = 0;
    for (let k = 1; k <= clean.calls; k++) {
      const faulty = run(k);
      world = faulty.world;
      if (faulty.failed) threw += 1;
      if (JSON.stringify(visible(faulty.world)) !== JSON.stringify(expected)) mismatches.push(k);
      expect(faulty.world.fakes.properties.script.has('STRIPE_LEDGER_JOURNAL')).toBe(false);
      faulty.world.close();
      world = null;
    }
    expect(clean.calls).toBeGreaterThan(20);
    // Most failures reach the reviewer as an error; a few are absorbed (a read that only decides who may act).
    expect(threw).toBeGreaterThan(clean.calls / 2);
    expect(mismatches).toEqual([]);
  });

  it('names the reviewer in every Audit row the match wrote, completed or not', () => {
    const faulty = run(40);
    world = faulty.world;
    const byReviewer = faulty.world.records('Audit').filter((row) => row.Actor === OWNER);
    expect(byReviewer.map((row) => row.Field)).toEqual(
      expect.arrayContaining(['Status', 'Resolution', 'Stripe Invoice ID', 'Stripe Customer']),
    );
  });
});
