// `basil`+ charges and payment intents carry no invoice: Stripe's invoice_payments list says which invoice they paid.

import type { PaymentLinks } from '../core/ports';
import { recordUsage } from './quota';
import { type StripeClient, stripeClientFromProperties } from './stripe-client';

/** Asks Stripe through this client; errors leave the payment unresolved. */
export function paymentLinksVia(client: () => StripeClient | null): PaymentLinks {
  return {
    invoiceForPayment(paymentId) {
      try {
        const stripe = client();
        return stripe ? invoiceForPayment(stripe, paymentId) : null;
      } catch {
        // Unreachable Stripe or a key that may not read leaves the payment unresolved: it becomes an
        // UNKNOWN_INVOICE exception, not a lost event.
        return null;
      }
    },
  };
}

/**
 * For the webhook path: one retry at most, since Stripe waits for the answer; the fetches are added to the day's
 * quota count only when there were some.
 */
export const stripePaymentLinks: PaymentLinks = {
  invoiceForPayment(paymentId) {
    let stripe: StripeClient | null = null;
    try {
      stripe = stripeClientFromProperties({
        policy: { maxAttempts: 2, baseDelayMs: 300, maxDelayMs: 1_000, maxRetryAfterMs: 2_000 },
      });
      return stripe ? invoiceForPayment(stripe, paymentId) : null;
    } catch {
      return null;
    } finally {
      if (stripe && stripe.fetches > 0) recordUsage({ urlFetches: stripe.fetches });
    }
  },
};

function invoiceForPayment(stripe: StripeClient, paymentId: string): string | null {
  let paymentIntent = paymentId;
  if (paymentId.startsWith('ch_')) {
    const charge = stripe.get(`/v1/charges/${encodeURIComponent(paymentId)}`);
    const linked = idOf(charge.payment_intent);
    if (!linked) return null;
    paymentIntent = linked;
  }
  if (!paymentIntent.startsWith('pi_')) return null;
  const list = stripe.get('/v1/invoice_payments', [
    ['payment[type]', 'payment_intent'],
    ['payment[payment_intent]', paymentIntent],
    ['limit', '1'],
  ]);
  const first = Array.isArray(list.data) ? (list.data[0] as { invoice?: unknown } | undefined) : undefined;
  return idOf(first?.invoice);
}

function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}
