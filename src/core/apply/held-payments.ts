// Money whose invoice is not known yet is held, not judged: in API `basil`+ a card payment's charge and payment
// intent name no invoice, and the event that does (`invoice_payment.paid`) may arrive before or after them. A held
// payment's log row says so (it carries HELD_MARK); after the grace window sync reads it back and decides, with
// everything Stripe has said about the payment by then: a row, a parked invoice, or UNMATCHED_PAYMENT.

import type { Money } from '../facts';
import { formatMoney } from '../money';

/** In the `Message` of a held payment's row until sync decides it: what sync's look for held payments finds. */
export const HELD_MARK = '[held]';

/** Default minutes a payment with no known invoice waits before UNMATCHED_PAYMENT (setting UNMATCHED_GRACE_MINUTES). */
export const DEFAULT_GRACE_MINUTES = 60;

export type HoldWhy = 'no-key' | 'stripe-none' | 'sync';

export function holdMessage(paymentId: string, money: Money, why: HoldWhy): string {
  const reason =
    why === 'no-key'
      ? 'no STRIPE_API_KEY is set to ask Stripe which invoice it paid'
      : why === 'stripe-none'
        ? "Stripe's invoice_payments name no invoice for it yet"
        : 'no event read so far links it to an invoice';
  return `${HELD_MARK} ${paymentId} (${formatMoney(money)}) names no invoice: ${reason}. If nothing links it to an invoice or a ledger row within the grace window (UNMATCHED_GRACE_MINUTES, ${DEFAULT_GRACE_MINUTES} unless set), the next sync opens UNMATCHED_PAYMENT.`;
}

/** The held row's message once decided: the mark is gone, so no later sync reads it again. */
export function releasedMessage(held: string, outcome: string): string {
  const without = held.startsWith(HELD_MARK) ? held.slice(HELD_MARK.length).trim() : held;
  return `Held (${without.replace(/\.$/, '')}); then ${outcome}`;
}
