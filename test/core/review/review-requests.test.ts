// Requests from the sidebar are checked field by field before anything is read.

import { describe, expect, it } from 'vitest';
import {
  checkActRequest,
  checkQueueRequest,
  REVIEWER_RESOLUTIONS,
} from '../../../src/core/review/review-requests';

describe('checkActRequest', () => {
  const request = (action: object) => ({ exceptionId: 'EX-20260114-HZKFRD', version: '1x2y3z', action });

  it('takes a well-formed action and trims the note; an owner is lower-cased', () => {
    expect(checkActRequest(request({ kind: 'dismiss', note: '  Paid twice  ' }))).toEqual({
      ok: true,
      value: { ...request({ kind: 'dismiss', note: 'Paid twice' }) },
    });
    expect(checkActRequest(request({ kind: 'assign', owner: 'Head@School.example' }))).toMatchObject({
      ok: true,
      value: { action: { owner: 'head@school.example' } },
    });
  });

  it('names the field it refuses', () => {
    expect(checkActRequest({ ...request({ kind: 'dismiss', note: 'x' }), version: 'DROP TABLE' })).toEqual({
      ok: false,
      message: 'version is not an exception version.',
    });
    expect(checkActRequest(request({ kind: 'snooze', until: '2026-02-30x', note: '' }))).toMatchObject({
      ok: false,
      message: 'until is longer than 10 characters.',
    });
    expect(
      checkActRequest(request({ kind: 'match', rowNumber: 2.5, fingerprint: '', note: '' })),
    ).toMatchObject({
      ok: false,
      message: 'rowNumber must be a whole number from 2 to 10000000.',
    });
    expect(checkActRequest(request({ kind: 'reject', rowNumber: 3, fingerprint: '' }))).toMatchObject({
      ok: false,
    });
  });

  it('offers reviewers every resolution but the two the add-on sets itself', () => {
    expect(REVIEWER_RESOLUTIONS).not.toContain('auto');
    expect(REVIEWER_RESOLUTIONS).not.toContain('matched');
    expect(REVIEWER_RESOLUTIONS).toContain('paid outside Stripe');
  });
});

describe('checkQueueRequest', () => {
  it('fills what the sidebar left out with the list it opens with', () => {
    expect(checkQueueRequest({})).toEqual({
      ok: true,
      value: { filter: { reason: null, status: 'open', owner: null, currency: null }, page: 1, pageSize: 50 },
    });
  });

  it('refuses a page size past the most a page holds, and a reason that is not one', () => {
    expect(checkQueueRequest({ pageSize: 5000 })).toMatchObject({ ok: false });
    expect(checkQueueRequest({ filter: { reason: 'MYSTERY' } })).toMatchObject({ ok: false });
  });
});
