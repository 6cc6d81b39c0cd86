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

import { LEDGER_REFERENCE_METADATA } from './contract';
import type {
  DisputeFact,
  InvoiceFact,
  InvoiceLifecycle,
  Money,
  Normalised,
  PaymentFact,
  PayoutFact,
  PayoutStatus,
  PayoutTransaction,
  ProcessingFact,
  ReceiptFact,
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
const PAYOUT_STATUSES: readonly PayoutStatus[] = ['pending', 'in_transit', 'paid', 'failed', 'canceled'];
const PAYOUT_EVENTS = new Set([
  'payout.created',
  'payout.updated',
  'payout.paid',
  'payout.failed',
  'payout.canceled',
  'payout.reconciliation_completed',
]);

/** Thrown only inside this module and turned into `{ kind: 'malformed' }` at its edge. */
class Malformed extends Error {}

const RECEIPT_TYPES = new Set([
  'charge.succeeded',
  'payment_intent.succeeded',
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
]);
const OTHER_TYPES = new Set([
  'invoice_payment.paid',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'payment_intent.processing',
]);

/** Whether events of this type can say something to the ledger (others are `ignored` unread). */
export function isNormalisedType(type: string): boolean {
  return (
    INVOICE_TRIGGERS.has(type) || RECEIPT_TYPES.has(type) || OTHER_TYPES.has(type) || PAYOUT_EVENTS.has(type)
  );
}

export function normaliseEvent(event: unknown): Normalised {
  const envelope = readEnvelope(event);
  if (typeof envelope === 'string') return { kind: 'malformed', message: envelope };
  let fact: StripeFact | null;
  try {
    if (PAYOUT_EVENTS.has(envelope.type)) return { kind: 'payout', fact: payoutFact(envelope) };
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
    case 'charge.succeeded':
      return chargeReceipt(env);
    case 'payment_intent.succeeded':
      return intentReceipt(env);
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return sessionReceipt(env);
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

function chargeReceipt(env: EventEnvelope): ReceiptFact | null {
  const charge = env.object;
  const chargeId = requireId(env, charge, 'id', 'charge id');
  const currency = requireCurrency(env, charge);
  // A charge of a payment intent that is only authorised moves no money yet (captured later: charge.captured).
  if (charge.captured === false) return null;
  const invoiceId = idOf(charge.invoice);
  const billing = isObject(charge.billing_details) ? charge.billing_details : {};
  return {
    kind: 'receipt',
    source: 'charge',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    paymentId: idOf(charge.payment_intent) ?? chargeId,
    chargeId,
    // `amount_captured` (API 2019-02-19 on) is what moved; some older captures leave it 0 beside `captured: true`.
    amount:
      positive(moneyOf(charge, 'amount_captured', currency)) ?? requireMoney(env, charge, 'amount', currency),
    paidAt: timestampOf(charge.created),
    invoiceId,
    settlesInvoice: invoiceId !== null,
    reference: referenceOf(charge),
    invoiceless: false,
    payer: stringOf(billing.name),
  };
}

function intentReceipt(env: EventEnvelope): ReceiptFact {
  const intent = env.object;
  const paymentId = requireId(env, intent, 'id', 'payment intent id');
  const currency = requireCurrency(env, intent);
  const invoiceId = idOf(intent.invoice);
  const latest = intent.latest_charge;
  const legacy = isObject(intent.charges) && Array.isArray(intent.charges.data) ? intent.charges.data : [];
  const shipping = isObject(intent.shipping) ? intent.shipping : {};
  return {
    kind: 'receipt',
    source: 'payment_intent',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    paymentId,
    chargeId: idOf(latest) ?? idOf(legacy[0]),
    amount:
      positive(moneyOf(intent, 'amount_received', currency)) ?? requireMoney(env, intent, 'amount', currency),
    paidAt: isObject(latest) ? timestampOf(latest.created) : null,
    invoiceId,
    settlesInvoice: invoiceId !== null,
    reference: referenceOf(intent),
    invoiceless: false,
    payer: stringOf(shipping.name),
  };
}

/**
 * A Checkout session (a Payment Link is one too) in payment mode: its payment intent is the money. Subscription
 * mode is paid through the subscription's invoice and setup mode moves no money: those are not receipts.
 */
function sessionReceipt(env: EventEnvelope): ReceiptFact | null {
  const session = env.object;
  requireId(env, session, 'id', 'Checkout session id');
  if (session.mode !== 'payment') return null;
  const paymentId = idOf(session.payment_intent);
  if (!paymentId) return null;
  const currency = requireCurrency(env, session);
  const paid = session.payment_status === 'paid';
  if (!paid && session.payment_status !== 'unpaid') return null;
  const total = requireMoney(env, session, 'amount_total', currency);
  const invoiceId = idOf(session.invoice);
  const customer = isObject(session.customer_details) ? session.customer_details : {};
  return {
    kind: 'receipt',
    source: 'checkout_session',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    paymentId,
    chargeId: null,
    // `unpaid`: a bank debit that settles later (async_payment_succeeded); the session still says whose it is.
    amount: paid ? total : { minor: 0, currency },
    paidAt: null,
    invoiceId,
    settlesInvoice: false,
    reference: stringOf(session.client_reference_id) ?? referenceOf(session),
    invoiceless: invoiceId === null,
    payer: stringOf(customer.name) ?? stringOf(customer.email),
  };
}

function payoutFact(env: EventEnvelope): PayoutFact {
  const payout = env.object;
  const payoutId = requireId(env, payout, 'id', 'payout id');
  const currency = requireCurrency(env, payout);
  const status = payout.status;
  if (typeof status !== 'string' || !(PAYOUT_STATUSES as readonly string[]).includes(status)) {
    throw malformed(env, `payout ${payoutId} has no known \`status\``);
  }
  return {
    kind: 'payout',
    eventId: env.id,
    eventType: env.type,
    created: env.created,
    payoutId,
    status: status as PayoutStatus,
    amount: requireMoney(env, payout, 'amount', currency),
    arrivalDate: timestampOf(payout.arrival_date),
    automatic: payout.automatic !== false,
    reconciliation: stringOf(payout.reconciliation_status),
    failureCode: stringOf(payout.failure_code),
    failureMessage: stringOf(payout.failure_message),
    transactions: payoutTransactions(env, payout, currency),
  };
}

/**
 * The balance transactions sync read for a payout (`balance_transactions`, a list as Stripe returns it, sources
 * expanded), each put where the Payouts sheet counts it: payments (charges), refunds and everything else taken
 * back (refunds, disputes, adjustments), and Stripe's own fees. The payout's own transaction is left out.
 */
function payoutTransactions(env: EventEnvelope, payout: Json, currency: string): PayoutTransaction[] | null {
  const list = payout.balance_transactions;
  if (!isObject(list) || !Array.isArray(list.data)) return null;
  const transactions: PayoutTransaction[] = [];
  for (const entry of list.data) {
    if (!isObject(entry)) throw malformed(env, 'a balance transaction is not an object');
    const id = requireId(env, entry, 'id', 'balance transaction id');
    const type = stringOf(entry.type) ?? '';
    if (type === 'payout' || type === 'payout_cancel' || type === 'payout_failure') continue;
    if (normaliseCurrency(entry.currency) !== currency) {
      throw malformed(env, `balance transaction ${id} is not in the payout's currency`);
    }
    const amount = requireMoney(env, entry, 'amount', currency).minor;
    const fee = requireMoney(env, entry, 'fee', currency).minor;
    const net = requireMoney(env, entry, 'net', currency).minor;
    const category = stringOf(entry.reporting_category) ?? type;
    const source = isObject(entry.source) ? entry.source : {};
    const paymentKey =
      idOf(source.payment_intent) ?? (source.object === 'charge' ? idOf(source) : idOf(source.charge));
    transactions.push({
      id,
      category: PAYMENT_CATEGORIES.has(category)
        ? 'payment'
        : FEE_CATEGORIES.has(category)
          ? 'fee'
          : 'refund',
      amount,
      fee,
      net,
      paymentId: paymentKey,
    });
  }
  return transactions;
}

/** Balance transaction reporting categories (Stripe's, falling back to `type`) that are money received. */
const PAYMENT_CATEGORIES = new Set(['charge', 'payment']);
/** ... and those that are Stripe's own fees. */
const FEE_CATEGORIES = new Set(['fee', 'stripe_fee', 'application_fee', 'network_cost', 'tax']);

/** The ledger row a payment's own metadata names (the Checkout session's `client_reference_id` is read apart). */
function referenceOf(object: Json): string | null {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const value = metadata[LEDGER_REFERENCE_METADATA];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
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

/** An optional amount: null when absent; a present value that is not an amount in minor units is malformed. */
function moneyOf(object: Json, field: string, currency: string): Money | null {
  const minor = object[field];
  return typeof minor === 'number' && Number.isSafeInteger(minor) ? { minor, currency } : null;
}

function positive(money: Money | null): Money | null {
  return money && money.minor > 0 ? money : null;
}

function requireMoney(env: EventEnvelope, object: Json, field: string, currency: string): Money {
  const minor = object[field];
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) {
    throw malformed(env, `\`${field}\` is not an amount in minor units`);
  }
  return { minor, currency };
}
