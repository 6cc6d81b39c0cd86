// A school's ledger on the Apps Script fakes, as the review sidebar's server functions see it: the school's own
// columns (Student, Parent e-mail, Plan, Due Date), a family with three instalments and a sibling at the same price,
// rows typed in before their Stripe invoice ids were known, and helpers to post Stripe deliveries, call the
// sidebar's server functions as a given person, and read the sheets back.

import { createGasFakes, type GasFakes } from '../../fakes/gas';
import { reviewServer } from '../../src/gas/review-calls';
import { setupLedger } from '../../src/gas/setup';
import { doPost } from '../../src/gas/webapp';
import type { ReplyOf, RequestOf, ReviewCall } from '../../src/shared/review-api';
import {
  type InvoiceEventOptions,
  invoiceEvent,
  signedDelivery,
  TEST_WEBHOOK_SECRET,
} from '../fixtures/events';

export const OWNER = 'bursar@school.example';
export const HEAD = 'head@school.example';
export const TEACHER = 'teacher@school.example';

/** The rows, as the school typed them; blank invoice ids were not known yet. */
export const LEDGER: (string | number | Date)[][] = [
  ['Student', 'Parent e-mail', 'Plan', 'Due Date', 'Stripe Invoice ID', 'Expected Amount', 'Currency'],
  ['Zoë Ashford', 'ashford@mail.example', 'Autumn term', day('2026-01-05'), 'in_zoe', 1250.5, 'USD'],
  [
    'Søren Nørgaard',
    'norgaard@mail.example',
    'Instalment 1 of 3',
    day('2025-12-15'),
    'in_soren_1',
    480,
    'EUR',
  ],
  ['Søren Nørgaard', 'norgaard@mail.example', 'Instalment 2 of 3', day('2026-01-15'), '', 480, 'EUR'],
  ['Søren Nørgaard', 'norgaard@mail.example', 'Instalment 3 of 3', day('2026-02-15'), '', 480, 'EUR'],
  ['Mette Nørgaard', 'norgaard@mail.example', 'Summer camp', day('2026-01-17'), '', 480, 'EUR'],
  ['José Álvarez', 'jalvarez@mail.example', 'Spring term', day('2026-01-10'), '', 900, 'USD'],
  ['Ngozi Okafor', 'ngozi@mail.example', 'Exam fees', day('2026-01-08'), '', 320, 'USD'],
];

/** Sheet rows of the ledger above. */
export const ROW = { zoe: 2, soren1: 3, soren2: 4, soren3: 5, mette: 6, jose: 7, ngozi: 8 } as const;

function day(iso: string): Date {
  return new Date(`${iso}T12:00:00Z`);
}

export interface ReviewWorld {
  fakes: GasFakes;
  /** Posts a signed `invoice.paid`, as Stripe would. */
  paid(options: InvoiceEventOptions): { result: string; eventId: string | null };
  /** Calls a sidebar server function as `who` (default the owner). */
  call<K extends ReviewCall>(name: K, request: RequestOf<K> | unknown, who?: string): ReplyOf<K>;
  records(sheet: string): Record<string, unknown>[];
  /** The open exception about this invoice. */
  exceptionFor(invoiceId: string): Record<string, unknown>;
  close(): void;
}

export function reviewWorld(options: { editors?: string[]; reviewers?: string } = {}): ReviewWorld {
  const fakes = createGasFakes({
    ownerEmail: OWNER,
    editors: options.editors ?? [HEAD],
    timeZone: 'Europe/London',
    htmlFiles: { Sidebar: '<!doctype html><title>Review exceptions</title>' },
  });
  fakes.install();
  const ledger = fakes.spreadsheet.insertSheet('Ledger');
  const typed = LEDGER.map((row, i) =>
    i === 0 ? row : row.map((cell) => (typeof cell === 'string' && cell !== '' ? `'${cell}` : cell)),
  );
  ledger.getRange(1, 1, typed.length, typed[0]!.length).setValues(typed);
  if (options.reviewers) fakes.properties.script.set('REVIEWERS', options.reviewers);
  setupLedger();
  fakes.properties.script.set('STRIPE_WEBHOOK_SECRETS', TEST_WEBHOOK_SECRET);

  const records = (sheet: string): Record<string, unknown>[] => {
    const [header = [], ...body] = fakes.spreadsheet.sheetValues(sheet);
    return body.map((row) => Object.fromEntries(header.map((name, i) => [String(name), row[i]])));
  };
  return {
    fakes,
    paid(event) {
      const delivery = signedDelivery(
        invoiceEvent('invoice.paid', event),
        TEST_WEBHOOK_SECRET,
        Math.floor(Date.now() / 1000),
      );
      const output = doPost({
        postData: {
          contents: delivery.body,
          length: delivery.body.length,
          type: 'application/json',
          name: 'postData',
        },
        parameter: { stripe_signature: delivery.header },
      } as unknown as GoogleAppsScript.Events.DoPost);
      fakes.lock.endExecution();
      return JSON.parse(output.getContent());
    },
    call(name, request, who = OWNER) {
      fakes.runAs(who);
      try {
        return (reviewServer[name] as (request: unknown) => ReplyOf<typeof name>)(request);
      } finally {
        fakes.lock.endExecution();
        fakes.runAs(null);
      }
    },
    records,
    exceptionFor(invoiceId) {
      const found = records('Exceptions').find((r) => r['Stripe Invoice ID'] === invoiceId);
      if (!found) throw new Error(`no exception for ${invoiceId}`);
      return found;
    },
    close() {
      fakes.uninstall();
    },
  };
}

/** The filter the sidebar opens with. */
export const OPEN = { reason: null, status: 'open', owner: null, currency: null } as const;
