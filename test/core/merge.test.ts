import { describe, expect, it } from 'vitest';
import type {
  DisputeFact,
  InvoiceFact,
  PaymentFact,
  ProcessingFact,
  RefundFact,
  StripeFact,
} from '../../src/core/facts';
import { emptyState, mergeFact, parseState, serialiseState } from '../../src/core/merge';
import type { InvoiceState } from '../../src/core/state';
import { deriveRow } from '../../src/core/status';

const INVOICE = 'in_1Pgc6tB7WZ01zgkWu9fdqL6I';
const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

function invoice(
  eventId: string,
  created: number,
  trigger: InvoiceFact['trigger'],
  status: InvoiceFact['status'],
  opts: {
    due?: number;
    paid?: number;
    currency?: string;
    paidAt?: number | null;
    paymentId?: string | null;
  } = {},
): InvoiceFact {
  const currency = opts.currency ?? 'USD';
  return {
    kind: 'invoice',
    eventId,
    eventType: `invoice.${trigger === 'marked_uncollectible' ? 'marked_uncollectible' : trigger}`,
    created,
    invoiceId: INVOICE,
    paymentId: opts.paymentId ?? null,
    chargeId: null,
    trigger,
    status,
    amountDue: { minor: opts.due ?? 125_050, currency },
    amountPaid: { minor: opts.paid ?? 0, currency },
    paidAt: opts.paidAt ?? null,
    customerName: 'Ada Lovelace',
  };
}

function payment(
  eventId: string,
  created: number,
  paymentId: string,
  minor: number,
  currency = 'USD',
): PaymentFact {
  return {
    kind: 'payment',
    eventId,
    eventType: 'invoice_payment.paid',
    created,
    invoiceId: INVOICE,
    invoicePaymentId: `inpay_${paymentId.slice(3)}`,
    paymentId,
    chargeId: null,
    amount: { minor, currency },
    paidAt: created,
  };
}

function refund(
  eventId: string,
  created: number,
  chargeId: string,
  refunded: number,
  captured: number,
): RefundFact {
  return {
    kind: 'refund',
    eventId,
    eventType: 'charge.refunded',
    created,
    invoiceId: INVOICE,
    paymentId: null,
    chargeId,
    amountRefunded: { minor: refunded, currency: 'USD' },
    amountCaptured: { minor: captured, currency: 'USD' },
  };
}

function dispute(
  eventId: string,
  created: number,
  phase: DisputeFact['phase'],
  outcome: string | null = null,
  disputeId = 'du_1PgafwB7WZ01zgkWQ7Xkl0Cc',
): DisputeFact {
  return {
    kind: 'dispute',
    eventId,
    eventType: `charge.dispute.${phase}`,
    created,
    invoiceId: INVOICE,
    paymentId: 'pi_1PgafyB7WZ01zgkWSjxsAJo3',
    chargeId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
    disputeId,
    phase,
    outcome,
    amount: { minor: 125_050, currency: 'USD' },
  };
}

function processing(eventId: string, created: number, paymentId = 'pi_3ACHdebit'): ProcessingFact {
  return {
    kind: 'processing',
    eventId,
    eventType: 'payment_intent.processing',
    created,
    invoiceId: INVOICE,
    paymentId,
    chargeId: null,
    amount: { minor: 125_050, currency: 'USD' },
    rail: 'us_bank_account',
  };
}

function fold(facts: StripeFact[], start: InvoiceState = emptyState(INVOICE)): InvoiceState {
  return facts.reduce(mergeFact, start);
}

describe('mergeFact', () => {
  it('keeps the newest lifecycle signal by Stripe time, not by arrival', () => {
    const finalized = invoice('evt_1', T0, 'finalized', 'open');
    const voided = invoice('evt_2', T0 + 60, 'voided', 'void');
    expect(fold([voided, finalized]).lifecycle).toEqual({ at: T0 + 60, eventId: 'evt_2', status: 'void' });
  });

  it('lets paid win over finalized when Stripe stamps both in the same second', () => {
    const finalized = invoice('evt_zz_finalized', T0, 'finalized', 'open');
    const paid = invoice('evt_aa_paid', T0, 'paid', 'paid', { paid: 125_050 });
    expect(fold([paid, finalized]).lifecycle?.status).toBe('paid');
    expect(fold([finalized, paid]).lifecycle?.status).toBe('paid');
  });

  it('keeps a payment failure when a newer invoice.updated still says open', () => {
    const failed = invoice('evt_1', T0, 'payment_failed', 'open');
    const updated = invoice('evt_2', T0 + 5, 'updated', 'open');
    expect(fold([failed, updated]).lifecycle?.status).toBe('payment_failed');
  });

  it('records payment_intent.processing as the processing lifecycle', () => {
    expect(
      fold([invoice('evt_1', T0, 'finalized', 'open'), processing('evt_2', T0 + 1)]).lifecycle?.status,
    ).toBe('processing');
  });

  it('keeps the highest amount_paid the invoice ever reported', () => {
    const paid = invoice('evt_2', T0 + 10, 'paid', 'paid', { paid: 125_050 });
    const staleUpdate = invoice('evt_3', T0 + 20, 'updated', 'paid', { paid: 0 });
    expect(fold([paid, staleUpdate]).invoiceAmountPaid).toBe(125_050);
  });

  it('counts the same payment once however often Stripe reports it, stamped at its first report', () => {
    const first = payment('evt_1', T0 + 10, 'pi_3Aa', 50_000);
    const again = payment('evt_2', T0 + 30, 'pi_3Aa', 50_000);
    const state = fold([again, first, again]);
    expect(state.payments).toEqual({
      pi_3Aa: { at: T0 + 10, eventId: 'evt_1', minor: 50_000, paidAt: T0 + 10 },
    });
  });

  it('records the payment named by a pre-basil invoice.paid', () => {
    const paid = invoice('evt_1', T0, 'paid', 'paid', { paid: 125_050, paymentId: 'pi_3Old' });
    expect(fold([paid]).payments.pi_3Old?.minor).toBe(125_050);
  });

  it('keeps the highest cumulative refund per charge', () => {
    const partial = refund('evt_1', T0, 'ch_3A', 20_000, 125_050);
    const more = refund('evt_2', T0 + 50, 'ch_3A', 60_000, 125_050);
    expect(fold([more, partial]).refunds.ch_3A?.minor).toBe(60_000);
  });

  it('lets a dispute close win over its opening even when the opening arrives later', () => {
    const state = fold([dispute('evt_2', T0 + 100, 'closed', 'won'), dispute('evt_1', T0, 'created')]);
    expect(Object.values(state.disputes)).toEqual([
      { at: T0 + 100, eventId: 'evt_2', open: false, outcome: 'won', minor: 125_050 },
    ]);
  });

  it('lists payment ids in the order the money moved, whatever the arrival order', () => {
    const early = payment('evt_1', T0 + 10, 'pi_3Zlate', 50_000);
    const late = payment('evt_2', T0 + 20, 'pi_3Aearly', 75_050);
    expect(fold([late, early]).paymentIds).toEqual(['pi_3Zlate', 'pi_3Aearly']);
  });

  it('remembers the charge id of a refund that names no payment intent, so the row can be found by it', () => {
    expect(fold([refund('evt_1', T0, 'ch_3Standalone', 100, 100)]).paymentIds).toEqual(['ch_3Standalone']);
  });

  it('keeps the newest event as last', () => {
    const state = fold([invoice('evt_9', T0 + 9, 'paid', 'paid'), invoice('evt_1', T0, 'finalized', 'open')]);
    expect(state.last).toEqual({ at: T0 + 9, eventId: 'evt_9' });
  });

  it("takes the currency from the invoice's own snapshot over a payment's", () => {
    const paymentInEur = payment('evt_1', T0, 'pi_3A', 100, 'EUR');
    const finalized = invoice('evt_2', T0, 'finalized', 'open', { currency: 'USD' });
    expect(fold([paymentInEur, finalized]).currency).toBe('USD');
    expect(fold([finalized, paymentInEur]).currency).toBe('USD');
  });

  it('takes the max of status_transitions.paid_at', () => {
    const a = invoice('evt_1', T0, 'paid', 'paid', { paid: 1, paidAt: T0 - 5 });
    const b = invoice('evt_2', T0 + 1, 'updated', 'paid', { paid: 1, paidAt: T0 - 2 });
    expect(fold([b, a]).paidAt).toBe(T0 - 2);
  });

  it('leaves its input untouched', () => {
    const start = fold([payment('evt_1', T0, 'pi_3A', 100)]);
    const snapshot = serialiseState(start);
    mergeFact(start, payment('evt_2', T0 + 1, 'pi_3B', 200));
    expect(serialiseState(start)).toBe(snapshot);
  });

  it('changes nothing when the same event is merged again', () => {
    const facts = [invoice('evt_1', T0, 'finalized', 'open'), payment('evt_2', T0 + 1, 'pi_3A', 100)];
    const once = fold(facts);
    expect(fold(facts, once)).toEqual(once);
  });
});

describe('parseState / serialiseState', () => {
  const state = fold([
    invoice('evt_1', T0, 'finalized', 'open'),
    payment('evt_2', T0 + 1, 'pi_3A', 50_000),
    refund('evt_3', T0 + 2, 'ch_3A', 10_000, 50_000),
    dispute('evt_4', T0 + 3, 'created'),
  ]);

  it('reads back what it wrote', () => {
    expect(parseState(serialiseState(state))).toEqual(state);
  });

  it('accepts an already parsed object', () => {
    expect(parseState(JSON.parse(serialiseState(state)))).toEqual(state);
  });

  it('writes the same bytes for the same facts in another order', () => {
    const reversed = fold([
      dispute('evt_4', T0 + 3, 'created'),
      refund('evt_3', T0 + 2, 'ch_3A', 10_000, 50_000),
      payment('evt_2', T0 + 1, 'pi_3A', 50_000),
      invoice('evt_1', T0, 'finalized', 'open'),
    ]);
    expect(serialiseState(reversed)).toBe(serialiseState(state));
  });

  it.each([
    ['a blank cell', ''],
    ['text that is not JSON', '{not json'],
    ['another version', JSON.stringify({ ...emptyState(INVOICE), v: 2 })],
    ['a negative amount', JSON.stringify({ ...emptyState(INVOICE), invoiceAmountPaid: -5 })],
    [
      'an unknown lifecycle',
      JSON.stringify({ ...emptyState(INVOICE), lifecycle: { at: T0, eventId: 'e', status: 'x' } }),
    ],
    [
      'a payment without amount',
      JSON.stringify({ ...emptyState(INVOICE), payments: { pi_3A: { at: T0, eventId: 'e' } } }),
    ],
    ['payment ids that are not text', JSON.stringify({ ...emptyState(INVOICE), paymentIds: [42] })],
    ['an array', '[]'],
    ['a number', 42],
  ])('returns null for %s', (_label, cell) => {
    expect(parseState(cell)).toBeNull();
  });
});

describe('deriveRow', () => {
  const finalized = invoice('evt_1', T0, 'finalized', 'open');

  it('shows a finalized unpaid invoice as open', () => {
    expect(deriveRow(fold([finalized]), null).status).toBe('open');
  });

  it('shows a draft as open', () => {
    expect(deriveRow(fold([invoice('evt_0', T0, 'created', 'draft')]), null).status).toBe('open');
  });

  it('shows an invoice with no events as open with nothing paid', () => {
    expect(deriveRow(emptyState(INVOICE), null)).toEqual({
      status: 'open',
      amountPaidMinor: 0,
      amountRefundedMinor: 0,
      paidAt: null,
      paymentId: '',
      lastEventId: '',
      feeMinor: null,
      netMinor: null,
      settlementCurrency: null,
      payoutIds: '',
    });
  });

  it('is paid when the payments reach amount_due', () => {
    const state = fold([finalized, payment('evt_2', T0 + 5, 'pi_3A', 125_050)]);
    expect(deriveRow(state, null).status).toBe('paid');
  });

  it('is partially paid while distinct payments stay below amount_due', () => {
    const state = fold([
      finalized,
      payment('evt_2', T0 + 5, 'pi_3A', 50_000),
      payment('evt_3', T0 + 6, 'pi_3B', 25_000),
    ]);
    expect(deriveRow(state, null)).toMatchObject({ status: 'partially_paid', amountPaidMinor: 75_000 });
  });

  it('measures what is owed against Expected Amount when filled', () => {
    const state = fold([finalized, payment('evt_2', T0 + 5, 'pi_3A', 125_050)]);
    expect(deriveRow(state, 150_000).status).toBe('partially_paid');
  });

  it('stays paid when more than owed was received', () => {
    const state = fold([finalized, payment('evt_2', T0 + 5, 'pi_3A', 200_000)]);
    expect(deriveRow(state, 125_050).status).toBe('paid');
  });

  it('takes the larger of the invoice total and the sum of distinct payments', () => {
    const state = fold([
      invoice('evt_2', T0 + 5, 'paid', 'paid', { paid: 125_050 }),
      payment('evt_3', T0 + 5, 'pi_3A', 50_000),
    ]);
    expect(deriveRow(state, null).amountPaidMinor).toBe(125_050);
  });

  it('trusts Stripe for a zero invoice it marked paid', () => {
    const state = fold([invoice('evt_1', T0, 'paid', 'paid', { due: 0, paid: 0, paidAt: T0 })]);
    expect(deriveRow(state, null)).toMatchObject({ status: 'paid', paidAt: T0 });
  });

  it('trusts Stripe for an invoice paid out of band with no money recorded', () => {
    const state = fold([finalized, invoice('evt_2', T0 + 9, 'paid', 'paid', { paid: 0 })]);
    expect(deriveRow(state, null)).toMatchObject({ status: 'paid', paidAt: T0 + 9 });
  });

  it('is refunded when the refunds equal the amount paid', () => {
    const state = fold([
      finalized,
      payment('evt_2', T0 + 1, 'pi_3A', 125_050),
      refund('evt_3', T0 + 2, 'ch_3A', 125_050, 125_050),
    ]);
    expect(deriveRow(state, null)).toMatchObject({ status: 'refunded', amountRefundedMinor: 125_050 });
  });

  it('is partially refunded when the refunds are less than the amount paid', () => {
    const state = fold([
      finalized,
      payment('evt_2', T0 + 1, 'pi_3A', 125_050),
      refund('evt_3', T0 + 2, 'ch_3A', 25_050, 125_050),
    ]);
    expect(deriveRow(state, null).status).toBe('partially_refunded');
  });

  it('is disputed while a dispute is open', () => {
    const state = fold([
      finalized,
      payment('evt_2', T0 + 1, 'pi_3A', 125_050),
      dispute('evt_3', T0 + 2, 'created'),
    ]);
    expect(deriveRow(state, null).status).toBe('disputed');
  });

  it('returns to the money status when a dispute is won', () => {
    const paid = [finalized, payment('evt_2', T0 + 1, 'pi_3A', 125_050)];
    const state = fold([
      ...paid,
      dispute('evt_3', T0 + 2, 'created'),
      dispute('evt_4', T0 + 3, 'closed', 'won'),
    ]);
    expect(deriveRow(state, null).status).toBe('paid');
  });

  it('stays disputed when a dispute is lost', () => {
    const paid = [finalized, payment('evt_2', T0 + 1, 'pi_3A', 125_050)];
    const state = fold([
      ...paid,
      dispute('evt_3', T0 + 2, 'created'),
      dispute('evt_4', T0 + 3, 'closed', 'lost'),
    ]);
    expect(deriveRow(state, null).status).toBe('disputed');
  });

  it.each([
    ['processing', processing('evt_2', T0 + 1)],
    ['payment_failed', invoice('evt_2', T0 + 1, 'payment_failed', 'open')],
    ['void', invoice('evt_2', T0 + 1, 'voided', 'void')],
    ['uncollectible', invoice('evt_2', T0 + 1, 'marked_uncollectible', 'uncollectible')],
  ] as const)('shows the lifecycle %s while no money has moved', (status, fact) => {
    expect(deriveRow(fold([finalized, fact]), null).status).toBe(status);
  });

  it('shows money over a contradicting void', () => {
    const state = fold([
      finalized,
      payment('evt_2', T0 + 1, 'pi_3A', 125_050),
      invoice('evt_3', T0 + 2, 'voided', 'void'),
    ]);
    expect(deriveRow(state, null).status).toBe('paid');
  });

  it('uses status_transitions.paid_at for Paid At when Stripe gives it', () => {
    const state = fold([
      payment('evt_2', T0 + 50, 'pi_3A', 125_050),
      invoice('evt_3', T0 + 60, 'paid', 'paid', { paid: 125_050, paidAt: T0 + 42 }),
    ]);
    expect(deriveRow(state, null).paidAt).toBe(T0 + 42);
  });

  it('falls back to the time of the payment that completed the invoice', () => {
    const state = fold([
      finalized,
      payment('evt_3', T0 + 90, 'pi_3B', 25_050),
      payment('evt_2', T0 + 50, 'pi_3A', 100_000),
    ]);
    expect(deriveRow(state, null).paidAt).toBe(T0 + 90);
  });

  it('leaves Paid At blank while partially paid', () => {
    const state = fold([finalized, payment('evt_2', T0 + 50, 'pi_3A', 100)]);
    expect(deriveRow(state, null).paidAt).toBeNull();
  });

  it('joins the payment ids and names the newest event', () => {
    const state = fold([
      finalized,
      payment('evt_2', T0 + 1, 'pi_3A', 100),
      payment('evt_3', T0 + 2, 'pi_3B', 200),
    ]);
    expect(deriveRow(state, null)).toMatchObject({ paymentId: 'pi_3A, pi_3B', lastEventId: 'evt_3' });
  });
});
