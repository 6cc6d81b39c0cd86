// The ledger a newcomer finds on the emulator's first start: a school's tuition rows, some in instalments, in USD,
// EUR and JPY, some with an Expected Amount filled in, each with a parent's e-mail and a due date (days from the
// first start). One row was typed before its Stripe invoice id was known: `npm run demo` (demo-scenario.ts) pays it,
// the payment waits in Exceptions, and the review sidebar matches it to the row.

import type { GasFakes } from '../../fakes/gas';

export interface DemoStudent {
  student: string;
  plan: string;
  invoiceId: string;
  /** Major units, as the finance person types it; '' leaves the invoice's `amount_due` as what is owed. */
  expected: number | '';
  currency: 'USD' | 'EUR' | 'JPY';
  email: string;
  /** Days from the first start of the emulator (negative: already past). */
  dueInDays: number;
}

export const DEMO_STUDENTS: readonly DemoStudent[] = [
  {
    student: 'Zoë Ashford',
    plan: 'Autumn term',
    invoiceId: 'in_demo_zoe_autumn',
    expected: 1250.5,
    currency: 'USD',
    email: 'ashford.family@mail.example',
    dueInDays: -2,
  },
  {
    student: '山田 花子',
    plan: 'Japanese intensive',
    invoiceId: 'in_demo_yamada',
    expected: 60000,
    currency: 'JPY',
    email: 'yamada@mail.example',
    dueInDays: -1,
  },
  {
    student: 'Søren Nørgaard',
    plan: 'Instalment 1 of 3',
    invoiceId: 'in_demo_soren_1',
    expected: 480,
    currency: 'EUR',
    email: 'norgaard@mail.example',
    dueInDays: -3,
  },
  {
    student: 'Søren Nørgaard',
    plan: 'Instalment 2 of 3',
    invoiceId: 'in_demo_soren_2',
    expected: 480,
    currency: 'EUR',
    email: 'norgaard@mail.example',
    dueInDays: 27,
  },
  {
    student: 'Søren Nørgaard',
    plan: 'Instalment 3 of 3',
    invoiceId: 'in_demo_soren_3',
    expected: 480,
    currency: 'EUR',
    email: 'norgaard@mail.example',
    dueInDays: 58,
  },
  {
    student: 'José Álvarez',
    plan: 'Instalment 1 of 2',
    invoiceId: 'in_demo_jose_1',
    expected: 900,
    currency: 'USD',
    email: 'alvarez@mail.example',
    dueInDays: -1,
  },
  {
    student: 'José Álvarez',
    plan: 'Instalment 2 of 2',
    invoiceId: 'in_demo_jose_2',
    expected: 900,
    currency: 'USD',
    email: 'alvarez@mail.example',
    dueInDays: 30,
  },
  {
    student: 'Amélie Dubois',
    plan: 'Summer school',
    invoiceId: 'in_demo_amelie',
    expected: '',
    currency: 'EUR',
    email: 'dubois@mail.example',
    dueInDays: -4,
  },
  {
    student: 'Ngozi Okafor',
    plan: 'Exam fees',
    invoiceId: 'in_demo_ngozi',
    expected: 320,
    currency: 'USD',
    email: 'okafor@mail.example',
    dueInDays: -1,
  },
  {
    student: 'Łukasz Wiśniewski',
    plan: 'Autumn term',
    invoiceId: 'in_demo_lukasz',
    expected: 1100,
    currency: 'USD',
    email: 'wisniewski@mail.example',
    dueInDays: -6,
  },
  {
    student: 'Chloé Martin',
    plan: 'Music lessons',
    invoiceId: 'in_demo_chloe',
    expected: '',
    currency: 'JPY',
    email: 'martin.chloe@mail.example',
    dueInDays: 10,
  },
  {
    student: 'Ömer Yılmaz',
    plan: 'Instalment 1 of 2',
    invoiceId: 'in_demo_omer_1',
    expected: '',
    currency: 'USD',
    email: 'yilmaz.family@mail.example',
    dueInDays: -20,
  },
  {
    student: 'Ömer Yılmaz',
    plan: 'Instalment 2 of 2',
    // Typed before the invoice was sent: the demo's payment for it waits in Exceptions until it is matched.
    invoiceId: '',
    expected: 450,
    currency: 'USD',
    email: 'yilmaz.family@mail.example',
    dueInDays: 1,
  },
];

/** Types the rows in as a user would, then runs `setupLedger` by name, as the menu's first run does. */
export function seedDemoLedger(fakes: GasFakes, call: (name: string) => unknown): void {
  const header = [
    'Student',
    'Plan',
    'Stripe Invoice ID',
    'Expected Amount',
    'Currency',
    'Parent e-mail',
    'Due Date',
  ];
  const rows: (string | number)[][] = [header];
  const today = new Date();
  today.setUTCHours(12, 0, 0, 0);
  for (const s of DEMO_STUDENTS) {
    // Typed as a date is typed: Sheets reads 2026-01-15 as a date and keeps that format.
    const due = new Date(today.getTime() + s.dueInDays * 86_400_000).toISOString().slice(0, 10);
    // A leading apostrophe keeps typed text as text, as in the Sheets UI.
    const invoice = s.invoiceId ? `'${s.invoiceId}` : '';
    rows.push([`'${s.student}`, `'${s.plan}`, invoice, s.expected, s.currency, s.email, due]);
  }
  // A new spreadsheet has one empty `Sheet1`: the school renames it, as people do.
  const [first] = fakes.spreadsheet.getSheets();
  const ledger =
    first && first.getLastRow() === 0 ? first.setName('Ledger') : fakes.spreadsheet.insertSheet('Ledger');
  ledger.getRange(1, 1, rows.length, header.length).setValues(rows);
  call('setupLedger');
}
