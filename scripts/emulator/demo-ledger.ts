// The ledger a newcomer finds on the emulator's first start: a school's tuition rows, some in instalments, in USD,
// EUR and JPY, some with an Expected Amount filled in. `npm run demo` (demo-scenario.ts) pays some of them.

import type { GasFakes } from '../../fakes/gas';

export interface DemoStudent {
  student: string;
  plan: string;
  invoiceId: string;
  /** Major units, as the finance person types it; '' leaves the invoice's `amount_due` as what is owed. */
  expected: number | '';
  currency: 'USD' | 'EUR' | 'JPY';
}

export const DEMO_STUDENTS: readonly DemoStudent[] = [
  {
    student: 'Zoë Ashford',
    plan: 'Autumn term',
    invoiceId: 'in_demo_zoe_autumn',
    expected: 1250.5,
    currency: 'USD',
  },
  {
    student: '山田 花子',
    plan: 'Japanese intensive',
    invoiceId: 'in_demo_yamada',
    expected: 60000,
    currency: 'JPY',
  },
  {
    student: 'Søren Nørgaard',
    plan: 'Instalment 1 of 3',
    invoiceId: 'in_demo_soren_1',
    expected: 480,
    currency: 'EUR',
  },
  {
    student: 'Søren Nørgaard',
    plan: 'Instalment 2 of 3',
    invoiceId: 'in_demo_soren_2',
    expected: 480,
    currency: 'EUR',
  },
  {
    student: 'Søren Nørgaard',
    plan: 'Instalment 3 of 3',
    invoiceId: 'in_demo_soren_3',
    expected: 480,
    currency: 'EUR',
  },
  {
    student: 'José Álvarez',
    plan: 'Instalment 1 of 2',
    invoiceId: 'in_demo_jose_1',
    expected: 900,
    currency: 'USD',
  },
  {
    student: 'José Álvarez',
    plan: 'Instalment 2 of 2',
    invoiceId: 'in_demo_jose_2',
    expected: 900,
    currency: 'USD',
  },
  {
    student: 'Amélie Dubois',
    plan: 'Summer school',
    invoiceId: 'in_demo_amelie',
    expected: '',
    currency: 'EUR',
  },
  { student: 'Ngozi Okafor', plan: 'Exam fees', invoiceId: 'in_demo_ngozi', expected: 320, currency: 'USD' },
  {
    student: 'Łukasz Wiśniewski',
    plan: 'Autumn term',
    invoiceId: 'in_demo_lukasz',
    expected: 1100,
    currency: 'USD',
  },
  {
    student: 'Chloé Martin',
    plan: 'Music lessons',
    invoiceId: 'in_demo_chloe',
    expected: '',
    currency: 'JPY',
  },
  {
    student: 'Ömer Yılmaz',
    plan: 'Instalment 1 of 2',
    invoiceId: 'in_demo_omer_1',
    expected: '',
    currency: 'USD',
  },
];

/** Types the rows in as a user would, then runs `setupLedger` by name, as the menu's first run does. */
export function seedDemoLedger(fakes: GasFakes, call: (name: string) => unknown): void {
  const header = ['Student', 'Plan', 'Stripe Invoice ID', 'Expected Amount', 'Currency'];
  const rows: (string | number)[][] = [header];
  for (const s of DEMO_STUDENTS) {
    // A leading apostrophe keeps typed text as text, as in the Sheets UI.
    rows.push([`'${s.student}`, `'${s.plan}`, `'${s.invoiceId}`, s.expected, s.currency]);
  }
  // A new spreadsheet has one empty `Sheet1`: the school renames it, as people do.
  const [first] = fakes.spreadsheet.getSheets();
  const ledger =
    first && first.getLastRow() === 0 ? first.setName('Ledger') : fakes.spreadsheet.insertSheet('Ledger');
  ledger.getRange(1, 1, rows.length, header.length).setValues(rows);
  call('setupLedger');
}
