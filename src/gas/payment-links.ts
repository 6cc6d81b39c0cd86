// `basil`+ charges and payment intents carry no invoice: Stripe's invoice_payments list says which invoice they paid.
// Only Stripe's definite answer ("no invoice", or no key to ask with) parks an event; a Stripe that cannot be asked
// now fails the delivery, so that Stripe redelivers it rather than it being parked on a guess.

import type { PaymentLink, PaymentLinks } from '../core/apply/ports';
import { errorMessage } from '../shared/error-message';
import { StripeApiError, type StripeClient } from './stripe-client';

export function paymentLinksVia(client: () => StripeClient | null): PaymentLinks {
  return {
    invoiceForPayment(paymentId): PaymentLink {
      let stripe: StripeClient | null;
      try {
        stripe = client();
      } catch (error) {
        return { kind: 'unavailable', message: errorMessage(error) };
      }
      if (!stripe) return { kind: 'unasked', why: 'No STRIPE_API_KEY is set, so Stripe could not be asked.' };
      try {
        return invoiceForPayment(stripe, paymentId);
      } catch (error) {
        if (error instanceof StripeApiError && (error.status === 404 || error.code === 'resource_missing')) {
          return { kind: 'none', why: `Stripe has no ${paymentId}.` };
        }
        return { kind: 'unavailable', message: errorMessage(error) };
      }
    },
  };
}

function invoiceForPayment(stripe: StripeClient, paymentId: string): PaymentLink {
  let paymentIntent = paymentId;
  if (paymentId.startsWith('ch_')) {
    const charge = stripe.get(`/v1/charges/${encodeURIComponent(paymentId)}`);
    const linked = idOf(charge.payment_intent);
    if (!linked) return { kind: 'none', why: `Charge ${paymentId} has no payment intent.` };
    paymentIntent = linked;
  }
  if (!paymentIntent.startsWith('pi_')) return { kind: 'none', why: `${paymentId} is not a payment.` };
  const list = stripe.get('/v1/invoice_payments', [
    ['payment[type]', 'payment_intent'],
    ['payment[payment_intent]', paymentIntent],
    ['limit', '1'],
  ]);
  const first = Array.isArray(list.data) ? (list.data[0] as { invoice?: unknown } | undefined) : undefined;
  const invoiceId = idOf(first?.invoice);
  return invoiceId
    ? { kind: 'invoice', invoiceId }
    : { kind: 'none', why: `No invoice payment names ${paymentIntent}.` };
}

function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}
