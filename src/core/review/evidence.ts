// What a logged Stripe event shows a reviewer: the money, who paid (customer id, name, e-mail), when, and where the
// object is in the Stripe Dashboard. Read from the payload exactly as `Stripe Events` logged it, whatever the event
// type: an invoice names its customer in `customer_name`/`customer_email`, a charge in `billing_details`, a Checkout
// session in `customer_details`, and an expanded `customer` object in `name`/`email`.

import type { LoggedDelivery } from '../apply/ports';
import { minorToMajor, normaliseCurrency } from '../money';

export interface EventEvidence {
  eventId: string;
  eventType: string;
  objectId: string;
  /** Minor units as Stripe sent them, or null. */
  minor: number | null;
  currency: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  /** Stripe's `created`, unix seconds. */
  created: number | null;
  livemode: boolean;
  dashboardUrl: string | null;
  logRow: number;
}

type Json = Record<string, unknown>;

export function eventEvidence(logged: LoggedDelivery): EventEvidence {
  const { entry, row } = logged;
  let event: Json = {};
  try {
    const parsed: unknown = JSON.parse(entry.payload);
    if (isObject(parsed)) event = parsed;
  } catch {
    // A payload that is not JSON still has its log row to show.
  }
  const object = isObject(event.data) && isObject(event.data.object) ? event.data.object : {};
  const customer = object.customer;
  const expanded = isObject(customer) ? customer : {};
  const currency = normaliseCurrency(text(object.currency)) ?? '';
  const livemode = event.livemode === true || object.livemode === true;
  const objectId = text(object.id);
  return {
    eventId: text(event.id) || entry.eventId || '',
    eventType: text(event.type) || entry.eventType || '',
    objectId,
    minor: amountOf(object),
    currency,
    customerId: typeof customer === 'string' ? customer : text(expanded.id),
    customerName: firstText(
      object.customer_name,
      pick(object.billing_details, 'name'),
      pick(object.customer_details, 'name'),
      expanded.name,
      pick(object.shipping, 'name'),
    ),
    customerEmail: firstText(
      object.customer_email,
      pick(object.billing_details, 'email'),
      pick(object.customer_details, 'email'),
      expanded.email,
      object.receipt_email,
    ).toLowerCase(),
    created: typeof event.created === 'number' ? event.created : null,
    livemode,
    dashboardUrl: dashboardUrl(objectId, text(object.invoice), text(event.id), livemode),
    logRow: row,
  };
}

/** Major units of an evidence's amount, or null. */
export function evidenceAmount(evidence: Pick<EventEvidence, 'minor' | 'currency'>): number | null {
  return evidence.minor === null || evidence.currency === ''
    ? null
    : minorToMajor(evidence.minor, evidence.currency);
}

/** The money movement an object stands for: what was paid where Stripe says so, else what was asked. */
function amountOf(object: Json): number | null {
  for (const field of [
    'amount_paid',
    'amount_received',
    'amount_captured',
    'amount',
    'amount_total',
    'amount_due',
  ]) {
    const value = object[field];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  }
  return null;
}

/** The Dashboard's address for an object; test-mode objects live under `/test/`. */
export function dashboardUrl(
  objectId: string,
  invoiceId: string,
  eventId: string,
  livemode: boolean,
): string | null {
  const base = `https://dashboard.stripe.com/${livemode ? '' : 'test/'}`;
  const prefix = objectId.split('_')[0];
  const path =
    prefix === 'in'
      ? `invoices/${objectId}`
      : prefix === 'inpay' && invoiceId
        ? `invoices/${invoiceId}`
        : prefix === 'pi' || prefix === 'ch' || prefix === 'py'
          ? `payments/${objectId}`
          : prefix === 'dp' || prefix === 'du'
            ? `disputes/${objectId}`
            : prefix === 'cs'
              ? `checkout/sessions/${objectId}`
              : prefix === 'po'
                ? `payouts/${objectId}`
                : prefix === 'cus'
                  ? `customers/${objectId}`
                  : eventId.startsWith('evt_')
                    ? `events/${eventId}`
                    : null;
  // Ids are Stripe's (letters, digits, underscores); anything else is not put into an address.
  if (path === null || !/^[\w/]+$/.test(path)) return null;
  return base + path;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function pick(value: unknown, field: string): unknown {
  return isObject(value) ? value[field] : undefined;
}

function firstText(...values: unknown[]): string {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return '';
}
