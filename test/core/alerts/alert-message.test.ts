// The text of an alert: a burst states its count and total and names the first ten; escalations name the exception,
// its amount and its owner; owners appear by name, never by address.

import { describe, expect, it } from 'vitest';
import { alertMessage, MAX_MESSAGE_CHARACTERS } from '../../../src/core/alerts/alert-message';
import type { ExceptionEntry } from '../../../src/core/report/report-records';

function exception(n: number, over: Partial<ExceptionEntry> = {}): ExceptionEntry {
  return {
    exceptionId: `EX-20260310-${String(n).padStart(7, '0')}`,
    openedAt: new Date('2026-03-10T10:00:00Z'),
    reason: 'UNDERPAID',
    invoiceKey: `in_${n}`,
    eventIds: [],
    amount: 100.5,
    currency: 'USD',
    status: 'open',
    resolvedAt: null,
    owner: '',
    ...over,
  };
}

describe('an alert message', () => {
  it('for a burst of 25 exceptions states the count and total, names ten and counts the rest', () => {
    const burst = Array.from({ length: 25 }, (_, i) => exception(i + 1));
    const message = alertMessage({ exceptions: burst, escalations: [], trouble: [] }, 'Tuition 2026');
    expect(message.subject).toBe('Stripe Ledger: 25 new exceptions');
    expect(message.text).toContain('25 new exceptions (USD 2,512.50 in total):');
    expect(message.text).toContain('• EX-20260310-0000001: UNDERPAID on in_1, USD 100.50');
    expect(message.text).toContain('• EX-20260310-0000010:');
    expect(message.text).not.toContain('EX-20260310-0000011');
    expect(message.text).toContain('… and 15 more');
  });

  it('for an escalation names the Exception ID, amount, days open and the owner by name only', () => {
    const disputed = exception(7, {
      reason: 'DISPUTED',
      amount: 5000,
      currency: 'JPY',
      owner: 'bursar@school.example',
    });
    const message = alertMessage(
      { exceptions: [], escalations: [{ exception: disputed, daysOpen: 2, ageDays: 1 }], trouble: [] },
      'Tuition 2026',
    );
    expect(message.subject).toBe('Stripe Ledger: 1 escalation');
    expect(message.text).toContain(
      '• EX-20260310-0000007: DISPUTED on in_7, JPY 5,000 — owner bursar — open 2 days',
    );
    expect(message.text).not.toContain('@school.example');
  });

  it('stays within what Telegram accepts', () => {
    const long = Array.from({ length: 10 }, (_, i) => ({
      kind: `k${i}`,
      fingerprint: 'x',
      text: 'y'.repeat(600),
    }));
    const message = alertMessage({ exceptions: [], escalations: [], trouble: long }, 'Tuition 2026');
    expect(message.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARACTERS);
    expect(message.subject).toBe('Stripe Ledger: 10 system problems');
  });
});
