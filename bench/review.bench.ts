// npm run bench (second part): how well the review sidebar ranks the rows a payment may belong to, and what it costs,
// measured through the real server functions on the Apps Script fakes.
//
// A seeded school: 2,000 ledger rows of some 500 families, names with accents, surnames shared by unrelated families,
// siblings, a handful of prices (so equal amounts everywhere), monthly instalments, a quarter of the rows typed before
// their Stripe invoice was known. Then 50 payments for 50 of those rows arrive as Stripe would send them, under the
// family's Stripe customer, and each exception is ranked:
// - as the payer wrote it: the student's name without accents, with a typo, the parent's name, an initial, no name;
//   the family's e-mail, another e-mail, or none; sometimes part of the amount; paid on time or weeks early;
// - then, after a reviewer matched each, the same customer's next payment (the next instalment), under another name
//   or e-mail: the learning from the match must put the right row first.
// Also: how often one ranking reads the Ledger, and the first page of 1,000 open exceptions in one call.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGasFakes, type GasFakes, type ServiceCall } from '../fakes/gas';
import type { FakeRange } from '../fakes/gas-sheets';
import { reviewServer } from '../src/gas/review-calls';
import { setupLedger } from '../src/gas/setup';
import { doPost } from '../src/gas/webapp';
import type { Answer, DetailView } from '../src/shared/review-api';
import { invoiceEvent, signedDelivery, TEST_WEBHOOK_SECRET } from '../test/fixtures/events';

const ROWS = 2_000;
const PAYMENTS = 50;
const QUEUE = 1_000;
const DAY = 86_400;
/** 2025-09-01: the first instalments fall due from here. */
const TERM_START = 1_756_684_800;

// ---------------------------------------------------------------------------------------------------------------
// A seeded school

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rand = random(20_260_115);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

const FIRST_NAMES = [
  'José',
  'Zoë',
  'Søren',
  'Chloé',
  'Łukasz',
  'Ömer',
  'Amélie',
  'Björn',
  'François',
  'Noémie',
  'Jürgen',
  'Ngozi',
  'Aoife',
  'Siobhán',
  'Małgorzata',
  'Inès',
  'Mateo',
  'Léa',
  'Élodie',
  'Raphaël',
  'Zoltán',
  'Ágnes',
  'Kübra',
  'Çağla',
  'Ayşe',
  'İbrahim',
  'Ana',
  'Lucía',
  'Tomás',
  'Joaquín',
  'Renée',
  'Hélène',
  'Anaïs',
  'Maël',
  'Jérôme',
  'Åsa',
  'Øyvind',
  'Kai',
  'Mia',
  'Liam',
  'Noah',
  'Emma',
  'Olivia',
  'Ava',
  'Lucas',
  'Ethan',
  'Maya',
  'Aarav',
  'Priya',
  'Chidi',
  'Amara',
  'Yuki',
  'Hana',
  'Ren',
  'Mei',
  'Wei',
  'Sofía',
  'Matías',
  'Andrés',
  'Dániel',
];
const SURNAMES = [
  'Álvarez',
  'Nørgaard',
  'Dubois',
  'Wiśniewski',
  'Yılmaz',
  'Okafor',
  'Martin',
  'García',
  'Müller',
  'Schröder',
  'Øster',
  'Brennan',
  "O'Connor",
  'Kowalski',
  'Nowak',
  'Fernández',
  'Núñez',
  'Peña',
  'Côté',
  'Lefèvre',
  'Gauthier',
  'Bergström',
  'Åkesson',
  'Johansson',
  'Smith',
  'Jones',
  'Brown',
  'Taylor',
  'Wilson',
  'Davies',
  'Evans',
  'Thomas',
  'Nakamura',
  'Tanaka',
  'Suzuki',
  'Chen',
  'Wang',
  'Li',
  'Zhang',
  'Kim',
  'Park',
  'Nguyen',
  'Tran',
  'Singh',
  'Patel',
  'Kumar',
  'Shah',
  'Adeyemi',
  'Okoye',
  'Mensah',
  'Haddad',
  'Khoury',
  'Rossi',
  'Russo',
  'Bianchi',
  'Ferrari',
  'Esposito',
  'Romano',
  'Çelik',
  'Doğan',
  'Şahin',
  'Kaya',
  'Hernández',
  'López',
  'González',
  'Pérez',
  'Sánchez',
  'Ramírez',
  'Torres',
  'Flores',
  'Jiménez',
  'Moreno',
  'Muñoz',
  'Gómez',
  'Díaz',
  'Ruiz',
  'Vázquez',
  'Ortiz',
];
const PRICES: readonly [number, string][] = [
  [480, 'EUR'],
  [480, 'EUR'],
  [900, 'USD'],
  [900, 'USD'],
  [1250.5, 'USD'],
  [320, 'USD'],
  [600, 'USD'],
  [750, 'USD'],
  [1100, 'USD'],
  [450, 'USD'],
  [550, 'EUR'],
  [60_000, 'JPY'],
];

interface Row {
  rowNumber: number;
  student: string;
  parent: string;
  email: string;
  plan: string;
  due: number;
  invoiceId: string;
  amount: number;
  currency: string;
  family: number;
  child: string;
  instalment: number;
}

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ı/g, 'i')
    .replace(/İ/g, 'I');
}

function school(): Row[] {
  const rows: Row[] = [];
  for (let family = 0; rows.length < ROWS; family++) {
    const surname = pick(SURNAMES);
    const parent = `${pick(FIRST_NAMES)} ${surname}`;
    const email = `${ascii(parent)
      .toLowerCase()
      .replace(/[^a-z]+/g, '.')}@mail${family % 7}.example`;
    const children = rand() < 0.5 ? 1 : rand() < 0.7 ? 2 : 3;
    for (let c = 0; c < children && rows.length < ROWS; c++) {
      const student = `${pick(FIRST_NAMES)} ${surname}`;
      const [amount, currency] = pick(PRICES);
      const instalments = 1 + Math.floor(rand() * 4);
      const first = TERM_START + Math.floor(rand() * 120) * DAY;
      for (let i = 1; i <= instalments && rows.length < ROWS; i++) {
        const due = first + (i - 1) * 30 * DAY;
        rows.push({
          rowNumber: rows.length + 2,
          student,
          parent,
          email,
          plan: instalments === 1 ? 'Full year' : `Instalment ${i} of ${instalments}`,
          due,
          // A quarter of the rows were typed before their invoice was sent.
          invoiceId: rand() < 0.25 ? '' : `in_b${rows.length}`,
          amount,
          currency,
          family,
          child: `${family}-${c}`,
          instalment: i,
        });
      }
    }
  }
  return rows;
}

/** A typo as people make them: two neighbouring letters swapped, or one dropped. */
function typo(word: string): string {
  const letters = [...word];
  const at = 1 + Math.floor(rand() * Math.max(1, letters.length - 3));
  if (rand() < 0.5) [letters[at], letters[at + 1]] = [letters[at + 1] as string, letters[at] as string];
  else letters.splice(at, 1);
  return letters.join('');
}

function withTypo(name: string): string {
  const words = name.split(' ');
  const i = words.findIndex((w) => w.length >= 5);
  if (i >= 0) words[i] = typo(words[i] as string);
  return words.join(' ');
}

interface Payment {
  row: Row;
  name: string;
  email: string;
  amount: number;
  created: number;
  how: string;
}

/** How the first payer wrote their payment, in turn: the hard cases as often as the easy ones. */
const FIRST_WAYS: ((row: Row) => Omit<Payment, 'row' | 'amount' | 'created'> & { part?: boolean })[] = [
  (row) => ({ how: 'student, no accents, family e-mail', name: ascii(row.student), email: row.email }),
  (row) => ({
    how: 'student with a typo, another e-mail',
    name: withTypo(ascii(row.student)),
    email: 'pay@work.example',
  }),
  (row) => ({ how: 'parent, no e-mail', name: ascii(row.parent), email: '' }),
  (row) => ({ how: 'parent with a typo, family e-mail', name: withTypo(row.parent), email: row.email }),
  (row) => ({
    how: 'initial and surname, family e-mail',
    name: `${row.student.charAt(0)}. ${row.student.split(' ').slice(1).join(' ')}`,
    email: row.email,
  }),
  (row) => ({
    how: 'student, another e-mail, half paid',
    name: row.student,
    email: 'me@else.example',
    part: true,
  }),
  (row) => ({ how: 'no name, family e-mail', name: '', email: row.email }),
];

/** The same customer's next payment: another name or e-mail than the first time. */
const NEXT_WAYS: ((row: Row) => Omit<Payment, 'row' | 'amount' | 'created'>)[] = [
  (row) => ({ how: 'parent, new e-mail', name: ascii(row.parent), email: 'new@box.example' }),
  (row) => ({ how: 'surname only, no e-mail', name: row.student.split(' ').slice(1).join(' '), email: '' }),
  () => ({ how: 'no name, no e-mail', name: '', email: '' }),
  (row) => ({ how: 'student with a typo, family e-mail', name: withTypo(row.student), email: row.email }),
];

function payment(
  row: Row,
  way: Omit<Payment, 'row' | 'amount' | 'created'> & { part?: boolean },
  early: boolean,
): Payment {
  return {
    row,
    name: way.name,
    email: way.email,
    how: way.how,
    amount: way.part ? Math.round(row.amount * 50) / 100 : row.amount,
    // Mostly within a few days of the due date; now and then weeks early.
    created: row.due + (early ? -(15 + Math.floor(rand() * 20)) : Math.floor(rand() * 9) - 4) * DAY + 3_600,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The spreadsheet

function open(rows: Row[]): GasFakes {
  const fakes = createGasFakes({ ownerEmail: 'bursar@school.example', timeZone: 'Europe/London' });
  fakes.install();
  const ledger = fakes.spreadsheet.insertSheet('Ledger');
  ledger.insertRowsAfter(ledger.getMaxRows(), ROWS + 10);
  const values: (string | number)[][] = [
    [
      'Student',
      'Parent',
      'Parent e-mail',
      'Plan',
      'Due Date',
      'Stripe Invoice ID',
      'Expected Amount',
      'Currency',
    ],
  ];
  for (const r of rows) {
    const due = new Date(r.due * 1000).toISOString().slice(0, 10);
    values.push([
      `'${r.student}`,
      `'${r.parent}`,
      r.email,
      `'${r.plan}`,
      due,
      r.invoiceId ? `'${r.invoiceId}` : '',
      r.amount,
      r.currency,
    ]);
  }
  ledger.getRange(1, 1, values.length, values[0]!.length).setValues(values);
  setupLedger();
  fakes.properties.script.set('STRIPE_WEBHOOK_SECRETS', TEST_WEBHOOK_SECRET);
  return fakes;
}

function deliver(fakes: GasFakes, pay: Payment, invoiceId: string): void {
  const minor = pay.row.currency === 'JPY' ? pay.amount : Math.round(pay.amount * 100);
  const event = invoiceEvent('invoice.paid', {
    invoiceId,
    amountDue: minor,
    currency: pay.row.currency.toLowerCase(),
    customer: `cus_family${pay.row.family}`,
    customerName: pay.name || null,
    customerEmail: pay.email || null,
    created: pay.created,
  });
  const signed = signedDelivery(event, TEST_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
  const answer = JSON.parse(
    doPost({
      postData: {
        contents: signed.body,
        length: signed.body.length,
        type: 'application/json',
        name: 'postData',
      },
      parameter: { stripe_signature: signed.header },
    } as unknown as GoogleAppsScript.Events.DoPost).getContent(),
  );
  fakes.lock.endExecution();
  if (answer.result !== 'processed')
    throw new Error(`delivery ${invoiceId}: ${answer.result} ${answer.message}`);
}

function exceptionIdFor(fakes: GasFakes, invoiceId: string): string {
  const [header = [], ...rows] = fakes.spreadsheet.sheetValues('Exceptions');
  const key = header.indexOf('Stripe Invoice ID');
  const id = header.indexOf('Exception ID');
  const row = rows.find((r) => r[key] === invoiceId);
  if (!row) throw new Error(`no exception for ${invoiceId}`);
  return String(row[id]);
}

function ok<T>(answer: Answer<T>): T {
  if (!answer.ok) throw new Error(`${answer.refusal}: ${answer.message}`);
  return answer;
}

interface Ranked {
  rank: number | null;
  ledgerReads: number;
  detail: DetailView;
}

/** Ranks one exception through the sidebar's server function, counting the reads of the Ledger sheet. */
function rank(fakes: GasFakes, invoiceId: string, row: Row): Ranked {
  let ledgerReads = 0;
  const stop = fakes.onCall((call: ServiceCall) => {
    const range = call.target as FakeRange | undefined;
    if (
      call.kind === 'Range' &&
      /^get(Values|DisplayValues|Formulas)$/.test(call.method) &&
      range?.sheet?.name === 'Ledger'
    )
      ledgerReads += 1;
  });
  try {
    const detail = ok(reviewServer.reviewDetail({ exceptionId: exceptionIdFor(fakes, invoiceId) }));
    const at = detail.candidates.findIndex((c) => c.rowNumber === row.rowNumber);
    return { rank: at < 0 ? null : at + 1, ledgerReads, detail };
  } finally {
    stop();
    fakes.lock.endExecution();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The run

const rows = school();
const byChild = new Map<string, Row[]>();
for (const row of rows) byChild.set(row.child, [...(byChild.get(row.child) ?? []), row]);
// Students with two instalments in a row still without an invoice id: the first is paid now, the second next.
const targets: [Row, Row][] = [];
const customers = new Set<number>();
for (const list of byChild.values()) {
  for (let i = 0; i + 1 < list.length; i++) {
    const [a, b] = [list[i] as Row, list[i + 1] as Row];
    if (a.invoiceId === '' && b.invoiceId === '' && !customers.has(a.family)) {
      targets.push([a, b]);
      customers.add(a.family);
      break;
    }
  }
}
if (targets.length < PAYMENTS) throw new Error(`only ${targets.length} students with two open instalments`);
const chosen = targets.filter((_, i) => i % Math.floor(targets.length / PAYMENTS) === 0).slice(0, PAYMENTS);

const fakes = open(rows);
const first = chosen.map(([row], i) => payment(row, FIRST_WAYS[i % FIRST_WAYS.length]!(row), i % 5 === 4));
for (const [i, pay] of first.entries()) deliver(fakes, pay, `in_first_${i}`);

const firstRanks: Ranked[] = first.map((pay, i) => rank(fakes, `in_first_${i}`, pay.row));
const started = performance.now();
// A reviewer confirms each: the true row, whether or not it came first.
first.forEach((pay, i) => {
  const ranked = firstRanks[i] as Ranked;
  const candidate = ranked.detail.candidates.find((c) => c.rowNumber === pay.row.rowNumber);
  const answer = ok(
    reviewServer.reviewAct({
      exceptionId: ranked.detail.item.exceptionId,
      version: ranked.detail.item.version,
      action: {
        kind: 'match',
        rowNumber: pay.row.rowNumber,
        fingerprint: candidate?.fingerprint ?? '',
        note: '',
      },
    }),
  );
  fakes.lock.endExecution();
  if (answer.outcome !== 'applied') throw new Error(`match ${i}: ${answer.message}`);
});
const matchMs = (performance.now() - started) / PAYMENTS;

const next = chosen.map(([, row], i) => payment(row, NEXT_WAYS[i % NEXT_WAYS.length]!(row), i % 3 === 2));
for (const [i, pay] of next.entries()) deliver(fakes, pay, `in_next_${i}`);
const nextRanks = next.map((pay, i) => rank(fakes, `in_next_${i}`, pay.row));

// The first page of a long queue: 1,000 open exceptions, in one call.
const queueFakes = open(rows.slice(0, 200));
const header = queueFakes.spreadsheet.sheetValues('Exceptions')[0] as string[];
const sheet = queueFakes.spreadsheet.getSheetByName('Exceptions')!;
sheet.insertRowsAfter(sheet.getMaxRows(), QUEUE + 10);
const opened = Array.from({ length: QUEUE }, (_, i) =>
  header.map((column) => {
    const cells: Record<string, string | number | Date> = {
      'Exception ID': `EX-20260115-Q${String(i).padStart(5, '0')}`,
      'Opened At': new Date((TERM_START + i * 3_600) * 1000),
      Reason: i % 3 === 0 ? 'UNDERPAID' : 'UNKNOWN_INVOICE',
      'Stripe Invoice ID': `'in_q${i}`,
      'Event ID': `'evt_q${i}`,
      Amount: 100 + ((i * 37) % 900),
      Currency: i % 4 === 0 ? 'EUR' : 'USD',
      Status: 'open',
      Note: 'Seeded for the benchmark',
      'Open Key': `'${i % 3 === 0 ? 'UNDERPAID' : 'UNKNOWN_INVOICE'}:in_q${i}`,
      Cause: `'event:evt_q${i}`,
    };
    return cells[column] ?? '';
  }),
);
sheet.getRange(2, 1, QUEUE, header.length).setValues(opened);
queueFakes.counters.reset();
const queueStarted = performance.now();
const page = ok(
  reviewServer.reviewQueue({
    filter: { reason: null, status: 'open', owner: null, currency: null },
    page: 1,
    pageSize: 50,
  }),
);
const queueMs = performance.now() - queueStarted;
const queueCalls = queueFakes.counters.spreadsheetCalls;
const queueCells = queueFakes.counters.cellsRead;
queueFakes.uninstall();
fakes.uninstall();

// ---------------------------------------------------------------------------------------------------------------
// The report

const count = (list: Ranked[], test: (r: Ranked) => boolean) => list.filter(test).length;
const firstFirst = count(firstRanks, (r) => r.rank === 1);
const firstTop3 = count(firstRanks, (r) => r.rank !== null && r.rank <= 3);
const nextFirst = count(nextRanks, (r) => r.rank === 1);
const reads = Math.max(...[...firstRanks, ...nextRanks].map((r) => r.ledgerReads));
// What the learning did: would the true row have led on the other reasons alone (among the rows shown)?
const unlearnedFirst = nextRanks.filter((r, i) => {
  const truth = next[i]?.row.rowNumber;
  const without = (c: DetailView['candidates'][number]) =>
    c.reasons.filter((reason) => reason.kind !== 'learned').reduce((sum, reason) => sum + reason.points, 0);
  const best = [...r.detail.candidates].sort((a, b) => without(b) - without(a))[0];
  return best?.rowNumber === truth;
}).length;
const byWay = new Map<string, [number, number, number]>();
first.forEach((pay, i) => {
  const [n = 0, top = 0, three = 0] = byWay.get(pay.how) ?? [];
  const r = firstRanks[i]?.rank ?? null;
  byWay.set(pay.how, [n + 1, top + (r === 1 ? 1 : 0), three + (r !== null && r <= 3 ? 1 : 0)]);
});
const missed = first
  .map((pay, i) => ({ pay, r: firstRanks[i] as Ranked }))
  .filter(({ r }) => r.rank !== 1)
  .map(({ pay, r }) => {
    const top = r.detail.candidates[0];
    const topRow = rows.find((row) => row.rowNumber === top?.rowNumber);
    return `  - ${pay.how}: true row ${r.rank === null ? 'not offered' : `#${r.rank}`}; first was ${topRow ? `${topRow.student} (${topRow.plan}, due ${new Date(topRow.due * 1000).toISOString().slice(0, 10)})` : 'none'}, true ${pay.row.student} (${pay.row.plan}, due ${new Date(pay.row.due * 1000).toISOString().slice(0, 10)})`;
  });

const lines = [
  `Review ranking, measured ${new Date().toISOString().slice(0, 10)} through the sidebar's server functions on the fakes:`,
  `${ROWS.toLocaleString('en-US')} ledger rows (${new Set(rows.map((r) => r.family)).size} families, ${rows.filter((r) => !r.invoiceId).length} rows without an invoice id), ${PAYMENTS} payments whose true rows are known.`,
  '',
  `| payments | true row first | true row in the top 3 | bound |`,
  '| --- | ---: | ---: | --- |',
  `| first payment of each customer | ${firstFirst} / ${PAYMENTS} | ${firstTop3} / ${PAYMENTS} | first ≥ 45, top 3 = 50 |`,
  `| the same customer's next payment, after one confirmed match | ${nextFirst} / ${PAYMENTS} | ${count(nextRanks, (r) => r.rank !== null && r.rank <= 3)} / ${PAYMENTS} | first = 50 |`,
  '',
  `Without what the matches taught (the "matched this customer before" points left out), the next payment's true row would have led ${unlearnedFirst} times of ${PAYMENTS}.`,
  '',
  '| how the first payment was written | payments | first | top 3 |',
  '| --- | ---: | ---: | ---: |',
  ...[...byWay].map(([how, [n, top, three]]) => `| ${how} | ${n} | ${top} | ${three} |`),
  '',
  `- Reads of the Ledger per ranking: at most ${reads} (bound 1).`,
  `- The first page of ${QUEUE.toLocaleString('en-US')} open exceptions: 1 server call (reviewQueue), ${queueCalls} Spreadsheet-service calls inside it, ${queueCells.toLocaleString('en-US')} cells read, ${page.items.length} of ${page.total} shown, ${queueMs.toFixed(0)} ms on the fakes.`,
  `- A confirmed match (reviewAct, through the apply step): ${matchMs.toFixed(1)} ms on the fakes.`,
  ...(missed.length > 0 ? ['- Not first:', ...missed] : []),
];
const failed =
  firstFirst < 45 || firstTop3 < PAYMENTS || nextFirst < PAYMENTS || reads > 1 || page.total !== QUEUE;
const text = lines.join('\n');
console.log(text);
if (process.argv.includes('--write')) {
  const doc = join(import.meta.dirname, '..', 'docs', 'PERFORMANCE.md');
  const current = readFileSync(doc, 'utf8');
  const start = '<!-- REVIEW-BENCH:START -->';
  const end = '<!-- REVIEW-BENCH:END -->';
  writeFileSync(
    doc,
    `${current.slice(0, current.indexOf(start) + start.length)}\n${text}\n${current.slice(current.indexOf(end))}`,
  );
}
if (process.env.DEBUG_RANK)
  for (const r of firstRanks.filter((x) => x.rank !== 1))
    console.log(
      JSON.stringify(
        r.detail.candidates.map((c) => [
          c.rowNumber,
          c.score,
          c.label,
          c.reasons.map((x) => `${x.points} ${x.text}`),
        ]),
        null,
        1,
      ),
    );
if (failed) {
  console.log('\nA bound is not met.');
  process.exitCode = 1;
}
