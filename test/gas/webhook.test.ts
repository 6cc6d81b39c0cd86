// doPost end to end on the Apps Script fakes: every contract row about doPost, Ledger, Stripe Events, Exceptions
// and Audit, with Stripe-shaped deliveries of old and basil+ API versions.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { PAYLOAD_CHUNK } from '../../src/core/contract';
import { REJECTED_ROWS_PER_HOUR } from '../../src/core/flood';
import { doGet } from '../../src/gas/webapp';
import {
  chargeRefundedEvent,
  disputeEvent,
  invoiceEvent,
  invoicePaymentPaidEvent,
  paymentIntentProcessingEvent,
  stripeEvent,
  TEST_WEBHOOK_SECRET,
} from '../fixtures/events';
import { createHarness, type Harness } from './harness';

let harness: Harness;
afterEach(() => harness?.close());

const T0 = 1_767_225_600;

describe('doPost applies a verified payment to the ledger row', () => {
  it('turns an old-API invoice.paid into paid with amount, date, payment id and last event', () => {
    harness = createHarness([{ invoiceId: 'in_old1', expected: 1250.5, currency: 'USD' }]);
    const event = invoiceEvent('invoice.paid', {
      apiVersion: 'old',
      invoiceId: 'in_old1',
      amountDue: 125050,
      paymentIntent: 'pi_old1',
      created: T0,
      paidAt: T0 - 5,
    });
    const answer = harness.post(event);
    expect(answer).toMatchObject({ result: 'processed', eventId: event.id });
    const row = harness.ledgerRow('in_old1');
    expect(row['Payment Status']).toBe('paid');
    expect(row['Amount Paid']).toBe(1250.5);
    expect(row['Amount Refunded']).toBe(0);
    expect((row['Paid At'] as Date).getTime()).toBe((T0 - 5) * 1000);
    expect(row['Stripe Payment ID']).toBe('pi_old1');
    expect(row['Last Stripe Event']).toBe(event.id);
  });

  it('applies a basil invoice_payment.paid in JPY (zero-decimal) as whole yen', () => {
    harness = createHarness([{ invoiceId: 'in_jpy', expected: 5000, currency: 'JPY' }]);
    harness.post(
      invoiceEvent('invoice.finalized', {
        invoiceId: 'in_jpy',
        amountDue: 5000,
        currency: 'jpy',
        created: T0,
      }),
    );
    const answer = harness.post(
      invoicePaymentPaidEvent({
        invoiceId: 'in_jpy',
        amount: 5000,
        currency: 'jpy',
        paymentIntent: 'pi_jpy',
        created: T0 + 10,
      }),
    );
    expect(answer.result).toBe('processed');
    const row = harness.ledgerRow('in_jpy');
    expect(row['Payment Status']).toBe('paid');
    expect(row['Amount Paid']).toBe(5000);
    expect(harness.records('Exceptions')).toEqual([]);
  });

  it('applies a KWD (three-decimal) payment as 12.345', () => {
    harness = createHarness([{ invoiceId: 'in_kwd', expected: 12.345, currency: 'KWD' }]);
    harness.post(
      invoiceEvent('invoice.paid', { invoiceId: 'in_kwd', amountDue: 12345, currency: 'kwd', created: T0 }),
    );
    expect(harness.ledgerRow('in_kwd')['Amount Paid']).toBe(12.345);
    expect(harness.ledgerRow('in_kwd')['Payment Status']).toBe('paid');
  });

  it('writes one Audit row per changed cell, naming the event as evidence', () => {
    harness = createHarness([{ invoiceId: 'in_aud' }]);
    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_aud', amountDue: 2000, created: T0 });
    harness.post(event);
    const audit = harness.records('Audit');
    const fields = audit.map((r) => r.Field);
    expect(fields).toEqual(
      expect.arrayContaining(['Payment Status', 'Amount Paid', 'Paid At', 'Last Stripe Event']),
    );
    for (const row of audit) {
      expect(row).toMatchObject({
        Actor: 'system',
        Action: 'update',
        Target: 'Ledger:in_aud',
        Evidence: event.id,
      });
    }
    expect(audit.find((r) => r.Field === 'Amount Paid')).toMatchObject({ Before: '', After: 20 });
  });

  it('leaves user columns and their formulas untouched', () => {
    harness = createHarness([{ invoiceId: 'in_keep', student: 'Ana' }]);
    const ledger = harness.fakes.spreadsheet.getSheetByName('Ledger')!;
    ledger.getRange(2, 1).setFormula('=UPPER("ana")');
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_keep', created: T0 }));
    expect(harness.fakes.spreadsheet.formulas('Ledger')[1]![0]).toBe('=UPPER("ana")');
    expect(harness.ledgerRow('in_keep')['Payment Status']).toBe('paid');
  });
});

describe('doPost finds columns by header text, in any order and case', () => {
  it('updates a ledger whose columns the user reordered, renamed in lower case and interleaved with a formula', () => {
    harness = createHarness([]);
    const ledger = harness.fakes.spreadsheet.getSheetByName('Ledger')!;
    ledger.clear();
    ledger.getRange(1, 1, 2, 10).setValues([
      [
        'amount paid',
        'Student',
        'PAYMENT STATUS',
        'Balance (formula)',
        'stripe invoice id',
        'Currency',
        'Paid At',
        'Last Stripe Event',
        'Expected Amount',
        'Amount Refunded',
      ],
      ['', 'Chloé', '', '', "'in_mixed", 'EUR', '', '', 480, ''],
    ]);
    ledger.getRange(2, 4).setFormula('=I2-A2');
    // Run setup again: it adds what is missing (Stripe Payment ID, Stripe State) at the right, moving nothing.
    return import('../../src/gas/setup').then(({ setupLedger }) => {
      setupLedger();
      const answer = harness.post(
        invoiceEvent('invoice.paid', {
          invoiceId: 'in_mixed',
          amountDue: 48000,
          currency: 'eur',
          created: T0,
        }),
      );
      expect(answer.result).toBe('processed');
      const row = harness.records('Ledger').find((r) => r['stripe invoice id'] === 'in_mixed');
      expect(row).toMatchObject({
        'amount paid': 480,
        'PAYMENT STATUS': 'paid',
        'Amount Refunded': 0,
        Student: 'Chloé',
      });
      expect(harness.fakes.spreadsheet.formulas('Ledger')[1]![3]).toBe('=I2-A2');
      expect(harness.records('Exceptions')).toEqual([]);
    });
  });
});

describe('doPost is idempotent and order-proof', () => {
  it('answers duplicate for a repeated event id, logs it, and changes nothing', () => {
    harness = createHarness([{ invoiceId: 'in_dup' }]);
    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_dup', created: T0 });
    harness.post(event);
    const auditBefore = harness.records('Audit').length;
    const answer = harness.post(event, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(answer).toMatchObject({ result: 'duplicate', eventId: event.id });
    expect(harness.records('Audit')).toHaveLength(auditBefore);
    const log = harness.records('Stripe Events');
    expect(log.map((r) => r.Result)).toEqual(['processed', 'duplicate']);
  });

  it('answers processed (superseded) for an older event arriving late, and changes nothing', () => {
    harness = createHarness([{ invoiceId: 'in_late' }]);
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_late', created: T0 + 60 }));
    const before = harness.ledgerRow('in_late');
    const answer = harness.post(invoiceEvent('invoice.finalized', { invoiceId: 'in_late', created: T0 }));
    expect(answer.result).toBe('processed');
    expect(answer.message).toMatch(/superseded/i);
    // Every visible cell stays; the hidden evidence records the event (its bill, its id for dedupe).
    const { 'Stripe State': stateAfter, ...after } = harness.ledgerRow('in_late');
    const { 'Stripe State': stateBefore, ...visible } = before;
    expect(after).toEqual(visible);
    expect(JSON.parse(String(stateAfter)).last).toEqual(JSON.parse(String(stateBefore)).last);
  });

  it('reaches the same row whichever order finalized, paid and refunded arrive in', () => {
    const events = [
      invoiceEvent('invoice.finalized', {
        apiVersion: 'old',
        invoiceId: 'in_ord',
        created: T0,
        amountDue: 3000,
      }),
      invoiceEvent('invoice.paid', {
        apiVersion: 'old',
        invoiceId: 'in_ord',
        created: T0 + 10,
        amountDue: 3000,
        paymentIntent: 'pi_ord',
        charge: 'ch_ord',
      }),
      chargeRefundedEvent({
        apiVersion: 'old',
        invoiceId: 'in_ord',
        chargeId: 'ch_ord',
        paymentIntent: 'pi_ord',
        amount: 3000,
        amountRefunded: 1000,
        created: T0 + 20,
      }),
    ];
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
    ];
    const results = orders.map((order) => {
      harness = createHarness([{ invoiceId: 'in_ord' }]);
      for (const i of order) harness.post(events[i]!);
      const row = harness.ledgerRow('in_ord');
      harness.close();
      return row;
    });
    expect(results[0]).toMatchObject({
      'Payment Status': 'partially_refunded',
      'Amount Paid': 30,
      'Amount Refunded': 10,
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe('doPost resolves basil+ charges without an invoice link', () => {
  it('finds the row through the stored Stripe Payment ID', () => {
    harness = createHarness([{ invoiceId: 'in_b1' }]);
    harness.post(
      invoicePaymentPaidEvent({ invoiceId: 'in_b1', paymentIntent: 'pi_b1', amount: 1000, created: T0 }),
    );
    const answer = harness.post(
      chargeRefundedEvent({
        chargeId: 'ch_b1',
        paymentIntent: 'pi_b1',
        amount: 1000,
        amountRefunded: 1000,
        created: T0 + 5,
      }),
    );
    expect(answer.result).toBe('processed');
    expect(harness.ledgerRow('in_b1')).toMatchObject({ 'Payment Status': 'refunded', 'Amount Refunded': 10 });
    expect(harness.records('Exceptions').map((r) => r.Reason)).toEqual(['REFUNDED']);
  });

  it("asks Stripe's invoice_payments API when the payment id is not on any row", () => {
    const requests: string[] = [];
    harness = createHarness([{ invoiceId: 'in_api' }], {
      fetch: (request) => {
        requests.push(request.url);
        if (request.url.includes('/v1/invoice_payments')) {
          return {
            status: 200,
            body: JSON.stringify({ object: 'list', data: [{ id: 'inpay_1', invoice: 'in_api' }] }),
          };
        }
        return { status: 404, body: '{}' };
      },
    });
    harness.fakes.properties.script.set('STRIPE_API_KEY', 'rk_test_readonly');
    const answer = harness.post(paymentIntentProcessingEvent({ paymentIntent: 'pi_api', created: T0 }));
    expect(answer.result).toBe('processed');
    expect(decodeURIComponent(requests[0]!)).toContain('payment[payment_intent]=pi_api');
    expect(harness.ledgerRow('in_api')['Payment Status']).toBe('processing');
  });

  it('opens UNKNOWN_INVOICE with the payment as evidence when nothing resolves it', () => {
    harness = createHarness([{ invoiceId: 'in_other' }]);
    const event = disputeEvent('charge.dispute.created', {
      chargeId: 'ch_lost',
      paymentIntent: 'pi_lost',
      amount: 2500,
    });
    expect(harness.post(event).result).toBe('processed');
    const [exception] = harness.records('Exceptions');
    expect(exception).toMatchObject({
      Reason: 'UNKNOWN_INVOICE',
      'Event ID': event.id,
      Amount: 25,
      Currency: 'USD',
    });
    // It names no invoice: the column stays blank, and the note says which payment waits.
    expect(exception!['Stripe Invoice ID']).toBe('');
    expect(String(exception!.Note)).toMatch(/pi_lost/);
  });
});

describe('doPost opens exceptions with the contract reason codes, once per cause', () => {
  it('opens UNKNOWN_INVOICE for an invoice not in the ledger, and adds a repeat to its evidence', () => {
    harness = createHarness([]);
    const first = invoiceEvent('invoice.paid', { invoiceId: 'in_nobody', created: T0 });
    const second = invoiceEvent('invoice.payment_succeeded', { invoiceId: 'in_nobody', created: T0 + 1 });
    harness.post(first);
    harness.post(second);
    const exceptions = harness.records('Exceptions');
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]).toMatchObject({
      Reason: 'UNKNOWN_INVOICE',
      Status: 'open',
      'Stripe Invoice ID': 'in_nobody',
    });
    expect(exceptions[0]!['Event ID']).toBe(`${first.id}, ${second.id}`);
    expect(String(exceptions[0]!['Exception ID'])).toMatch(/^EX-\d{8}-[2-9A-HJKMNP-Z]{6}$/);
    const audit = harness.records('Audit').map((r) => r.Action);
    expect(audit).toEqual(['open_exception', 'add_evidence']);
  });

  it('opens UNDERPAID against a filled Expected Amount and keeps partially_paid', () => {
    harness = createHarness([{ invoiceId: 'in_under', expected: 100 }]);
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_under', amountDue: 6000, created: T0 }));
    expect(harness.ledgerRow('in_under')['Payment Status']).toBe('partially_paid');
    expect(harness.records('Exceptions')).toEqual([
      expect.objectContaining({ Reason: 'UNDERPAID', Amount: 60 }),
    ]);
  });

  it('opens OVERPAID and keeps the status paid', () => {
    harness = createHarness([{ invoiceId: 'in_over', expected: 50 }]);
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_over', amountDue: 6000, created: T0 }));
    expect(harness.ledgerRow('in_over')['Payment Status']).toBe('paid');
    expect(harness.records('Exceptions').map((r) => r.Reason)).toEqual(['OVERPAID']);
  });

  it('leaves the row alone and opens CURRENCY_MISMATCH when the currency differs', () => {
    harness = createHarness([{ invoiceId: 'in_cur', expected: 10, currency: 'EUR' }]);
    harness.post(
      invoiceEvent('invoice.paid', { invoiceId: 'in_cur', amountDue: 1000, currency: 'usd', created: T0 }),
    );
    expect(harness.ledgerRow('in_cur')['Payment Status']).toBe('');
    expect(harness.records('Exceptions').map((r) => r.Reason)).toContain('CURRENCY_MISMATCH');
  });

  it('opens PAYMENT_FAILED and shows payment_failed', () => {
    harness = createHarness([{ invoiceId: 'in_fail' }]);
    harness.post(invoiceEvent('invoice.payment_failed', { invoiceId: 'in_fail', created: T0 }));
    expect(harness.ledgerRow('in_fail')['Payment Status']).toBe('payment_failed');
    expect(harness.records('Exceptions').map((r) => r.Reason)).toEqual(['PAYMENT_FAILED']);
  });

  it('opens DISPUTED for an old-API dispute on a paid invoice', () => {
    harness = createHarness([{ invoiceId: 'in_dsp' }]);
    harness.post(
      invoiceEvent('invoice.paid', {
        apiVersion: 'old',
        invoiceId: 'in_dsp',
        paymentIntent: 'pi_dsp',
        charge: 'ch_dsp',
        created: T0,
      }),
    );
    harness.post(
      disputeEvent('charge.dispute.created', {
        apiVersion: 'old',
        invoiceId: 'in_dsp',
        chargeId: 'ch_dsp',
        paymentIntent: 'pi_dsp',
        created: T0 + 10,
      }),
    );
    expect(harness.ledgerRow('in_dsp')['Payment Status']).toBe('disputed');
    expect(harness.records('Exceptions').map((r) => r.Reason)).toEqual(['DISPUTED']);
  });

  it('opens a second exception of the same reason once the first is resolved', () => {
    harness = createHarness([]);
    harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_again', created: T0 }));
    const sheet = harness.fakes.spreadsheet.getSheetByName('Exceptions')!;
    const statusColumn = (sheet.getRange(1, 1, 1, 13).getValues()[0] as string[]).indexOf('Status') + 1;
    sheet.getRange(2, statusColumn).setValue('resolved');
    harness.post(invoiceEvent('invoice.payment_succeeded', { invoiceId: 'in_again', created: T0 + 1 }));
    expect(harness.records('Exceptions').map((r) => r.Status)).toEqual(['resolved', 'open']);
  });
});

describe('doPost logs every request to Stripe Events', () => {
  it('logs a processed delivery with its source, id, type, verification and the raw body', () => {
    harness = createHarness([{ invoiceId: 'in_log' }]);
    const event = invoiceEvent('invoice.paid', {
      invoiceId: 'in_log',
      created: T0,
      customerName: 'Zoë Ñúñez 山田',
    });
    harness.post(event);
    const [log] = harness.records('Stripe Events');
    expect(log).toMatchObject({
      Source: 'webhook',
      'Event ID': event.id,
      'Event Type': 'invoice.paid',
      Verification: 'valid',
      Result: 'processed',
      Payload: JSON.stringify(event, null, 2),
    });
    expect(log!['Received At']).toBeInstanceOf(Date);
  });

  it('keeps a payload over 50,000 characters whole across continuation cells', () => {
    harness = createHarness([{ invoiceId: 'in_big' }]);
    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_big', created: T0 });
    (event.data.object as Record<string, unknown>).description = `=SUM(A1) ${'é'.repeat(120_000)}`;
    const answer = harness.post(event);
    expect(answer.result).toBe('processed');
    const [header = [], row = []] = harness.fakes.spreadsheet.sheetValues('Stripe Events');
    const payloadAt = header.indexOf('Payload');
    const cells = row.slice(payloadAt).filter((cell) => cell !== '');
    expect(cells.length).toBeGreaterThanOrEqual(3);
    for (const cell of cells) expect(String(cell).length).toBeLessThanOrEqual(50_000);
    expect(cells.join('')).toBe(JSON.stringify(event, null, 2));
    expect(header.slice(payloadAt + 1, payloadAt + cells.length)).toEqual(
      Array(cells.length - 1).fill('Payload (cont.)'),
    );
  });

  it('stores a continuation chunk that starts with = as text, not a formula', () => {
    harness = createHarness([{ invoiceId: 'in_fx' }]);
    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_fx', created: T0 });
    const body = JSON.stringify(event, null, 2);
    // Put `=HYPERLINK(…)` exactly at the start of the second cell.
    const pad = PAYLOAD_CHUNK - body.indexOf('"description"') - '"description": "'.length;
    (event.data.object as Record<string, unknown>).description =
      `${'x'.repeat(Math.max(0, pad))}=HYPERLINK("http://x")`;
    harness.post(event);
    const formulas = harness.fakes.spreadsheet.formulas('Stripe Events');
    expect(formulas.flat().filter((f) => f !== '')).toEqual([]);
    const [header = [], row = []] = harness.fakes.spreadsheet.sheetValues('Stripe Events');
    expect(row.slice(header.indexOf('Payload')).join('')).toBe(JSON.stringify(event, null, 2));
  });

  it('rejects a tampered body, logs it without an event id, and echoes no id', () => {
    harness = createHarness([{ invoiceId: 'in_t' }]);
    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_t', created: T0 });
    const good = harness.post(event, { secret: 'whsec_wrong' });
    expect(good).toMatchObject({ result: 'rejected', eventId: null });
    expect(good.message).toMatch(/does not match/);
    const [log] = harness.records('Stripe Events');
    expect(log).toMatchObject({ Verification: 'invalid', Result: 'rejected', 'Event ID': '' });
    expect(harness.ledgerRow('in_t')['Payment Status']).toBe('');
  });

  it('rejects a missing signature as missing', () => {
    harness = createHarness([]);
    const answer = harness.post(invoiceEvent('invoice.paid', { created: T0 }), { header: null });
    expect(answer.result).toBe('rejected');
    expect(harness.records('Stripe Events')[0]).toMatchObject({
      Verification: 'missing',
      Result: 'rejected',
    });
  });

  it('rejects a signature older than 300 s as stale', () => {
    harness = createHarness([]);
    const answer = harness.post(invoiceEvent('invoice.paid', { created: T0 }), {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(answer.result).toBe('rejected');
    expect(harness.records('Stripe Events')[0]).toMatchObject({ Verification: 'stale', Result: 'rejected' });
  });

  it('accepts any configured secret, trimmed, so a rolled secret keeps working', () => {
    harness = createHarness([{ invoiceId: 'in_roll' }], {
      secrets: ` whsec_old_one , ${TEST_WEBHOOK_SECRET} `,
    });
    expect(harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_roll', created: T0 })).result).toBe(
      'processed',
    );
    expect(
      harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_roll', created: T0 + 1 }), {
        secret: 'whsec_old_one',
      }).result,
    ).toBe('processed');
  });

  it('answers error and logs unconfigured when no secret is set, without leaking anything', () => {
    harness = createHarness([], { secrets: '' });
    const answer = harness.post(invoiceEvent('invoice.paid', { created: T0 }));
    expect(answer.result).toBe('error');
    expect(answer.message).toMatch(/STRIPE_WEBHOOK_SECRETS/);
    expect(harness.records('Stripe Events')[0]).toMatchObject({
      Verification: 'unconfigured',
      Result: 'error',
    });
  });

  it('rejects a validly signed body that is not a Stripe event', () => {
    harness = createHarness([]);
    const answer = harness.post('{"hello":"world"}');
    expect(answer).toMatchObject({ result: 'rejected', eventId: null });
    expect(harness.records('Stripe Events')[0]).toMatchObject({ Verification: 'valid', Result: 'rejected' });
  });

  it('ignores an event type the ledger does not use, and logs it', () => {
    harness = createHarness([]);
    const event = stripeEvent('customer.created', { id: 'cus_1', object: 'customer', name: '=cmd|/c calc' });
    expect(harness.post(event)).toMatchObject({ result: 'ignored', eventId: event.id });
    expect(harness.records('Stripe Events')[0]).toMatchObject({ Result: 'ignored', 'Event ID': event.id });
  });

  it('records the delivery as queued when another execution holds the script lock, and that one applies it', () => {
    harness = createHarness([{ invoiceId: 'in_q' }]);
    harness.fakes.lock.holdScriptLock(true);
    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_q', created: T0 });
    const answer = harness.post(event);
    expect(answer).toMatchObject({ result: 'queued', eventId: event.id });
    expect(harness.records('Stripe Events')).toEqual([
      expect.objectContaining({ Result: 'queued', 'Event ID': event.id }),
    ]);
    expect(harness.ledgerRow('in_q')['Payment Status']).toBe('');
    harness.fakes.lock.holdScriptLock(false);
    // The next delivery finds the lock free and applies what waits, in the same row.
    harness.post(invoiceEvent('invoice.updated', { invoiceId: 'in_other', created: T0 + 5 }));
    expect(harness.ledgerRow('in_q')['Payment Status']).toBe('paid');
    expect(harness.records('Stripe Events')[0]).toMatchObject({ Result: 'processed', 'Event ID': event.id });
  });

  it('answers busy and logs nothing when even the append lock cannot be had', () => {
    harness = createHarness([]);
    harness.fakes.lock.holdScriptLock(true);
    harness.fakes.lock.holdUserLock(true);
    const answer = harness.post(invoiceEvent('invoice.paid', { created: T0 }));
    expect(answer).toMatchObject({ result: 'busy' });
    expect(harness.records('Stripe Events')).toEqual([]);
    harness.fakes.lock.holdScriptLock(false);
    harness.fakes.lock.holdUserLock(false);
  });

  it('stores rejected floods in bounded space: full rows up to the hourly limit, then a count', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-03-02T10:05:00Z'));
      harness = createHarness([]);
      const body = JSON.stringify(invoiceEvent('invoice.paid', { created: T0 }));
      for (let i = 0; i < REJECTED_ROWS_PER_HOUR + 25; i++) harness.post(body, { header: 't=1,v1=deadbeef' });
      expect(harness.records('Stripe Events')).toHaveLength(REJECTED_ROWS_PER_HOUR);
      vi.setSystemTime(new Date('2026-03-02T11:01:00Z'));
      harness.post(body, { header: 't=1,v1=deadbeef' });
      const rows = harness.records('Stripe Events');
      expect(rows).toHaveLength(REJECTED_ROWS_PER_HOUR + 2);
      expect(String(rows[REJECTED_ROWS_PER_HOUR]!.Message)).toMatch(/^25 further rejected requests/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never writes a secret into any cell or answer', () => {
    harness = createHarness([{ invoiceId: 'in_s' }]);
    const answers = [
      harness.post(invoiceEvent('invoice.paid', { invoiceId: 'in_s', created: T0 })),
      harness.post(invoiceEvent('invoice.paid', { created: T0 }), { secret: 'whsec_other' }),
    ];
    const everything = JSON.stringify([
      answers,
      ...['Ledger', 'Stripe Events', 'Exceptions', 'Audit'].map((s) => harness.records(s)),
    ]);
    expect(everything).not.toContain(TEST_WEBHOOK_SECRET);
  });
});

describe('doPost writes text from Stripe so that it can never become a formula', () => {
  it('stores formula-looking ids and types as the exact text', () => {
    harness = createHarness([]);
    const event = stripeEvent(
      '=IMPORTXML("http://evil")',
      { id: 'x', object: 'thing' },
      { id: `evt_${'1'.repeat(8)}` },
    );
    harness.post(event);
    expect(harness.fakes.spreadsheet.formulas('Stripe Events').flat().filter(Boolean)).toEqual([]);
    expect(harness.records('Stripe Events')[0]!['Event Type']).toBe('=IMPORTXML("http://evil")');
  });

  it('keeps an unknown invoice id that looks like a number as text in Exceptions', () => {
    harness = createHarness([]);
    harness.post(invoiceEvent('invoice.paid', { invoiceId: '0012', created: T0 }));
    expect(harness.records('Exceptions')[0]!['Stripe Invoice ID']).toBe('0012');
  });
});

describe('a failure while the change is written leaves it for the next holder of the lock to complete', () => {
  it('answers error, keeps the ledger unchanged until then, and ends with the change applied and audited once', () => {
    harness = createHarness([{ invoiceId: 'in_retry' }]);
    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_retry', created: T0 });
    const audit = harness.fakes.spreadsheet.getSheetByName('Audit')!;
    harness.fakes.spreadsheet.deleteSheet(audit);
    const failed = harness.post(event);
    expect(failed.result).toBe('error');
    expect(harness.ledgerRow('in_retry')['Payment Status']).toBe('');
    expect(harness.fakes.properties.script.get('STRIPE_LEDGER_JOURNAL')).toBeTruthy();
    harness.fakes.spreadsheet.insertSheet('Audit');
    // setupLedger restores the header; run it through the harness's installed globals.
    return import('../../src/gas/setup').then(({ setupLedger }) => {
      setupLedger();
      // Stripe's retry finds the interrupted change, completes it first, and is then a duplicate of it.
      const retry = harness.post(event, { timestamp: Math.floor(Date.now() / 1000) + 2 });
      expect(retry.result).toBe('duplicate');
      expect(harness.fakes.properties.script.get('STRIPE_LEDGER_JOURNAL')).toBeUndefined();
      expect(harness.ledgerRow('in_retry')['Payment Status']).toBe('paid');
      expect(harness.records('Audit').filter((r) => r.Field === 'Payment Status')).toEqual([
        expect.objectContaining({ Before: '', After: 'paid', Evidence: event.id }),
      ]);
      expect(harness.records('Stripe Events').map((r) => r.Result)).toEqual(['processed', 'duplicate']);
    });
  });
});

describe('doGet', () => {
  it('answers liveness only', () => {
    harness = createHarness([]);
    expect(JSON.parse(doGet().getContent())).toEqual({ ok: true, version: expect.any(String) });
  });
});
