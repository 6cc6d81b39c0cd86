// A Stripe event of any API version → one fact about money, or a reason to ignore it, or why it is malformed.
//
// API versions: before 2025-03-31.basil an invoice carries `charge`, `payment_intent` and `paid`, and a charge or
// payment intent carries `invoice`. From basil on those links are gone and payments live in `invoice_payment`
// objects (https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices).
// Fields are read by presence rather than by comparing `api_version`, which is null on some events (and on Stripe's
// own fixtures): an old-shape field is used when it is there, and a basil+ object simply lacks it.
//
// Nothing from the payload is trusted: every field is read through a type check, ids and names stay plain strings
// (a customer called `=SUM(A1)` stays that text), amounts must be safe integers.

import type {
  DisputeFact,
  InvoiceFact,
  InvoiceLifecycle,
  Money,
  Normalised,
  PaymentFact,
  ProcessingFact,
  RefundFact,
  StripeFact,
} from './facts';
import { normaliseCurrency } from './money';

type Json = Record<string, unknown>;

interface EventEnvelope {
  id: string;
  type: string;
  created: number;
  object: Json;
}

// A Map, not an object literal: an event type such as `constructor` must not find Object.prototype's members.
const INVOICE_TRIGGERS = new Map<string, InvoiceFact['trigger']>([
  ['invoice.created', 'created'],
  ['invoice.updated', 'updated'],
  ['invoice.finalized', 'finalized'],
  ['invoice.paid', 'paid'],
  ['invoice.payment_succeeded', 'payment_succeeded'],
  ['invoice.payment_failed', 'payment_failed'],
  ['invoice.voided', 'voided'],
  ['invoice.marked_uncollectible', 'marked_uncollectible'],
]);

const INVOICE_STATUSES: readonly InvoiceLifecycle[] = ['draft', 'open', 'paid', 'void', 'uncollectible'];

/** Thrown only inside this module and turned into `{ kind: 'malformed' }` at its edge. */
class Malformed extends Error {}

export function normaliseEvent(event: unknown): Normalised {
  const envelope = readEnvelope(event);
  if (typeof envelope === 'string') return { kind: 'malformed', message: envelope };
  let fact: StripeFact | null;
  try {
    fact = factOf(envelope);
  } catch (error) {
    if (error instanceof Malformed) return { kind: 'malformed', message: error.message };
    throw error;
  }
  if (!fact) {
    const reason = `Stripe event type ${envelope.type} is not used by the ledger.`;
    return { kind: 'ignored', eventId: envelope.id, eventType: envelope.type, reason };
  }
  return { kind: 'fact', fact };
}

function factOf(env: EventEnvelope): StripeFact | null {
  const trigger = INVOICE_TRIGGERS.get(env.type);
  if (trigger) return invoiceFact(env, trigger);
  switch (env.type) {
    case 'invoice_payment.paid':
      return paymentFact(env);
    case 'charge.refunded':
      return refundFact(env);
    case 'charge.dispute.created':
      return disputeFact(env, 'created');
    case 'charge.dispute.closed':
      return disputeFact(env, 'closed');
    case 'payment_intent.processing':
      return processingFact(env);
    default:
      return null;
  }
}

/** The event's own shape; a string says what is wrong with it. */
function readEnvelope(event: unknown): EventEnvelope | string {
  if (!isObject(event)) return 'Not a Stripe event: the body is not a JSON object.';
  const { id, type, created, data } = event;
  if (typeof id !== 'string' || !id.startsWith('evt_')) {
    return 'Not a Stripe event: `id` is missing or does not start with evt_.';
  }
  if (typeof type !== 'string' || type === '') return `Not a Stripe event: ${id} has no \`type\`.`;
  if (typeof created !== 'number' || !Number.isFinite(created)) {
    return `Not a Stripe event: ${id} has no numeric \`created\` time.`;
  }
  if (!isObject(data) || !isObject(data.object)) return `Not a Stripe event: ${id} has no \`data.object\`.`;
  return { id, type, created, object: data.object };
}

function invoiceFact(env: EventEnvelope, trigger: InvoiceFact['trigger']): InvoiceFact {
  const invoice = env.object;
  const invoiceId = requireId(env, invoice, 'id', 'invoice id');
  const currency = requireCurrency(env, invoice);
  const status = invoice.status;
  if (typeof status !== 'string' || !(INVOICE_STATUSES as readonly string[]).includes(status)) {
    throw malformed(env, `invoice ${invoiceId} has no known \`status\``);
  }
  // Old API only: the invoice names the money movement that paid it.
  const paymentIntentId = idOf(invoice.payment_intent);
  const chargeId = idOf(invoice.charge);
  return {
    kind: 'invoice',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    invoiceId,
    paymentId: paymentIntentId ?? chargeId,
    chargeId,
    trigger,
    status: status as InvoiceLifecycle,
    amountDue: requireMoney(env, invoice, 'amount_due', currency),
    amountPaid: requireMoney(env, invoice, 'amount_paid', currency),
    paidAt: timestampOf(isObject(invoice.status_transitions) ? invoice.status_transitions.paid_at : null),
    customerName:
      stringOf(invoice.customer_name) ??
      (isObject(invoice.customer) ? stringOf(invoice.customer.name) : null),
  };
}

function paymentFact(env: EventEnvelope): PaymentFact {
  const invoicePayment = env.object;
  const invoicePaymentId = requireId(env, invoicePayment, 'id', 'invoice_payment id');
  const invoiceId = idOf(invoicePayment.invoice);
  if (!invoiceId) throw malformed(env, `invoice_payment ${invoicePaymentId} names no invoice`);
  const currency = requireCurrency(env, invoicePayment);
  const payment = isObject(invoicePayment.payment) ? invoicePayment.payment : {};
  const paymentIntent = payment.payment_intent;
  const chargeId =
    idOf(payment.charge) ?? (isObject(paymentIntent) ? idOf(paymentIntent.latest_charge) : null);
  // A payment_record (payments taken outside Stripe and recorded on it) has no intent or charge; the
  // invoice_payment id is then the only stable name of this money movement.
  const paymentId =
    idOf(paymentIntent) ?? idOf(payment.charge) ?? idOf(payment.payment_record) ?? invoicePaymentId;
  const transitions = isObject(invoicePayment.status_transitions) ? invoicePayment.status_transitions : {};
  return {
    kind: 'payment',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    invoiceId,
    paymentId,
    chargeId,
    invoicePaymentId,
    amount: requireMoney(env, invoicePayment, 'amount_paid', currency),
    paidAt: timestampOf(transitions.paid_at),
  };
}

function refundFact(env: EventEnvelope): RefundFact {
  const charge = env.object;
  const chargeId = requireId(env, charge, 'id', 'charge id');
  const currency = requireCurrency(env, charge);
  return {
    kind: 'refund',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    // Old API only: a charge made for an invoice names it.
    invoiceId: idOf(charge.invoice),
    paymentId: idOf(charge.payment_intent) ?? chargeId,
    chargeId,
    amountRefunded: requireMoney(env, charge, 'amount_refunded', currency),
    amountCaptured: requireMoney(env, charge, 'amount_captured', currency),
  };
}

function disputeFact(env: EventEnvelope, phase: DisputeFact['phase']): DisputeFact {
  const dispute = env.object;
  const disputeId = requireId(env, dispute, 'id', 'dispute id');
  const chargeId = idOf(dispute.charge);
  if (!chargeId) throw malformed(env, `dispute ${disputeId} names no charge`);
  const currency = requireCurrency(env, dispute);
  // The charge or payment intent may come expanded (old API, or an event re-read with `expand`); then it may
  // carry the old-API `invoice` link.
  const charge = isObject(dispute.charge) ? dispute.charge : {};
  const intent = isObject(dispute.payment_intent) ? dispute.payment_intent : {};
  const paymentIntentId = idOf(dispute.payment_intent) ?? idOf(charge.payment_intent);
  return {
    kind: 'dispute',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    invoiceId: idOf(charge.invoice) ?? idOf(intent.invoice),
    paymentId: paymentIntentId ?? chargeId,
    chargeId,
    disputeId,
    phase,
    outcome: phase === 'closed' ? stringOf(dispute.status) : null,
    amount: requireMoney(env, dispute, 'amount', currency),
  };
}

function processingFact(env: EventEnvelope): ProcessingFact {
  const intent = env.object;
  const paymentId = requireId(env, intent, 'id', 'payment intent id');
  const currency = requireCurrency(env, intent);
  const latestCharge = intent.latest_charge;
  const legacyCharges =
    isObject(intent.charges) && Array.isArray(intent.charges.data) ? intent.charges.data : [];
  const firstLegacyCharge: unknown = legacyCharges[0];
  return {
    kind: 'processing',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    // Old API only: the payment intent of an invoice names it.
    invoiceId: idOf(intent.invoice),
    paymentId,
    chargeId: idOf(latestCharge) ?? idOf(firstLegacyCharge),
    amount: requireMoney(env, intent, 'amount', currency),
    rail: railOf(intent, [latestCharge, firstLegacyCharge]),
  };
}

/**
 * The payment method type that is processing. Best evidence first: a charge's `payment_method_details.type`
 * (expanded `latest_charge`, or the pre-2022-11-15 `charges` list), an expanded `payment_method.type`, the
 * `processing.type` hash; then `payment_method_types` when it lists exactly one type. With several allowed types
 * (an invoice open to card and bank debit) and nothing else said, the rail is unknown: null, not a guess.
 */
function railOf(intent: Json, charges: unknown[]): string | null {
  for (const charge of charges) {
    if (isObject(charge) && isObject(charge.payment_method_details)) {
      const type = stringOf(charge.payment_method_details.type);
      if (type) return type;
    }
  }
  if (isObject(intent.payment_method)) {
    const type = stringOf(intent.payment_method.type);
    if (type) return type;
  }
  if (isObject(intent.processing)) {
    const type = stringOf(intent.processing.type);
    if (type) return type;
  }
  const types = Array.isArray(intent.payment_method_types)
    ? intent.payment_method_types.filter((type): type is string => typeof type === 'string' && type !== '')
    : [];
  return types.length === 1 ? (types[0] ?? null) : null;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** An expandable field: an id string, or the expanded object with its `id`. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  return isObject(value) ? stringOf(value.id) : null;
}

function timestampOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function malformed(env: EventEnvelope, what: string): Malformed {
  return new Malformed(`${env.type} event ${env.id}: ${what}.`);
}

function requireId(env: EventEnvelope, object: Json, field: string, label: string): string {
  const id = stringOf(object[field]);
  if (!id) throw malformed(env, `the object has no ${label}`);
  return id;
}

function requireCurrency(env: EventEnvelope, object: Json): string {
  const currency = normaliseCurrency(object.currency);
  if (!currency) throw malformed(env, 'the object has no valid `currency`');
  return currency;
}

function requireMoney(env: EventEnvelope, object: Json, field: string, currency: string): Money {
  const minor = object[field];
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) {
    throw malformed(env, `\`${field}\` is not an amount in minor units`);
  }
  return { minor, currency };
}
