// What can be asked of the apply step, and what it answers.

import type { EventSource, WebhookResult } from '../contract';
import type { ExceptionDraft } from '../ledger-row';
import type { AuditEntry } from './ports';
import type { ReviewOutcome } from './reviews';

/** An Audit row a system check records as it is (an escalation sent): written with the batch's own. */
export type AuditNote = Omit<AuditEntry, 'at'>;

/** A verified Stripe event to apply: a webhook delivery, a synced or imported event. */
export interface Delivery {
  /** The raw event JSON exactly as received (webhook body, or the event as the API returned it). */
  payload: string;
  receivedAt: Date;
  source: EventSource;
  verification: 'valid' | 'api';
  /** Its row in `Stripe Events` when it was recorded before being applied; null when the apply step writes it. */
  logRow: number | null;
  /** In recovery: a row reserved for it that the stopped batch had not written yet. */
  reservedRow?: number;
  /** In recovery: the result the stopped batch had decided for it. */
  decided?: WebhookResult;
}

/** An exception a system check raises (drift, settlement timers): no Stripe event, same queue and audit. */
export interface Finding {
  draft: ExceptionDraft;
  /** Who raised it: `system`, or a reviewer's e-mail. */
  actor: string;
}

export interface DeliveryOutcome {
  result: WebhookResult;
  eventId: string | null;
  eventType: string | null;
  message: string;
  /** The delivery's row in `Stripe Events`, or null when it was not logged (a synced event already applied). */
  logRow: number | null;
}

export interface FindingOutcome {
  /** The exception opened, or the one already open for the same reason and key; null when settled before. */
  exceptionId: string | null;
  opened: boolean;
}

export interface ApplyStats {
  ledgerRows: number;
  payoutRows: number;
  exceptionsOpened: number;
  exceptionsUpdated: number;
  auditRows: number;
  logRows: number;
}

export interface ApplyResult {
  deliveries: DeliveryOutcome[];
  findings: FindingOutcome[];
  reviews: ReviewOutcome[];
  /** Held payments the batch decided (sync's look after the grace window), by their rows. */
  releases: DeliveryOutcome[];
  stats: ApplyStats;
}

export interface ApplyOptions {
  /** Completing a batch a stopped execution left in the journal: the queue and the audit are looked up. */
  recovery?: boolean;
  /** In recovery: when the stopped batch began (the journal's `at`). */
  at?: Date;
  /**
   * Sync reads events oldest first and must not apply one past an event it could not apply: from the first
   * delivery that fails, the rest are left unapplied (answered `error`, not logged) for the next run.
   */
  stopAtFirstError?: boolean;
}
