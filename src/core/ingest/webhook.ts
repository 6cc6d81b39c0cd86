// receive → verify (no lock) → apply at once when the script lock is free, else record as `queued` → answer.
// Forged traffic never touches the script lock: the signature is checked first, and rejected rows go through the
// append lock only, up to the hourly limit (a count beyond it). Every request leaves one row in `Stripe Events`,
// except `busy` (Stripe retries) and rejected requests beyond the flood limit.

import { errorMessage } from '../../shared/error-message';
import { ApplyInterrupted, applyChanges, recoverJournal } from '../apply/apply-step';
import type { ApplyResult, Delivery, DeliveryOutcome } from '../apply/changes';
import type { Clock, EventLogRow } from '../apply/ports';
import type { Verification, WebhookAnswer, WebhookResult } from '../contract';
import { normaliseEvent } from '../normalise';
import type { HmacSha256Hex } from '../ports';
import { verifyStripeSignature } from '../signature';
import { appliedEventId, readThinEvent } from '../thin-event';
import { utf8Bytes } from '../utf8';
import { drain } from './lock-scope';
import type { LockedWork, OutsideLog, RejectionBudget } from './ports';

/** How long recording may wait for the append lock: it is held only to reserve a row. */
export const APPEND_LOCK_WAIT_MS = 10_000;

export interface WebhookDeps extends LockedWork {
  clock: Clock;
  hmac: HmacSha256Hex;
  /** Trimmed `whsec_…` secrets; empty when none is configured. */
  secrets(): string[];
  rejections: RejectionBudget;
  outside: OutsideLog;
}

export interface WebhookRequest {
  /** `e.postData.contents`: the raw body as Apps Script decoded it. */
  rawBody: string;
  /** `e.parameter.stripe_signature`: the relay's copy of the `Stripe-Signature` header. */
  signatureHeader: string | null;
  /** `e.postData.length`, so a charset problem shows beside the decoded length. */
  contentLength: number | null;
}

export function handleWebhook(deps: WebhookDeps, request: WebhookRequest): WebhookAnswer {
  const receivedAt = deps.clock.now();
  const unverified = (verification: Verification, result: WebhookResult, message: string): EventLogRow => ({
    receivedAt,
    source: 'webhook',
    eventId: null,
    eventType: claimedType(request.rawBody),
    verification,
    result,
    message,
    payload: request.rawBody,
  });
  let secrets: string[];
  try {
    secrets = deps.secrets();
  } catch (error) {
    return answer(
      'error',
      null,
      `Could not read the script properties, Stripe will retry: ${errorMessage(error)}`,
    );
  }
  let check: ReturnType<typeof verifyStripeSignature>;
  try {
    check = verifyStripeSignature({
      rawBody: request.rawBody,
      header: request.signatureHeader,
      secrets,
      nowSeconds: Math.floor(receivedAt.getTime() / 1000),
      hmac: deps.hmac,
    });
  } catch (error) {
    const message = `Could not check the signature (the HMAC service failed), Stripe will retry: ${errorMessage(error)}`;
    return logged(deps, unverified('invalid', 'error', message), answer('error', null, message));
  }
  if (check.verification === 'unconfigured') {
    const message = 'No webhook secret configured: set STRIPE_WEBHOOK_SECRETS in the script properties.';
    return logged(deps, unverified('unconfigured', 'error', message), answer('error', null, message));
  }
  if (check.verification !== 'valid') {
    const message = rejectionMessage(check.verification, check.detail, request);
    return rejected(deps, unverified(check.verification, 'rejected', message), message);
  }
  const normalised = safeNormalise(request.rawBody);
  if (normalised.kind === 'malformed') {
    return logged(
      deps,
      unverified('valid', 'rejected', normalised.message),
      answer('rejected', null, normalised.message),
    );
  }

  const delivery: Delivery = {
    payload: request.rawBody,
    receivedAt,
    source: 'webhook',
    verification: 'valid',
    logRow: null,
  };
  const eventId = normalised.eventId;
  if (tryScriptLock(deps)) return applyNow(deps, delivery, eventId);

  let row: number;
  try {
    row = deps.queue.record({
      receivedAt,
      source: 'webhook',
      eventId,
      eventType: normalised.eventType,
      verification: 'valid',
      result: 'queued',
      message: 'Recorded while another delivery held the ledger; applied in the next batch.',
      payload: request.rawBody,
    });
  } catch (error) {
    if (isLockTimeout(error)) {
      return answer(
        'busy',
        eventId,
        'Could not record the delivery in time (append lock busy); Stripe will retry.',
      );
    }
    return answer(
      'error',
      eventId,
      `Could not record the delivery, Stripe will retry: ${errorMessage(error)}`,
    );
  }
  try {
    deps.queue.signal();
    if (tryScriptLock(deps)) return applyQueued(deps, row, eventId);
  } catch (error) {
    deps.warn(`Recorded ${eventId} as queued, then: ${errorMessage(error)}`);
  }
  return answer(
    'queued',
    eventId,
    `${eventId} is recorded in ${'Stripe Events'} row ${row}; the execution holding the ledger applies it within seconds.`,
  );
}

/** The lock was free: apply this delivery in a batch of its own, then whatever waits. */
function applyNow(deps: WebhookDeps, delivery: Delivery, eventId: string): WebhookAnswer {
  let outcome: DeliveryOutcome | null = null;
  let failure: unknown = null;
  let recorded = false;
  try {
    const books = deps.books();
    recoverJournal(books);
    // Once applyChanges returns, this delivery's change is written and flushed: what fails after it does not undo it.
    try {
      outcome = applyChanges(books, [delivery]).deliveries[0] ?? null;
    } catch (error) {
      // Interrupted with the change recorded: complete it now, while the lock is held (a failure is often passing).
      if (!(error instanceof ApplyInterrupted && error.recorded)) throw error;
      recorded = true;
      outcome = completed(recoverJournal(books), eventId);
    }
    drain(deps, books, deps.nowMs());
  } catch (error) {
    failure = error;
  } finally {
    safeRelease(deps);
  }
  afterRelease(deps);
  if (outcome) return answer(outcome.result, outcome.eventId, outcome.message);
  const message = `Could not apply ${eventId}, Stripe will retry: ${errorMessage(failure)}`;
  // It is in the journal or has its row: recovery completes it and writes its one row.
  if (recorded || (failure instanceof ApplyInterrupted && failure.recorded))
    return answer('error', eventId, message);
  return logged(
    deps,
    {
      receivedAt: delivery.receivedAt,
      source: 'webhook',
      eventId,
      eventType: claimedType(delivery.payload),
      verification: 'valid',
      result: 'error',
      message,
      payload: delivery.payload,
    },
    answer('error', eventId, message),
  );
}

/** Recorded, then the lock turned out free: apply the queue, this delivery with it. */
function applyQueued(deps: WebhookDeps, row: number, eventId: string): WebhookAnswer {
  let outcome: DeliveryOutcome | null = null;
  try {
    const books = deps.books();
    recoverJournal(books);
    for (const result of drain(deps, books, deps.nowMs(), true)) {
      // By row and id: rows move up when old ones are archived (between this recording and the lock, not during it).
      outcome = result.deliveries.find((d) => d.logRow === row && d.eventId === eventId) ?? outcome;
    }
  } catch (error) {
    deps.warn(`Applying the queue with ${eventId} stopped: ${errorMessage(error)}`);
  } finally {
    safeRelease(deps);
  }
  afterRelease(deps);
  if (!outcome || outcome.result === 'queued') {
    return answer(
      'queued',
      eventId,
      `${eventId} is recorded in Stripe Events row ${row} and will be applied shortly.`,
    );
  }
  return answer(outcome.result, outcome.eventId, outcome.message);
}

function completed(result: ApplyResult | null, eventId: string): DeliveryOutcome | null {
  const mine = result?.deliveries.find((d) => d.eventId === eventId && d.result === 'processed');
  return mine ?? null;
}

function afterRelease(deps: WebhookDeps): void {
  for (let rounds = 0; rounds < 3; rounds++) {
    try {
      if (!deps.queue.signalled() || !deps.lock.tryLock(0)) return;
    } catch (error) {
      deps.warn(`Could not check the delivery queue: ${errorMessage(error)}`);
      return;
    }
    try {
      const books = deps.books();
      recoverJournal(books);
      drain(deps, books, deps.nowMs());
    } catch (error) {
      deps.warn(`Applying queued deliveries stopped: ${errorMessage(error)}`);
    } finally {
      safeRelease(deps);
    }
  }
}

/** A lock service that fails is a lock not had: the delivery is recorded instead, and still leaves its row. */
function tryScriptLock(deps: WebhookDeps): boolean {
  try {
    return deps.lock.tryLock(0);
  } catch (error) {
    deps.warn(`The script lock could not be asked for: ${errorMessage(error)}`);
    return false;
  }
}

function rejected(deps: WebhookDeps, entry: EventLogRow, message: string): WebhookAnswer {
  const result = answer('rejected', null, message);
  try {
    const gate = deps.rejections.admit(entry.receivedAt);
    if (gate.summary) deps.outside.append({ ...entry, eventType: null, payload: '', message: gate.summary });
    if (gate.store) deps.outside.append(entry);
  } catch (error) {
    deps.warn(`Could not log a rejected request: ${errorMessage(error)}`);
  }
  return result;
}

/** Logs a row outside the script lock; a failure to log is reported in the answer, never thrown. */
function logged(deps: WebhookDeps, entry: EventLogRow, result: WebhookAnswer): WebhookAnswer {
  try {
    deps.outside.append(entry);
    return result;
  } catch (error) {
    return { ...result, message: `${result.message} (Could not log it either: ${errorMessage(error)})` };
  }
}

function safeRelease(deps: WebhookDeps): void {
  try {
    deps.lock.release();
  } catch (error) {
    deps.warn(
      `Releasing the script lock failed (Apps Script releases it when the execution ends): ${errorMessage(error)}`,
    );
  }
}

type Envelope =
  | { kind: 'event'; eventId: string; eventType: string }
  | { kind: 'malformed'; message: string };

function safeNormalise(rawBody: string): Envelope {
  let event: unknown;
  try {
    event = JSON.parse(rawBody);
  } catch {
    return { kind: 'malformed', message: 'The body is not JSON, so it is not a Stripe event.' };
  }
  // A thin event (an event destination's notice) is known by the snapshot event it stands for.
  const thin = readThinEvent(event);
  if (thin) return { kind: 'event', eventId: appliedEventId(thin), eventType: thin.type };
  const normalised = normaliseEvent(event);
  if (normalised.kind === 'malformed') return { kind: 'malformed', message: normalised.message };
  if (normalised.kind === 'ignored') {
    return { kind: 'event', eventId: normalised.eventId, eventType: normalised.eventType };
  }
  return { kind: 'event', eventId: normalised.fact.eventId, eventType: normalised.fact.eventType };
}

function rejectionMessage(verification: Verification, detail: string, request: WebhookRequest): string {
  const lengths =
    request.contentLength !== null
      ? ` Body ${utf8Bytes(request.rawBody)} bytes as decoded, request said ${request.contentLength}.`
      : '';
  switch (verification) {
    case 'missing':
      // `detail` says whether the header was absent or present but malformed.
      return `Rejected: ${detail}`;
    case 'stale':
      return `Signature older than 300 s: ${detail}`;
    default:
      return `Signature does not match any configured secret: ${detail}${lengths}`;
  }
}

function isLockTimeout(error: unknown): boolean {
  return error instanceof Error && /lock/i.test(error.message) && /timeout|too long/i.test(error.message);
}

function answer(result: WebhookResult, eventId: string | null, message: string): WebhookAnswer {
  return { result, eventId, message };
}

function claimedType(body: string): string | null {
  try {
    const event = JSON.parse(body) as { type?: unknown };
    return event && typeof event.type === 'string' ? event.type.slice(0, 100) : null;
  } catch {
    return null;
  }
}
