import { describe, expect, it } from 'vitest';
import { type Decision, decide } from '../../src/core/decide';
import { wantedExceptions } from '../../src/core/exceptions/rules';
import type { DisputeFact, InvoiceFact, PaymentFact, RefundFact, StripeFact } from '../../src/core/facts';
import type { LedgerRowView, MaintainedValues } from '../../src/core/ledger-row';
import { emptyState } from '../../src/core/merge';
import { minorToMajor } from '../../src/core/money';

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
    eventType: `invoice.${trigger}`,
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
  invoiceId: string = INVOICE,
): PaymentFact {
  return {
    kind: 'payment',
    eventId,
    eventType: 'invoice_payment.paid',
    created,
    invoiceId,
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
    paymentId: 'pi_3A',
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
): DisputeFact {
  return {
    kind: 'dispute',
    eventId,
    eventType: `charge.dispute.${phase}`,
    created,
    invoiceId: INVOICE,
    paymentId: 'pi_3A',
    chargeId: 'ch_3A',
    disputeId: 'du_1PgafwB7WZ01zgkWQ7Xkl0Cc',
    phase,
    outcome,
    amount: { minor: 125_050, currency: 'USD' },
  };
}

function blankCells(): MaintainedValues {
  return {
    'Payment Status': '',
    'Amount Paid': '',
    'Amount Refunded': '',
    'Paid At': '',
    'Stripe Payment ID': '',
    'Last Stripe Event': '',
  };
}

function ledgerRow(opts: { expected?: number | null; currency?: string | null } = {}): LedgerRowView {
  return {
    invoiceId: INVOICE,
    expectedAmount: opts.expected ?? null,
    currency: opts.currency ?? null,
    cells: blankCells(),
    state: null,
  };
}

interface RaisedException {
  reason: string;
  amount: number | null;
  currency: string | null;
  eventId: string;
  note: string;
}

/** A decision with the exceptions this one event raises: those its evidence now wants anew, and its own. */
type Judged = Decision & { exceptions: RaisedException[] };

function judge(row: LedgerRowView, fact: StripeFact, opts: { timeZone?: string } = {}): Judged {
  const decision = decide(row, fact, opts);
  const terms = {
    expectedMinor: decision.expectedMinor,
    rowCurrency: row.currency,
    currency: decision.currency,
  };
  const before = row.state ? wantedExceptions(row.state, terms) : new Map();
  const after = decision.state === row.state ? before : wantedExceptions(decision.state, terms);
  const raised = [...after.values()].filter((w) => before.get(w.reason)?.cause !== w.cause);
  for (const own of decision.eventExceptions)
    if (!raised.some((w) => w.reason === own.reason)) raised.push(own);
  return {
    ...decision,
    exceptions: raised.map((w) => ({
      reason: w.reason,
      amount: w.money ? minorToMajor(w.money.minor, w.money.currency) : null,
      currency: w.money?.currency ?? null,
      eventId: fact.eventId,
      note: w.note,
    })),
  };
}

/** The row as the apply step leaves it after writing a decision. */
function applied(row: LedgerRowView, decision: Decision): LedgerRowView {
  const cells = { ...row.cells };
  for (const change of decision.changes) cells[change.field] = change.after;
  return { ...row, cells, state: decision.state };
}

/** Feeds the facts one by one; returns the last decision and the row after it. */
function deliver(row: LedgerRowView, facts: StripeFact[]): { row: LedgerRowView; decision: Judged } {
  let current = row;
  let decision: Judged | null = null;
  for (const fact of facts) {
    decision = judge(current, fact, {});
    current = applied(current, decision);
  }
  if (!decision) throw new Error('no facts');
  return { row: current, decision };
}

const reasons = (decision: Judged) => decision.exceptions.map((e) => e.reason);
const finalized = invoice('evt_1', T0, 'finalized', 'open');

describe('currency', () => {
  it('leaves the row unchanged and opens CURRENCY_MISMATCH when the row says another currency', () => {
    const decision = judge(ledgerRow({ currency: 'EUR' }), payment('evt_2', T0, 'pi_3A', 125_050), {});
    expect(decision.changes).toEqual([]);
    expect(decision.state).toEqual(emptyState(INVOICE));
    expect(decision.exceptions).toEqual([
      expect.objectContaining({ reason: 'CURRENCY_MISMATCH', amount: 1250.5, currency: 'USD' }),
    ]);
  });

  it('also opens BILLING_MISMATCH when a finalized invoice is in another currency than the row', () => {
    const decision = judge(ledgerRow({ currency: 'EUR', expected: 1250.5 }), finalized, {});
    expect(reasons(decision)).toEqual(['CURRENCY_MISMATCH', 'BILLING_MISMATCH']);
  });
});

describe('cell changes', () => {
  it('writes the maintained cells in contract order with amounts in major units', () => {
    const paid = invoice('evt_2', T0 + 60, 'paid', 'paid', {
      paid: 125_050,
      paidAt: T0 + 59,
      paymentId: 'pi_3A',
    });
    const decision = judge(ledgerRow(), paid, {});
    expect(decision.changes).toEqual([
      { field: 'Payment Status', before: '', after: 'paid' },
      { field: 'Amount Paid', before: '', after: 1250.5 },
      { field: 'Amount Refunded', before: '', after: 0 },
      { field: 'Paid At', before: '', after: new Date((T0 + 59) * 1000) },
      { field: 'Stripe Payment ID', before: '', after: 'pi_3A' },
      { field: 'Last Stripe Event', before: '', after: 'evt_2' },
    ]);
  });

  it('writes a JPY amount as whole yen', () => {
    const fact = invoice('evt_2', T0, 'paid', 'paid', { currency: 'JPY', due: 5000, paid: 5000 });
    const change = judge(ledgerRow(), fact, {}).changes.find((c) => c.field === 'Amount Paid');
    expect(change?.after).toBe(5000);
  });

  it('writes a KWD amount with three decimals', () => {
    const fact = invoice('evt_2', T0, 'paid', 'paid', { currency: 'KWD', due: 12_345, paid: 12_345 });
    const change = judge(ledgerRow(), fact, {}).changes.find((c) => c.field === 'Amount Paid');
    expect(change?.after).toBe(12.345);
  });

  it('does not list a cell that already holds the value, Dates compared by time', () => {
    const { row } = deliver(ledgerRow(), [
      finalized,
      invoice('evt_2', T0 + 60, 'paid', 'paid', { paid: 125_050, paidAt: T0 + 59 }),
    ]);
    const sameDate = { ...row, cells: { ...row.cells, 'Paid At': new Date((T0 + 59) * 1000) } };
    const decision = judge(
      sameDate,
      invoice('evt_3', T0 + 61, 'payment_succeeded', 'paid', { paid: 125_050 }),
      {},
    );
    expect(decision.changes).toEqual([{ field: 'Last Stripe Event', before: 'evt_2', after: 'evt_3' }]);
  });

  it('says what changed in one sentence with the currency', () => {
    const { row } = deliver(ledgerRow(), [finalized]);
    const decision = judge(row, invoice('evt_2', T0 + 60, 'paid', 'paid', { paid: 125_050 }), {});
    expect(decision.message).toContain(
      `${INVOICE} paid: Payment Status open → paid, Amount Paid 0 → 1250.5 USD`,
    );
  });

  it('shows Paid At in the spreadsheet time zone in the message', () => {
    const fact = invoice('evt_2', T0, 'paid', 'paid', { paid: 125_050, paidAt: T0 });
    expect(judge(ledgerRow(), fact, { timeZone: 'America/New_York' }).message).toContain('2025-12-31 19:00');
  });
});

describe('late and repeated events', () => {
  it('marks an older event that changes nothing as superseded; the evidence only notes that it was seen', () => {
    const { row } = deliver(ledgerRow(), [
      finalized,
      invoice('evt_3', T0 + 60, 'paid', 'paid', { paid: 125_050 }),
    ]);
    const late = invoice('evt_2', T0 + 30, 'updated', 'open');
    const decision = judge(row, late, {});
    expect(decision).toMatchObject({ superseded: true, changes: [], exceptions: [] });
    expect(decision.message).toContain('superseded');
    const { seen, ...evidence } = decision.state;
    const { seen: seenBefore, ...evidenceBefore } = row.state ?? emptyState(INVOICE);
    expect(evidence).toEqual(evidenceBefore);
    expect(new Set(seen?.map(([id]) => id))).toEqual(
      new Set([...(seenBefore ?? []).map(([id]) => id), 'evt_2']),
    );
  });

  it('does not call a newer event superseded', () => {
    const { row } = deliver(ledgerRow(), [finalized]);
    expect(judge(row, invoice('evt_2', T0 + 1, 'updated', 'open'), {}).superseded).toBe(false);
  });

  it('raises nothing new for a payment event repeated under another event id', () => {
    const { row } = deliver(ledgerRow({ expected: 1500 }), [
      finalized,
      payment('evt_2', T0 + 60, 'pi_3A', 125_050),
    ]);
    const decision = judge(row, invoice('evt_3', T0 + 61, 'paid', 'paid', { paid: 125_050 }), {});
    expect(decision.exceptions).toEqual([]);
  });
});

describe('underpaid and overpaid', () => {
  it('opens UNDERPAID when a payment leaves the row short of Expected Amount', () => {
    const { decision } = deliver(ledgerRow({ expected: 1500 }), [
      finalized,
      payment('evt_2', T0 + 60, 'pi_3A', 125_050),
    ]);
    expect(decision.exceptions).toEqual([
      expect.objectContaining({ reason: 'UNDERPAID', amount: 1250.5, currency: 'USD', eventId: 'evt_2' }),
    ]);
    expect(decision.changes.find((c) => c.field === 'Payment Status')?.after).toBe('partially_paid');
  });

  it('opens OVERPAID and keeps the status paid when a payment exceeds Expected Amount', () => {
    const { decision } = deliver(ledgerRow({ expected: 1000 }), [
      finalized,
      payment('evt_2', T0 + 60, 'pi_3A', 125_050),
    ]);
    expect(reasons(decision)).toEqual(['OVERPAID']);
    expect(decision.changes.find((c) => c.field === 'Payment Status')?.after).toBe('paid');
  });

  it('judges a JPY payment against a whole-yen Expected Amount', () => {
    const fact = payment('evt_2', T0, 'pi_3A', 4000, 'JPY');
    expect(judge(ledgerRow({ expected: 5000, currency: 'JPY' }), fact, {}).exceptions[0]).toMatchObject({
      reason: 'UNDERPAID',
      amount: 4000,
      currency: 'JPY',
    });
  });

  it('judges a KWD payment in fils', () => {
    const fact = payment('evt_2', T0, 'pi_3A', 12_346, 'KWD');
    expect(judge(ledgerRow({ expected: 12.345, currency: 'KWD' }), fact, {}).exceptions[0]).toMatchObject({
      reason: 'OVERPAID',
      amount: 12.346,
    });
  });

  it('judges nothing against the ledger when Expected Amount is blank', () => {
    const { decision } = deliver(ledgerRow(), [finalized, payment('evt_2', T0 + 60, 'pi_3A', 50_000)]);
    expect(decision.exceptions).toEqual([]);
  });
});

describe('duplicate payments', () => {
  it('opens DUPLICATE_PAYMENT, not OVERPAID, when a new payment arrives for an invoice already paid in full', () => {
    const { decision } = deliver(ledgerRow({ expected: 1250.5 }), [
      finalized,
      payment('evt_2', T0 + 60, 'pi_3A', 125_050),
      payment('evt_3', T0 + 90, 'pi_3B', 125_050),
    ]);
    expect(decision.exceptions).toEqual([
      expect.objectContaining({ reason: 'DUPLICATE_PAYMENT', amount: 1250.5, currency: 'USD' }),
    ]);
  });

  it('does not call the invoice_payment behind an earlier invoice.paid a duplicate', () => {
    const { decision } = deliver(ledgerRow(), [
      finalized,
      invoice('evt_2', T0 + 60, 'paid', 'paid', { paid: 125_050 }),
      payment('evt_3', T0 + 60, 'pi_3A', 125_050),
    ]);
    expect(decision.exceptions).toEqual([]);
  });
});

describe('payment failures', () => {
  it('opens PAYMENT_FAILED on invoice.payment_failed', () => {
    const { decision } = deliver(ledgerRow(), [
      finalized,
      invoice('evt_2', T0 + 60, 'payment_failed', 'open'),
    ]);
    expect(decision.exceptions).toEqual([
      expect.objectContaining({ reason: 'PAYMENT_FAILED', amount: 1250.5, currency: 'USD' }),
    ]);
  });

  it('does not open PAYMENT_FAILED for an invoice already paid', () => {
    const { decision } = deliver(ledgerRow(), [
      finalized,
      payment('evt_2', T0 + 30, 'pi_3A', 125_050),
      invoice('evt_3', T0 + 60, 'payment_failed', 'open'),
    ]);
    expect(decision.exceptions).toEqual([]);
  });

  it('does not reopen a failure that arrives after a newer processing signal', () => {
    const processing: StripeFact = {
      kind: 'processing',
      eventId: 'evt_3',
      eventType: 'payment_intent.processing',
      created: T0 + 90,
      invoiceId: INVOICE,
      paymentId: 'pi_3B',
      chargeId: null,
      amount: { minor: 125_050, currency: 'USD' },
      rail: 'us_bank_account',
    };
    const { decision } = deliver(ledgerRow(), [
      finalized,
      processing,
      invoice('evt_2', T0 + 60, 'payment_failed', 'open'),
    ]);
    expect(decision.exceptions).toEqual([]);
  });
});

describe('refunds', () => {
  const paid = [finalized, payment('evt_2', T0 + 60, 'pi_3A', 125_050)];

  it('opens REFUNDED when the refunded total grows', () => {
    const { decision } = deliver(ledgerRow(), [...paid, refund('evt_3', T0 + 90, 'ch_3A', 25_000, 125_050)]);
    expect(decision.exceptions).toEqual([expect.objectContaining({ reason: 'REFUNDED', amount: 250 })]);
    expect(decision.changes.find((c) => c.field === 'Payment Status')?.after).toBe('partially_refunded');
  });

  it('does not open REFUNDED again for the same cumulative refund', () => {
    const { decision } = deliver(ledgerRow(), [
      ...paid,
      refund('evt_3', T0 + 90, 'ch_3A', 25_000, 125_050),
      refund('evt_4', T0 + 95, 'ch_3A', 25_000, 125_050),
    ]);
    expect(decision.exceptions).toEqual([]);
  });
});

describe('disputes', () => {
  const paid = [finalized, payment('evt_2', T0 + 60, 'pi_3A', 125_050)];

  it('opens DISPUTED when a dispute is created', () => {
    const { decision } = deliver(ledgerRow(), [...paid, dispute('evt_3', T0 + 90, 'created')]);
    expect(decision.exceptions).toEqual([expect.objectContaining({ reason: 'DISPUTED', amount: 1250.5 })]);
  });

  it('raises DISPUTED again when the dispute is lost', () => {
    const { decision } = deliver(ledgerRow(), [
      ...paid,
      dispute('evt_3', T0 + 90, 'created'),
      dispute('evt_4', T0 + 900, 'closed', 'lost'),
    ]);
    expect(reasons(decision)).toEqual(['DISPUTED']);
    expect(decision.exceptions[0]?.note).toContain('lost');
  });

  it('raises nothing when a dispute is won, and the row returns to paid', () => {
    const { decision } = deliver(ledgerRow(), [
      ...paid,
      dispute('evt_3', T0 + 90, 'created'),
      dispute('evt_4', T0 + 900, 'closed', 'won'),
    ]);
    expect(decision.exceptions).toEqual([]);
    expect(decision.changes.find((c) => c.field === 'Payment Status')?.after).toBe('paid');
  });

  it('raises nothing for a dispute opening that arrives after its close', () => {
    const { decision } = deliver(ledgerRow(), [
      ...paid,
      dispute('evt_4', T0 + 900, 'closed', 'won'),
      dispute('evt_3', T0 + 90, 'created'),
    ]);
    expect(decision.exceptions).toEqual([]);
  });
});

describe('status conflicts', () => {
  it('opens STATUS_CONFLICT for a payment on a voided invoice', () => {
    const { decision } = deliver(ledgerRow(), [
      finalized,
      invoice('evt_2', T0 + 60, 'voided', 'void'),
      payment('evt_3', T0 + 90, 'pi_3A', 125_050),
    ]);
    expect(decision.exceptions).toEqual([
      expect.objectContaining({ reason: 'STATUS_CONFLICT', amount: 1250.5 }),
    ]);
  });

  it('opens STATUS_CONFLICT when Stripe voids an invoice with money paid', () => {
    const { decision } = deliver(ledgerRow(), [
      finalized,
      payment('evt_2', T0 + 60, 'pi_3A', 50_000),
      invoice('evt_3', T0 + 90, 'voided', 'void'),
    ]);
    expect(reasons(decision)).toEqual(['STATUS_CONFLICT']);
    expect(decision.changes.find((c) => c.field === 'Payment Status')).toBeUndefined();
  });

  it('opens STATUS_CONFLICT when an invoice with money paid is marked uncollectible', () => {
    const { decision } = deliver(ledgerRow(), [
      finalized,
      payment('evt_2', T0 + 60, 'pi_3A', 50_000),
      invoice('evt_3', T0 + 90, 'marked_uncollectible', 'uncollectible'),
    ]);
    expect(reasons(decision)).toEqual(['STATUS_CONFLICT']);
  });

  it("overwrites a hand-edited Payment Status with Stripe's and says what was replaced", () => {
    const { row } = deliver(ledgerRow(), [finalized]);
    const edited = { ...row, cells: { ...row.cells, 'Payment Status': 'paid' } };
    const decision = judge(edited, invoice('evt_2', T0 + 60, 'payment_failed', 'open'), {});
    expect(decision.changes[0]).toEqual({ field: 'Payment Status', before: 'paid', after: 'payment_failed' });
    expect(decision.exceptions.find((e) => e.reason === 'STATUS_CONFLICT')?.note).toContain('"paid"');
  });

  it('does not take a status that Expected Amount changed for a hand edit', () => {
    const { row } = deliver(ledgerRow(), [finalized, payment('evt_2', T0 + 60, 'pi_3A', 125_050)]);
    const withExpected = { ...row, expectedAmount: 1500 };
    const decision = judge(withExpected, invoice('evt_3', T0 + 61, 'paid', 'paid', { paid: 125_050 }), {});
    expect(reasons(decision)).not.toContain('STATUS_CONFLICT');
  });

  it('opens one STATUS_CONFLICT for two causes in the same event', () => {
    const { row } = deliver(ledgerRow(), [finalized, invoice('evt_2', T0 + 60, 'voided', 'void')]);
    const edited = { ...row, cells: { ...row.cells, 'Payment Status': 'open' } };
    const decision = judge(edited, payment('evt_3', T0 + 90, 'pi_3A', 125_050), {});
    // The void and the hand edit share one open STATUS_CONFLICT: the void's note, the edit's event as evidence.
    expect(reasons(decision)).toEqual(['STATUS_CONFLICT']);
    expect(decision.exceptions[0]?.note).toMatch(/voided/);
    expect(decision.eventExceptions).toEqual([expect.objectContaining({ reason: 'STATUS_CONFLICT' })]);
  });
});

describe('billing mismatches', () => {
  it('opens BILLING_MISMATCH with the amount due when a finalized invoice bills another amount', () => {
    const decision = judge(ledgerRow({ expected: 1500 }), finalized, {});
    expect(decision.exceptions).toEqual([
      expect.objectContaining({ reason: 'BILLING_MISMATCH', amount: 1250.5, currency: 'USD' }),
    ]);
  });

  it('opens BILLING_MISMATCH on an update to a draft', () => {
    const draft = invoice('evt_1', T0, 'updated', 'draft', { currency: 'JPY', due: 4500 });
    expect(reasons(judge(ledgerRow({ expected: 5000 }), draft, {}))).toEqual(['BILLING_MISMATCH']);
  });

  it('does not judge billing on an update to an open invoice', () => {
    const { row } = deliver(ledgerRow(), [finalized]);
    const withExpected = { ...row, expectedAmount: 1500 };
    expect(judge(withExpected, invoice('evt_2', T0 + 5, 'updated', 'open'), {}).exceptions).toEqual([]);
  });

  it('does not open BILLING_MISMATCH when the invoice bills what the row expects', () => {
    expect(judge(ledgerRow({ expected: 1250.5, currency: 'USD' }), finalized, {}).exceptions).toEqual([]);
  });

  it('judges nothing for a draft update that arrives after the finalized invoice', () => {
    const { row } = deliver(ledgerRow(), [finalized]);
    const withExpected = { ...row, expectedAmount: 1250.5 };
    const lateDraft = invoice('evt_0', T0 - 60, 'updated', 'draft', { due: 99_900 });
    expect(judge(withExpected, lateDraft, {}).exceptions).toEqual([]);
  });
});

describe('every exception note', () => {
  it('is one sentence', () => {
    const history: StripeFact[] = [
      finalized,
      payment('evt_2', T0 + 60, 'pi_3A', 50_000),
      refund('evt_3', T0 + 90, 'ch_3A', 100, 50_000),
      dispute('evt_4', T0 + 95, 'created'),
      invoice('evt_5', T0 + 99, 'voided', 'void'),
    ];
    let row = ledgerRow({ expected: 1500 });
    const notes: string[] = [];
    for (const fact of history) {
      const decision = judge(row, fact, {});
      notes.push(...decision.exceptions.map((e) => e.note));
      row = applied(row, decision);
    }
    expect(notes.length).toBeGreaterThanOrEqual(4);
    for (const note of notes) {
      expect(note).toMatch(/^[^\n]+\.$/);
      expect(note).not.toMatch(/\.\s/);
      expect(note).toContain(INVOICE.slice(0, 3));
    }
  });
});
