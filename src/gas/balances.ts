// A payment's balance transaction, in one expanded read: a payment intent's charges with their balance transactions
// (`GET /v1/charges?payment_intent=…&expand[]=data.balance_transaction`), or one charge with its own. What Stripe kept
// (`fee`) and what reached the balance (`net`) are in the balance transaction's currency.

import type { Balances, SettlementRead } from '../core/apply/ports';
import { normaliseCurrency } from '../core/money';
import { errorMessage } from '../shared/error-message';
import { StripeApiError, type StripeClient } from './stripe-client';

type Json = Record<string, unknown>;

export function balancesVia(client: () => StripeClient | null): Balances {
  return {
    settlementOf({ paymentId, chargeId }): SettlementRead {
      let stripe: StripeClient | null;
      try {
        stripe = client();
      } catch (error) {
        return { kind: 'unavailable', message: errorMessage(error) };
      }
      if (!stripe) return { kind: 'none', why: 'No STRIPE_API_KEY is set, so fees are not read.' };
      try {
        const charge = paymentId.startsWith('pi_')
          ? succeededCharge(
              stripe.get('/v1/charges', [
                ['payment_intent', paymentId],
                ['limit', '10'],
                ['expand[]', 'data.balance_transaction'],
              ]),
            )
          : stripe.get(`/v1/charges/${encodeURIComponent(chargeId ?? paymentId)}`, [
              ['expand[]', 'balance_transaction'],
            ]);
        return settlementOfCharge(charge, paymentId);
      } catch (error) {
        if (error instanceof StripeApiError && (error.status === 404 || error.code === 'resource_missing')) {
          return { kind: 'none', why: `Stripe has no ${paymentId}.` };
        }
        return { kind: 'unavailable', message: errorMessage(error) };
      }
    },
  };
}

/** The charge that moved the money (a payment intent's earlier attempts may have failed). */
function succeededCharge(list: Json): Json | null {
  const data = Array.isArray(list.data) ? (list.data as Json[]) : [];
  return data.find((charge) => charge.paid === true && charge.status === 'succeeded') ?? null;
}

function settlementOfCharge(charge: Json | null, paymentId: string): SettlementRead {
  const txn = charge?.balance_transaction;
  if (!txn || typeof txn !== 'object') {
    return { kind: 'none', why: `${paymentId} has no balance transaction yet.` };
  }
  const bt = txn as Json;
  const currency = normaliseCurrency(bt.currency);
  const whole = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value);
  if (typeof bt.id !== 'string' || !currency || !whole(bt.amount) || !whole(bt.fee) || !whole(bt.net)) {
    return { kind: 'none', why: `The balance transaction of ${paymentId} is not readable.` };
  }
  return {
    kind: 'found',
    transactionId: bt.id,
    amount: { minor: bt.amount as number, currency },
    fee: { minor: bt.fee as number, currency },
    net: { minor: bt.net as number, currency },
  };
}
