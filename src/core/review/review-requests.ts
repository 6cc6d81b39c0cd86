// Requests from the sidebar, checked before anything is read: the types in src/shared/review-api.ts hold for the
// sidebar's own code, but the server functions are public to anyone who can run the script (a console call, a
// tampered page), so every field is checked here and anything else is refused with a sentence naming the field.

import {
  type ActRequest,
  type BulkAction,
  type BulkRequest,
  type DetailRequest,
  NOTE_MAX,
  PAGE_SIZE,
  type QueueFilter,
  type QueueRequest,
  type ReviewAction,
  type StatusFilter,
} from '../../shared/review-api';
import { EXCEPTION_REASONS } from '../contract';
import { EXCEPTION_RESOLUTIONS } from '../resolutions';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Resolutions a reviewer chooses; `auto` and `matched` are the add-on's own. */
export const REVIEWER_RESOLUTIONS: readonly string[] = EXCEPTION_RESOLUTIONS.filter(
  (resolution) => resolution !== 'auto' && resolution !== 'matched',
);

const STATUSES: readonly StatusFilter[] = ['open', 'snoozed', 'resolved', 'dismissed', 'all'];
const EXCEPTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const VERSION = /^[0-9a-z-]{1,40}$/;
const FINGERPRINT = /^[0-9a-z]{0,32}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function checked<T>(read: () => T): Checked<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, message: error.message };
    throw error;
  }
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object.`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string') fail(`${what} must be text.`);
  if (value.length > max) fail(`${what} is longer than ${max} characters.`);
  return value;
}

function whole(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(`${what} must be a whole number from ${min} to ${max}.`);
  return value;
}

function exceptionId(value: unknown): string {
  const id = text(value, 'exceptionId', 64);
  if (!EXCEPTION_ID.test(id)) fail('exceptionId is not an Exception ID.');
  return id;
}

function note(value: unknown, required: boolean): string {
  const trimmed = text(value, 'note', NOTE_MAX).trim();
  if (required && trimmed === '') fail('A note is required: say why, for whoever reads the Audit later.');
  return trimmed;
}

function filter(value: unknown): QueueFilter {
  const raw = record(value, 'filter');
  const reason = raw.reason ?? null;
  if (reason !== null && !(EXCEPTION_REASONS as readonly unknown[]).includes(reason))
    fail('filter.reason is not an exception reason.');
  const status = raw.status ?? 'open';
  if (!(STATUSES as readonly unknown[]).includes(status))
    fail(`filter.status must be one of ${STATUSES.join(', ')}.`);
  const owner = raw.owner ?? null;
  if (
    owner !== null &&
    (typeof owner !== 'string' || (owner !== '' && !EMAIL.test(owner)) || owner.length > 254)
  )
    fail('filter.owner must be an e-mail address, or empty for exceptions nobody owns.');
  const currency = raw.currency ?? null;
  if (currency !== null && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)))
    fail('filter.currency must be a three-letter currency code.');
  return {
    reason: reason as string | null,
    status: status as StatusFilter,
    owner: owner as string | null,
    currency: currency as string | null,
  };
}

export function checkQueueRequest(raw: unknown): Checked<QueueRequest> {
  return checked(() => {
    const request = record(raw, 'The request');
    return {
      filter: filter(request.filter ?? {}),
      page: whole(request.page ?? 1, 'page', 1, 100_000),
      pageSize: whole(request.pageSize ?? PAGE_SIZE.default, 'pageSize', 1, PAGE_SIZE.max),
    };
  });
}

export function checkDetailRequest(raw: unknown): Checked<DetailRequest> {
  return checked(() => ({ exceptionId: exceptionId(record(raw, 'The request').exceptionId) }));
}

export function checkActRequest(raw: unknown): Checked<ActRequest> {
  return checked(() => {
    const request = record(raw, 'The request');
    const version = text(request.version, 'version', 40);
    if (!VERSION.test(version)) fail('version is not an exception version.');
    return { exceptionId: exceptionId(request.exceptionId), version, action: action(request.action) };
  });
}

export function checkBulkRequest(raw: unknown): Checked<BulkRequest> {
  return checked(() => {
    const request = record(raw, 'The request');
    const selection = record(request.selection, 'selection');
    const version = text(selection.version, 'selection.version', 40);
    if (!VERSION.test(version)) fail('selection.version is not a selection version.');
    const bulk = action(request.action);
    if (bulk.kind !== 'resolve' && bulk.kind !== 'dismiss')
      fail('Only resolve and dismiss can be done in bulk.');
    return {
      filter: filter(request.filter),
      selection: { count: whole(selection.count, 'selection.count', 0, 1_000_000), version },
      action: bulk as BulkAction,
    };
  });
}

function row(raw: Record<string, unknown>): { rowNumber: number; fingerprint: string } {
  const fingerprint = text(raw.fingerprint ?? '', 'fingerprint', 32);
  if (!FINGERPRINT.test(fingerprint)) fail('fingerprint is not a row fingerprint.');
  return { rowNumber: whole(raw.rowNumber, 'rowNumber', 2, 10_000_000), fingerprint };
}

function action(value: unknown): ReviewAction {
  const raw = record(value, 'action');
  switch (raw.kind) {
    case 'match':
      return { kind: 'match', ...row(raw), note: note(raw.note ?? '', false) };
    case 'reject': {
      const target = row(raw);
      if (target.fingerprint === '') fail('fingerprint is required to rule a row out.');
      return { kind: 'reject', ...target };
    }
    case 'resolve': {
      const resolution = text(raw.resolution, 'resolution', 40);
      if (!REVIEWER_RESOLUTIONS.includes(resolution))
        fail(`resolution must be one of: ${REVIEWER_RESOLUTIONS.join(', ')}.`);
      return { kind: 'resolve', resolution, note: note(raw.note, true) };
    }
    case 'dismiss':
      return { kind: 'dismiss', note: note(raw.note, true) };
    case 'snooze': {
      const until = text(raw.until, 'until', 10);
      if (!DAY.test(until) || Number.isNaN(Date.parse(`${until}T00:00:00Z`)))
        fail('until must be a date written YYYY-MM-DD.');
      return { kind: 'snooze', until, note: note(raw.note ?? '', false) };
    }
    case 'reopen':
      return { kind: 'reopen', note: note(raw.note ?? '', false) };
    case 'assign': {
      const owner = text(raw.owner, 'owner', 254).trim().toLowerCase();
      if (owner !== '' && !EMAIL.test(owner)) fail('owner must be an e-mail address, or empty for nobody.');
      return { kind: 'assign', owner };
    }
    default:
      fail('action.kind must be match, reject, resolve, dismiss, snooze, reopen or assign.');
  }
}
