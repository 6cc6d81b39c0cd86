// `basil`+ charges and payment intents carry no invoice: Stripe's invoice_payments list says which invoice they paid.

import { PROPERTY } from '../core/contract';
import type { PaymentLinks } from '../core/ports';

const STRIPE_API = 'https://api.stripe.com/v1';
/** Pinned so that response shapes do not change under us; STRIPE_API_VERSION overrides. */
export const DEFAULT_STRIPE_VERSION = '2025-03-31.basil';

export const stripePaymentLinks: PaymentLinks = {
  invoiceForPayment(paymentId) {
    const key = PropertiesService.getScriptProperties().getProperty(PROPERTY.apiKey);
    if (!key) return null;
    let paymentIntent = paymentId;
    if (paymentId.startsWith('ch_')) {
      const charge = stripeGet(key, `/charges/${encodeURIComponent(paymentId)}`);
      const linked = charge?.payment_intent;
      if (typeof linked !== 'string') return null;
      paymentIntent = linked;
    }
    if (!paymentIntent.startsWith('pi_')) return null;
    const query = `payment[type]=payment_intent&payment[payment_intent]=${encodeURIComponent(paymentIntent)}&limit=1`;
    const list = stripeGet(key, `/invoice_payments?${query}`);
    const first = Array.isArray(list?.data) ? (list.data[0] as { invoice?: unknown } | undefined) : undefined;
    const invoice = first?.invoice;
    if (typeof invoice === 'string') return invoice;
    if (invoice && typeof invoice === 'object' && typeof (invoice as { id?: unknown }).id === 'string') {
      return (invoice as { id: string }).id;
    }
    return null;
  },
};

// biome-ignore lint/suspicious/noExplicitAny: Stripe JSON is read defensively by the caller.
function stripeGet(key: string, path: string): any {
  const version = PropertiesService.getScriptProperties().getProperty(PROPERTY.apiVersion) || DEFAULT_STRIPE_VERSION;
  try {
    const response = UrlFetchApp.fetch(`${STRIPE_API}${path}`, {
      method: 'get',
      headers: { Authorization: `Bearer ${key}`, 'Stripe-Version': version },
      muteHttpExceptions: true,
    });
    if (response.getResponseCode() !== 200) return null;
    return JSON.parse(response.getContentText());
  } catch {
    // Unreachable Stripe leaves the payment unresolved: it becomes an UNKNOWN_INVOICE exception, not a lost event.
    return null;
  }
}
