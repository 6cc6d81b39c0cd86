// SETTLEMENT_OVERDUE as a pure decision: ledger rows waiting in `processing`, the logged processing events that
// started their clocks, and a clock. Opening the drafts is the apply step's job and is tested in test/report.

import { describe, expect, it } from 'vitest';
import { emptyState, mergeFact, serialiseState } from '../../../src/core/merge';
import { normaliseEvent } from '../../../src/core/normalise';
import { overdueSettlements, raisedKey } from '../../../src/core/settlement/overdue-settlements';
import { processingPayments } from '../../../src/core/settlement/processing-payments';
import { DEFAULT_SETTLEMENT_WINDOWS, parseSettlementWindows } from '../../../src/core/settlement/windows';
import type { SheetTable } from '../../../src/core/sheet-rows';
import { paymentIntentProcessingEvent, type StripeEventJson } from '../../fixtures/events';

/** Monday 2 March 2026, 10:00 in New York. */
const MONDAY_10AM = Date.parse('2026-03-02T15:00:00Z') / 1000;
const TZ = 'America/New_York';

function processingRow(invoiceId: string, event: StripeEventJson): unknown[] {
  const normalised = normaliseEvent(event);
  if (normalised.kind !== 'fact') throw new Error('not a fact');
  const state = mergeFact(emptyState(invoiceId), { ...normalised.fact, invoiceId });
  return [invoiceId, 'processing', 0, serialiseState(state)];
}

function ledgerOf(rows: unknown[][]): SheetTable {
  return { header: ['Stripe Invoice ID', 'Payment Status', 'Amount Paid', 'Stripe State'], rows };
}

const achDebit = paymentIntentProcessingEvent({
  id: 'evt_ach_processing',
  paymentIntent: 'pi_ach_tuition',
  amount: 125_050,
  rail: 'us_bank_account',
  created: MONDAY_10AM,
});
const cardPayment = paymentIntentProcessingEvent({
  id: 'evt_card_processing',
  paymentIntent: 'pi_card_tuition',
  amount: 90_000,
  rail: 'card',
  created: MONDAY_10AM,
});
const logged = new Map([
  [achDebit.id, JSON.stringify(achDebit)],
  [cardPayment.id, JSON.stringify(cardPayment)],
]);
const payloadOf = (id: string) => logged.get(id) ?? null;

const ledger = ledgerOf([processingRow('in_ach', achDebit), processingRow('in_card', cardPayment)]);

describe('processing payments read from the ledger', () => {
  it('start their clock at the processing event and take rail and amount from its logged payload', () => {
    expect(processingPayments(ledger, payloadOf)).toEqual([
      {
        invoiceId: 'in_ach',
        eventId: 'evt_ach_processing',
        startedAt: new Date('2026-03-02T15:00:00Z'),
        rail: 'us_bank_account',
        paymentId: 'pi_ach_tuition',
        amount: 1250.5,
        currency: 'USD',
      },
      expect.objectContaining({ invoiceId: 'in_card', rail: 'card', amount: 900 }),
    ]);
  });

  it('leave the rail unknown when the log no longer holds the event', () => {
    const [payment] = processingPayments(ledgerOf([processingRow('in_ach', achDebit)]), () => null);
    expect(payment).toMatchObject({ invoiceId: 'in_ach', rail: null, eventId: 'evt_ach_processing' });
  });

  it('ignore rows that are not processing, or whose evidence says otherwise', () => {
    const paidRow = processingRow('in_paid', achDebit);
    paidRow[1] = 'paid';
    const handTyped = ['in_hand', 'processing', 0, ''];
    expect(processingPayments(ledgerOf([paidRow, handTyped]), payloadOf)).toEqual([]);
  });
});

describe('overdue settlements', () => {
  const check = (nowIso: string, alreadyRaised: string[] = []) =>
    overdueSettlements(processingPayments(ledger, payloadOf), {
      now: new Date(nowIso),
      timeZone: TZ,
      windows: DEFAULT_SETTLEMENT_WINDOWS,
      alreadyRaised: new Set(alreadyRaised),
    });

  it('opens nothing while the ACH debit is inside its 4 business days', () => {
    expect(check('2026-03-07T04:59:59Z')).toEqual([]); // Friday 23:59:59 in New York
  });

  it('opens one SETTLEMENT_OVERDUE for the ACH debit once its window has passed, and none for the card', () => {
    expect(check('2026-03-07T05:00:00Z')).toEqual([
      {
        reason: 'SETTLEMENT_OVERDUE',
        invoiceKey: 'in_ach',
        cause: 'processing:evt_ach_processing',
        eventId: 'evt_ach_processing',
        amount: 1250.5,
        currency: 'USD',
        note: 'The us_bank_account payment pi_ach_tuition of USD 1,250.50 on in_ach has been processing since 2026-03-02, past its 4-business-day window (ended 2026-03-06, America/New_York): check it in Stripe; the bank may have returned it.',
      },
    ]);
  });

  it('opens none for a debit whose SETTLEMENT_OVERDUE was already raised, even if a reviewer closed it', () => {
    expect(check('2026-03-20T12:00:00Z', [raisedKey('in_ach', 'evt_ach_processing')])).toEqual([]);
  });

  it('starts a new clock for a new processing attempt on the same invoice', () => {
    expect(check('2026-03-20T12:00:00Z', [raisedKey('in_ach', 'evt_earlier_attempt')])).toHaveLength(1);
  });

  it('gives an unknown rail the window of other bank rails', () => {
    const payments = processingPayments(ledgerOf([processingRow('in_ach', achDebit)]), () => null);
    const at = (iso: string, windows = DEFAULT_SETTLEMENT_WINDOWS) =>
      overdueSettlements(payments, { now: new Date(iso), timeZone: TZ, windows, alreadyRaised: new Set() });
    expect(at('2026-03-07T05:00:00Z')).toHaveLength(1);
    const { windows } = parseSettlementWindows('other=6');
    expect(at('2026-03-07T05:00:00Z', windows)).toEqual([]);
    expect(at('2026-03-11T04:00:00Z', windows)).toHaveLength(1); // Mon → Tue 10 March is the 6th business day
  });
});

describe('the SETTLEMENT_WINDOW_DAYS setting', () => {
  it('overrides rails over the defaults and names what it could not read', () => {
    const { windows, ignored } = parseSettlementWindows(
      'us_bank_account=5, sepa_debit = 10, bacs_debit=3, card=2, acss_debit=400, nonsense',
    );
    expect(windows.byRail).toEqual({ us_bank_account: 5, sepa_debit: 10, bacs_debit: 3 });
    expect(windows.otherRails).toBe(4);
    expect(ignored).toEqual(['card=2', 'acss_debit=400', 'nonsense']);
  });
});
