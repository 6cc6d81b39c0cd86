// receive → verify → dedupe → normalise → decide → write (log row first) → answer.
// Every path that is not `busy` leaves exactly one row in `Stripe Events` (rejected floods: a counted summary).

import type { EventSource, Verification, WebhookAnswer, WebhookResult } from './contract';
import { decide } from './decide';
import type { StripeFact } from './facts';
import type { Decision, ExceptionDraft } from './ledger-row';
import { emptyState, serialiseState } from './merge';
import { normaliseEvent } from './normalise';
import type {
  AuditEntry,
  AuditTrail,
  Clock,
  EventLog,
  EventLogRow,
  ExceptionQueue,
  HmacSha256Hex,
  Ledger,
  LedgerRecord,
  PaymentLinks,
  RejectionBudget,
  ScriptLock,
  WebhookSecrets,
} from './ports';
import { verifyStripeSignature } from './signature';
import type { InvoiceState } from './state';

/** Under Stripe's delivery timeout with room to apply: a longer wait would be answered too late to matter. */
export const LOCK_WAIT_MS = 10_000;
export const SYSTEM_ACTOR = 'system';

export interface PipelineDeps {
  clock: Clock;
  lock: ScriptLock;
  eventLog: EventLog;
  ledger: Ledger;
  exceptions: ExceptionQueue;
  audit: AuditTrail;
  paymentLinks: PaymentLinks;
  timeZone?: string;
}

export interface WebhookDeps extends PipelineDeps {
  hmac: HmacSha256Hex;
  secrets: WebhookSecrets;
  rejections: RejectionBudget;
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
  if (!deps.lock.tryLock(LOCK_WAIT_MS)) {
    return answer('busy', null, 'Another delivery held the script lock; Stripe will retry.');
  }
  try {
    return handleLocked(deps, request);
  } finally {
    deps.lock.release();
  }
}

function handleLocked(deps: WebhookDeps, request: WebhookRequest): WebhookAnswer {
  const receivedAt = deps.clock.now();
  const base = { receivedAt, source: 'webhook' as const, payload: request.rawBody };
  let verified = false;
  try {
    const secrets = deps.secrets.list();
    const check = verifyStripeSignature({
      rawBody: request.rawBody,
      header: request.signatureHeader,
      secrets,
      nowSeconds: Math.floor(receivedAt.getTime() / 1000),
      hmac: deps.hmac,
    });
    if (check.verification === 'unconfigured') {
      const message = 'No webhook secret configured: set STRIPE_WEBHOOK_SECRETS in the script properties.';
      logUnverified(deps, { ...base, verification: 'unconfigured', result: 'error', message });
      return answer('error', null, message);
    }
    if (check.verification !== 'valid') {
      const message = rejectionMessage(check.verification, check.detail, request);
      logRejected(deps, { ...base, verification: check.verification, result: 'rejected', message });
      return answer('rejected', null, message);
    }
    verified = true;
    return ingestVerifiedEvent(deps, { ...base, verification: 'valid' });
  } catch (error) {
    const message = `Could not process the delivery, Stripe will retry: ${describe(error)}`;
    logUnverified(deps, { ...base, verification: verified ? 'valid' : 'invalid', result: 'error', message });
    return answer('error', null, message);
  }
}

export interface VerifiedInput {
  receivedAt: Date;
  source: EventSource;
  verification: Extract<Verification, 'valid' | 'api'>;
  /** The raw event JSON exactly as received (webhook body, or the event as the API returned it). */
  payload: string;
}

/**
 * Applies one verified event. The caller holds the script lock. Used by the webhook and by sync, so both paths
 * dedupe, log and apply identically.
 */
export function ingestVerifiedEvent(deps: PipelineDeps, input: VerifiedInput): WebhookAnswer {
  let event: unknown;
  try {
    event = JSON.parse(input.payload);
  } catch {
    const message = 'The body is not JSON, so it is not a Stripe event.';
    deps.eventLog.append(row(input, null, null, 'rejected', message));
    return answer('rejected', null, message);
  }
  const normalised = normaliseEvent(event);
  if (normalised.kind === 'malformed') {
    const message = `Not a Stripe event: ${normalised.message}`;
    deps.eventLog.append(row(input, null, claimedType(event), 'rejected', message));
    return answer('rejected', null, message);
  }
  const eventId = normalised.kind === 'fact' ? normalised.fact.eventId : normalised.eventId;
  const eventType = normalised.kind === 'fact' ? normalised.fact.eventType : normalised.eventType;

  if (deps.eventLog.hasApplied(eventId)) {
    const message = `${eventId} was received before; nothing changed.`;
    // Sync re-reads events it overlaps with: those are not logged again.
    if (input.source === 'webhook')
      deps.eventLog.append(row(input, eventId, eventType, 'duplicate', message));
    return answer('duplicate', eventId, message);
  }
  if (normalised.kind === 'ignored') {
    const message = `${eventType} is not used by the ledger (${normalised.reason}).`;
    deps.eventLog.append(row(input, eventId, eventType, 'ignored', message));
    return answer('ignored', eventId, message);
  }

  const fact = normalised.fact;
  const record = findLedgerRow(deps, fact);
  const resolved: StripeFact = record && !fact.invoiceId ? { ...fact, invoiceId: record.invoiceId } : fact;
  const decision = decide(record, resolved, { timeZone: deps.timeZone });
  const message = decision.message;

  const handle = deps.eventLog.append(row(input, eventId, eventType, 'processed', message));
  try {
    applyDecision(deps, record, decision, eventId, input.receivedAt);
  } catch (error) {
    const failure = `Applying ${eventId} failed, Stripe will retry: ${describe(error)}`;
    deps.eventLog.markFailed(handle, failure);
    return answer('error', eventId, failure);
  }
  return answer('processed', eventId, message);
}

/** By invoice id; a `basil`+ charge or payment intent without one through the stored payment id, then Stripe. */
function findLedgerRow(deps: PipelineDeps, fact: StripeFact): LedgerRecord | null {
  if (fact.invoiceId) return deps.ledger.findByInvoice(fact.invoiceId);
  for (const paymentId of paymentKeys(fact)) {
    const record = deps.ledger.findByPayment(paymentId);
    if (record) return record;
  }
  for (const paymentId of paymentKeys(fact)) {
    const invoiceId = deps.paymentLinks.invoiceForPayment(paymentId);
    if (invoiceId) return deps.ledger.findByInvoice(invoiceId);
  }
  return null;
}

function paymentKeys(fact: StripeFact): string[] {
  const keys = [fact.paymentId, fact.chargeId].filter((id): id is string => Boolean(id));
  return [...new Set(keys)];
}

function applyDecision(
  deps: PipelineDeps,
  record: LedgerRecord | null,
  decision: Decision,
  eventId: string,
  at: Date,
): void {
  const entries: AuditEntry[] = [];
  const drafts = uniqueDrafts(decision.exceptions);
  const baseState = decision.state ?? record?.state ?? null;
  const raised = new Set(baseState?.raised ?? []);
  const exceptionsToOpen: ExceptionDraft[] = [];
  for (const draft of drafts) {
    // A reason never raised for a ledger row cannot be open: no queue lookup needed (the row's state remembers
    // every reason it raised). UNKNOWN_INVOICE has no row to remember it, so it is always looked up.
    const open =
      record && !raised.has(draft.reason) ? null : deps.exceptions.findOpen(draft.reason, draft.invoiceKey);
    if (open) {
      deps.exceptions.addEvidence(open, draft);
      entries.push(auditException(at, open.exceptionId, 'add_evidence', 'Event ID', '', eventId, eventId));
    } else {
      exceptionsToOpen.push(draft);
      raised.add(draft.reason);
    }
  }
  let written: LedgerRecord | null = null;
  const previousState = record?.state ?? null;
  if (record) {
    const state = baseState ?? emptyState(record.invoiceId);
    const next: InvoiceState = raised.size > 0 ? { ...state, raised: [...raised].sort() } : state;
    if (stateChanged(record.state, next, decision)) {
      deps.ledger.write(record, next, decision.changes);
      written = record;
      for (const change of decision.changes) {
        entries.push({
          at,
          actor: SYSTEM_ACTOR,
          action: 'update',
          target: `Ledger:${record.invoiceId}`,
          field: change.field,
          before: change.before,
          after: change.after,
          evidence: eventId,
        });
      }
    }
  }
  try {
    for (const draft of exceptionsToOpen) {
      const exceptionId = deps.exceptions.open(draft, at);
      entries.push(auditException(at, exceptionId, 'open_exception', 'Status', '', 'open', eventId));
    }
    if (entries.length > 0) deps.audit.append(entries);
  } catch (error) {
    // Put the row back, so that Stripe's retry sees the same transition and redoes its exceptions and audit rows
    // instead of finding nothing left to do.
    if (written) deps.ledger.restore(written, previousState, decision.changes);
    throw error;
  }
}

function stateChanged(before: InvoiceState | null, after: InvoiceState, decision: Decision): boolean {
  return decision.changes.length > 0 || before === null || serialiseState(before) !== serialiseState(after);
}

function uniqueDrafts(drafts: ExceptionDraft[]): ExceptionDraft[] {
  const seen = new Set<string>();
  return drafts.filter((draft) => {
    const key = `${draft.reason}|${draft.invoiceKey}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function auditException(
  at: Date,
  exceptionId: string,
  action: string,
  field: string,
  before: string,
  after: string,
  evidence: string,
): AuditEntry {
  return {
    at,
    actor: SYSTEM_ACTOR,
    action,
    target: `Exceptions:${exceptionId}`,
    field,
    before,
    after,
    evidence,
  };
}

function logRejected(deps: WebhookDeps, entry: Omit<EventLogRow, 'eventId' | 'eventType'>): void {
  const gate = deps.rejections.admit(entry.receivedAt);
  if (gate.summary) {
    deps.eventLog.append({ ...entry, eventId: null, eventType: null, payload: '', message: gate.summary });
  }
  if (gate.store) logUnverified(deps, entry);
}

/** Unverified rows never carry an event id: the dedupe index must only hold what Stripe really sent. */
function logUnverified(deps: PipelineDeps, entry: Omit<EventLogRow, 'eventId' | 'eventType'>): void {
  deps.eventLog.append({ ...entry, eventId: null, eventType: claimedType(safeParse(entry.payload)) });
}

function rejectionMessage(verification: Verification, detail: string, request: WebhookRequest): string {
  const lengths =
    request.contentLength !== null
      ? ` Body ${utf8Length(request.rawBody)} bytes as decoded, request said ${request.contentLength}.`
      : '';
  switch (verification) {
    case 'missing':
      return `No Stripe-Signature (stripe_signature parameter): ${detail}`;
    case 'stale':
      return `Signature older than 300 s: ${detail}`;
    default:
      return `Signature does not match any configured secret: ${detail}${lengths}`;
  }
}

function row(
  input: VerifiedInput,
  eventId: string | null,
  eventType: string | null,
  result: WebhookResult,
  message: string,
): EventLogRow {
  return {
    receivedAt: input.receivedAt,
    source: input.source,
    eventId,
    eventType,
    verification: input.verification,
    result,
    message,
    payload: input.payload,
  };
}

function answer(result: WebhookResult, eventId: string | null, message: string): WebhookAnswer {
  return { result, eventId, message };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function claimedType(event: unknown): string | null {
  if (event && typeof event === 'object' && typeof (event as { type?: unknown }).type === 'string') {
    return (event as { type: string }).type.slice(0, 100);
  }
  return null;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
