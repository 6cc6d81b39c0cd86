// The rows a payment may belong to, best first, with the reasons a bursar would give.

import { describe, expect, it } from 'vitest';
import { ledgerPeople } from '../../../src/core/review/ledger-people';
import { type PaymentClues, rankCandidates } from '../../../src/core/review/rank-candidates';

const due = (iso: string) => new Date(`${iso}T12:00:00Z`);
const at = (iso: string) => Date.parse(`${iso}T12:00:00Z`) / 1000;
const HEADER = [
  'Student',
  'E-mail',
  'Plan',
  'Due',
  'Stripe Invoice ID',
  'Expected Amount',
  'Currency',
  'Amount Paid',
  'Stripe Customer',
];

function ledger(rows: (string | number | Date)[][]) {
  return ledgerPeople({ header: HEADER, rows }).rows;
}

function payment(clues: Partial<PaymentClues>): PaymentClues {
  return {
    amount: null,
    currency: '',
    customerId: '',
    customerName: '',
    customerEmail: '',
    at: null,
    ...clues,
  };
}

const BLANK = { rows: 'blank' as const, notMatched: new Set<string>(), limit: 5 };

describe('rankCandidates', () => {
  const rows = ledger([
    ['Søren Nørgaard', 'norgaard@mail.example', 'Instalment 2', due('2026-01-15'), '', 480, 'EUR', '', ''],
    ['Mette Nørgaard', 'norgaard@mail.example', 'Camp', due('2026-01-15'), '', 480, 'EUR', '', ''],
    ['José Álvarez', 'alvarez@mail.example', 'Spring', due('2026-01-10'), '', 900, 'USD', 400, ''],
    ['Zoë Ashford', 'ashford@mail.example', 'Autumn', due('2026-01-05'), 'in_zoe', 1250.5, 'USD', '', ''],
  ]);

  it('puts the same name, e-mail and amount first; a sibling with the surname and the amount after', () => {
    const ranked = rankCandidates(
      payment({
        amount: 480,
        currency: 'EUR',
        customerName: 'Soren Norgaard',
        customerEmail: 'norgaard@mail.example',
        at: at('2026-01-14'),
      }),
      rows,
      BLANK,
    );
    expect(ranked.map((r) => r.person.names[0])).toEqual(['Søren Nørgaard', 'Mette Nørgaard']);
    expect(ranked[0]?.reasons.map((r) => r.text)).toEqual([
      'Same e-mail (norgaard@mail.example)',
      'Same name (Søren Nørgaard)',
      'Same currency (EUR)',
      'Exactly what the row still owes (480; 2 rows owe that)',
      'Due 1 day after the payment',
    ]);
    expect(ranked[1]?.reasons.find((r) => r.kind === 'name')?.text).toBe('Shares a name (Mette Nørgaard)');
  });

  it('makes an amount many rows owe count for less than one few rows owe', () => {
    const prices = ledger(
      Array.from({ length: 10 }, (_, i) => [
        `Pupil ${i}`,
        `p${i}@mail.example`,
        'Term',
        due('2026-01-15'),
        '',
        480,
        'EUR',
        '',
        '',
      ]),
    );
    const [row] = rankCandidates(payment({ amount: 480, currency: 'EUR' }), prices, BLANK);
    expect(row?.reasons.find((r) => r.kind === 'amount')).toEqual({
      kind: 'amount',
      text: 'Exactly what the row still owes (480; 10 rows owe that)',
      points: 25,
    });
    const [alone] = rankCandidates(payment({ amount: 480, currency: 'EUR' }), prices.slice(0, 1), BLANK);
    expect(alone?.reasons.find((r) => r.kind === 'amount')?.points).toBe(35);
  });

  it('compares the amount with what the row still owes, not what it was for', () => {
    const [jose] = rankCandidates(
      payment({ amount: 500, currency: 'USD', customerName: 'Jose Alvarez' }),
      rows,
      BLANK,
    );
    expect(jose?.reasons.find((r) => r.kind === 'amount')?.text).toBe(
      'Exactly what the row still owes (500)',
    );
  });

  it('speaks against a row in another currency', () => {
    const clues = payment({
      amount: 480,
      currency: 'USD',
      customerName: 'Søren Nørgaard',
      customerEmail: 'norgaard@mail.example',
    });
    const ranked = rankCandidates(clues, rows, BLANK);
    expect(ranked[0]?.person.names[0]).toBe('Søren Nørgaard');
    expect(ranked[0]?.reasons).toContainEqual({
      kind: 'currency',
      text: 'The row is in EUR, the payment in USD',
      points: -30,
    });
  });

  it('offers rows with an invoice only for a payment that names none, and never a row ruled out', () => {
    const clues = payment({ amount: 1250.5, currency: 'USD', customerName: 'Zoe Ashford' });
    expect(rankCandidates(clues, rows, BLANK).map((r) => r.person.invoiceId)).toEqual([]);
    const keyed = rankCandidates(clues, rows, { ...BLANK, rows: 'keyed' });
    expect(keyed.map((r) => r.person.invoiceId)).toEqual(['in_zoe']);
    const ruledOut = new Set([keyed[0]!.person.fingerprint]);
    expect(rankCandidates(clues, rows, { ...BLANK, rows: 'keyed', notMatched: ruledOut })).toEqual([]);
  });

  it('ranks the person a reviewer matched to this customer before first, whatever name the payer gives now', () => {
    const learned = ledger([
      [
        'Søren Nørgaard',
        'norgaard@mail.example',
        'Instalment 2',
        due('2026-01-15'),
        'in_s2',
        480,
        'EUR',
        480,
        'cus_n',
      ],
      ['Søren Nørgaard', 'norgaard@mail.example', 'Instalment 3', due('2026-02-15'), '', 480, 'EUR', '', ''],
      ['Mette Nørgaard', 'norgaard@mail.example', 'Camp', due('2026-01-17'), '', 480, 'EUR', '', ''],
    ]);
    const clues = payment({
      amount: 480,
      currency: 'EUR',
      customerId: 'cus_n',
      customerName: 'Henrik Nørgaard',
      at: at('2026-01-17'),
    });
    const before = rankCandidates({ ...clues, customerId: 'cus_unknown' }, learned, BLANK);
    expect(before[0]?.person.names[0]).toBe('Mette Nørgaard');
    const after = rankCandidates(clues, learned, BLANK);
    expect(after[0]?.person.rowNumber).toBe(3);
    expect(after[0]?.reasons[0]).toMatchObject({ kind: 'learned', points: 45 });
  });

  it('offers nothing for a payment that looks like no row', () => {
    expect(
      rankCandidates(payment({ amount: 77, currency: 'USD', customerName: 'Walk-in workshop' }), rows, BLANK),
    ).toEqual([]);
  });
});
