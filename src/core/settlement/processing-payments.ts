// Which ledger rows are waiting for a bank debit to settle, and since when. The clock starts at the Stripe `created`
// of the `payment_intent.processing` event (CONTRACT.md, "Processing"), which the row's stored evidence names.

import { LEDGER_KEY, LEDGER_STATE_COLUMN } from '../contract';
import { parseState } from '../merge';
import { minorToMajor } from '../money';
import { normaliseEvent } from '../normalise';
import { type SheetTable, sheetRows } from '../sheet-rows';

export interface ProcessingPayment {
  invoiceId: string;
  /** The `payment_intent.processing` event that started the clock. */
  eventId: string;
  startedAt: Date;
  /** Stripe payment method type, e.g. `us_bank_account`; null when the event does not say (or was not found). */
  rail: string | null;
  paymentId: string | null;
  /** Major units, with its upper-case currency; null when not known. */
  amount: number | null;
  currency: string | null;
}

/** The raw body of a logged event by id, or null when the log no longer has it. */
export type LoggedPayload = (eventId: string) => string | null;

export function processingPayments(ledger: SheetTable, payloadOf: LoggedPayload): ProcessingPayment[] {
  const found: ProcessingPayment[] = [];
  for (const row of sheetRows(ledger)) {
    if (row.text('Payment Status').toLowerCase() !== 'processing') continue;
    const state = parseState(row.text(LEDGER_STATE_COLUMN));
    const lifecycle = state?.lifecycle;
    if (!state || !lifecycle || lifecycle.status !== 'processing') continue;
    const payment: ProcessingPayment = {
      invoiceId: row.text(LEDGER_KEY) || state.invoiceId,
      eventId: lifecycle.eventId,
      startedAt: new Date(lifecycle.at * 1000),
      rail: null,
      paymentId: null,
      amount: null,
      currency: state.currency,
    };
    const fact = processingFactOf(payloadOf(lifecycle.eventId));
    if (fact) {
      payment.rail = fact.rail;
      payment.paymentId = fact.paymentId;
      payment.amount = minorToMajor(fact.amount.minor, fact.amount.currency);
      payment.currency = fact.amount.currency;
    } else if (state.amountDue && state.currency) {
      payment.amount = minorToMajor(state.amountDue.minor, state.currency);
    }
    found.push(payment);
  }
  return found;
}

function processingFactOf(payload: string | null) {
  if (!payload) return null;
  try {
    const normalised = normaliseEvent(JSON.parse(payload));
    return normalised.kind === 'fact' && normalised.fact.kind === 'processing' ? normalised.fact : null;
  } catch {
    return null;
  }
}
