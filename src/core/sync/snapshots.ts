// History beyond Stripe's 30-day event window: Stripe objects logged as the events that would have described them.

type Json = Record<string, unknown>;

/**
 * An imported object has no Stripe event, yet the ledger must be explainable from the log alone. So each object is
 * logged as the event that describes its current state, with an id that says it is an import and changes when the
 * state does (so a re-import of the same state is a duplicate, and of a newer state is applied).
 */
export const IMPORT_EVENT_PREFIX = 'evt_import_';

export function isImportEventId(eventId: string): boolean {
  return eventId.startsWith(IMPORT_EVENT_PREFIX);
}

function snapshotEvent(id: string, type: string, created: number, object: Json, apiVersion: string): Json {
  return {
    id,
    object: 'event',
    api_version: apiVersion,
    created,
    data: { object },
    livemode: object.livemode === true,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type,
  };
}

const INVOICE_SNAPSHOT_TYPE: Record<string, string> = {
  draft: 'invoice.created',
  open: 'invoice.finalized',
  paid: 'invoice.paid',
  void: 'invoice.voided',
  uncollectible: 'invoice.marked_uncollectible',
};

function transition(object: Json, field: string): number | null {
  const transitions = object.status_transitions;
  if (!transitions || typeof transitions !== 'object') return null;
  const value = (transitions as Json)[field];
  return typeof value === 'number' ? value : null;
}

/** The event for an invoice's current state, stamped with the time it reached that state. */
export function invoiceSnapshotEvent(invoice: Json, apiVersion: string): Json | null {
  const id = typeof invoice.id === 'string' ? invoice.id : null;
  const status = typeof invoice.status === 'string' ? invoice.status : null;
  const type = status ? INVOICE_SNAPSHOT_TYPE[status] : undefined;
  if (!id || !status || !type) return null;
  const created = typeof invoice.created === 'number' ? invoice.created : 0;
  const reached =
    status === 'paid'
      ? transition(invoice, 'paid_at')
      : status === 'void'
        ? transition(invoice, 'voided_at')
        : status === 'uncollectible'
          ? transition(invoice, 'marked_uncollectible_at')
          : status === 'open'
            ? transition(invoice, 'finalized_at')
            : null;
  const object = { ...invoice };
  delete object.payments;
  return snapshotEvent(`${IMPORT_EVENT_PREFIX}${id}_${status}`, type, reached ?? created, object, apiVersion);
}

/** `basil`+: each paid invoice_payment of the invoice. */
export function invoicePaymentSnapshotEvent(payment: Json, apiVersion: string): Json | null {
  if (typeof payment.id !== 'string' || payment.status !== 'paid') return null;
  const created =
    transition(payment, 'paid_at') ?? (typeof payment.created === 'number' ? payment.created : 0);
  return snapshotEvent(
    `${IMPORT_EVENT_PREFIX}${payment.id}`,
    'invoice_payment.paid',
    created,
    payment,
    apiVersion,
  );
}

/** A charge with refunds, as `charge.refunded` would carry it; stamped with its newest refund. */
export function refundSnapshotEvent(charge: Json, refundCreated: number, apiVersion: string): Json | null {
  if (
    typeof charge.id !== 'string' ||
    typeof charge.amount_refunded !== 'number' ||
    charge.amount_refunded <= 0
  ) {
    return null;
  }
  const id = `${IMPORT_EVENT_PREFIX}${charge.id}_refunded_${charge.amount_refunded}`;
  return snapshotEvent(id, 'charge.refunded', refundCreated, charge, apiVersion);
}

const OPEN_DISPUTE_STATUSES = new Set([
  'warning_needs_response',
  'warning_under_review',
  'needs_response',
  'under_review',
]);

export function disputeSnapshotEvent(dispute: Json, apiVersion: string): Json | null {
  if (typeof dispute.id !== 'string' || typeof dispute.status !== 'string') return null;
  const open = OPEN_DISPUTE_STATUSES.has(dispute.status);
  const type = open ? 'charge.dispute.created' : 'charge.dispute.closed';
  const created = typeof dispute.created === 'number' ? dispute.created : 0;
  return snapshotEvent(
    `${IMPORT_EVENT_PREFIX}${dispute.id}_${dispute.status}`,
    type,
    created,
    dispute,
    apiVersion,
  );
}

/** Whether the pinned version has `invoice_payment` objects (from 2025-03-31.basil). */
export function hasInvoicePayments(apiVersion: string): boolean {
  return apiVersion.slice(0, 10) >= '2025-03-31';
}

const PAYOUT_SNAPSHOT_TYPE: Record<string, string> = {
  pending: 'payout.created',
  in_transit: 'payout.updated',
  paid: 'payout.paid',
  failed: 'payout.failed',
  canceled: 'payout.canceled',
};

/** A payout older than Stripe's event window, as the event of its current status (the history import). */
export function payoutSnapshotEvent(payout: Json, apiVersion: string): Json | null {
  const id = typeof payout.id === 'string' ? payout.id : null;
  const status = typeof payout.status === 'string' ? payout.status : null;
  const type = status ? PAYOUT_SNAPSHOT_TYPE[status] : undefined;
  if (!id || !status || !type) return null;
  const created = typeof payout.created === 'number' ? payout.created : 0;
  const arrival = typeof payout.arrival_date === 'number' ? payout.arrival_date : created;
  return snapshotEvent(
    `${IMPORT_EVENT_PREFIX}${id}_${status}`,
    type,
    status === 'paid' || status === 'failed' ? Math.max(arrival, created) : created,
    payout,
    apiVersion,
  );
}

/** Prefix of the event that records a payout's balance transactions as sync read them. */
export const RECONCILE_EVENT_PREFIX = 'evt_reconcile_';

/**
 * A payout with the balance transactions Stripe lists for it (`GET /v1/balance_transactions?payout=…`, sources
 * expanded), logged as the `payout.reconciliation_completed` that describes it, so the log explains every figure of
 * its Payouts row and the Payout ID of each ledger row. Each transaction keeps what the sheets use of it.
 */
export function payoutReconciliationEvent(
  payout: Json,
  transactions: Json[],
  apiVersion: string,
): Json | null {
  if (typeof payout.id !== 'string') return null;
  const created = typeof payout.created === 'number' ? payout.created : 0;
  const arrival = typeof payout.arrival_date === 'number' ? payout.arrival_date : created;
  const data = transactions.map((t) => {
    const source = t.source && typeof t.source === 'object' ? (t.source as Json) : null;
    return {
      id: t.id,
      object: 'balance_transaction',
      type: t.type,
      reporting_category: t.reporting_category,
      amount: t.amount,
      fee: t.fee,
      net: t.net,
      currency: t.currency,
      source: source
        ? {
            id: source.id,
            object: source.object,
            payment_intent: idOf(source.payment_intent),
            charge: idOf(source.charge),
          }
        : (t.source ?? null),
    };
  });
  return snapshotEvent(
    `${RECONCILE_EVENT_PREFIX}${payout.id}`,
    'payout.reconciliation_completed',
    Math.max(arrival, created),
    { ...payout, balance_transactions: { object: 'list', data, has_more: false } },
    apiVersion,
  );
}

function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}
