// The ledger's own columns that say who a row is, whatever the school called them.

import { describe, expect, it } from 'vitest';
import { findPeopleColumns } from '../../../src/core/review/people-columns';

const date = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('findPeopleColumns', () => {
  it('finds names, e-mails and the due date by header, the student before the payer', () => {
    const columns = findPeopleColumns({
      header: ['Payer', 'Student', 'Parent e-mail', 'Plan', 'Due', 'Stripe Invoice ID', 'Expected Amount'],
      rows: [
        [
          'Henrik Nørgaard',
          'Søren Nørgaard',
          'norgaard@mail.example',
          'Instalment 1',
          date('2026-01-15'),
          '',
          480,
        ],
        ['Ana Ruiz', 'José Ruiz', 'ruiz@mail.example', 'Spring term', date('2026-02-01'), 'in_1', 900],
      ],
    });
    expect(columns).toEqual({ names: [1, 0], emails: [2], dates: [4] });
  });

  it('finds them by content when the headers say nothing: many distinct word-only values, addresses, dates', () => {
    const rows = [
      ['Zoë Ashford', 'Autumn', 'zoe@mail.example', date('2026-01-05'), 'A1'],
      ['Søren Nørgaard', 'Autumn', 'soren@mail.example', date('2026-01-15'), 'A2'],
      ['José Álvarez', 'Spring', 'jose@mail.example', date('2026-01-10'), 'A3'],
      ['Ngozi Okafor', 'Autumn', 'ngozi@mail.example', date('2026-01-08'), 'A4'],
      ['山田 花子', 'Spring', 'hanako@mail.example', date('2026-01-09'), 'A5'],
    ];
    const columns = findPeopleColumns({ header: ['Wer', 'Semester', 'Kontakt', 'Fällig', 'Ref'], rows });
    expect(columns).toEqual({ names: [0], emails: [2], dates: [3] });
  });

  it('never takes the add-on’s own columns, nor words that are not people (plans, notes, statuses)', () => {
    const columns = findPeopleColumns({
      header: ['Plan', 'Notes', 'Payment Status', 'Stripe Customer'],
      rows: [['Autumn term', 'Paid by cheque', 'paid', 'cus_1']],
    });
    expect(columns).toEqual({ names: [], emails: [], dates: [] });
  });
});
