// A ledger spreadsheet on the Apps Script fakes, set up as a school would have it, with helpers to post signed
// Stripe deliveries to doPost and read the sheets back as records.

import { createGasFakes, type GasFakeOptions, type GasFakes } from '../../fakes/gas';
import { setupLedger } from '../../src/gas/setup';
import { doPost } from '../../src/gas/webapp';
import { signedDelivery, TEST_WEBHOOK_SECRET } from '../fixtures/events';

export interface LedgerSeed {
  invoiceId: string;
  student?: string;
  expected?: number | '';
  currency?: string;
}

export interface Harness {
  fakes: GasFakes;
  /** Signs (now, or at `timestamp`) and posts one delivery; returns doPost's JSON answer. */
  post(
    event: object | string,
    options?: { timestamp?: number; header?: string | null; secret?: string },
  ): { result: string; eventId: string | null; message: string };
  /** A sheet as records keyed by header (row 1). */
  records(sheet: string): Record<string, unknown>[];
  ledgerRow(invoiceId: string): Record<string, unknown>;
  close(): void;
}

export function createHarness(
  seeds: LedgerSeed[] = [],
  options: GasFakeOptions & { secrets?: string } = {},
): Harness {
  const fakes = createGasFakes(options);
  fakes.install();
  const ledger = fakes.spreadsheet.insertSheet('Ledger');
  const rows = [['Student', 'Stripe Invoice ID', 'Expected Amount', 'Currency']];
  for (const seed of seeds) {
    rows.push([
      seed.student ?? 'Student',
      `'${seed.invoiceId}`,
      String(seed.expected ?? ''),
      seed.currency ?? '',
    ]);
  }
  ledger.getRange(1, 1, rows.length, 4).setValues(rows);
  setupLedger();
  fakes.properties.script.set('STRIPE_WEBHOOK_SECRETS', options.secrets ?? TEST_WEBHOOK_SECRET);
  fakes.counters.reset();

  const records = (sheet: string): Record<string, unknown>[] => {
    const [header = [], ...body] = fakes.spreadsheet.sheetValues(sheet);
    return body.map((row) => Object.fromEntries(header.map((name, i) => [String(name), row[i]])));
  };

  return {
    fakes,
    post(event, postOptions = {}) {
      const timestamp = postOptions.timestamp ?? Math.floor(Date.now() / 1000);
      const delivery = signedDelivery(event as never, postOptions.secret ?? TEST_WEBHOOK_SECRET, timestamp);
      const header = postOptions.header === undefined ? delivery.header : postOptions.header;
      const e = {
        postData: {
          contents: delivery.body,
          length: Buffer.byteLength(delivery.body, 'utf8'),
          type: 'application/json',
          name: 'postData',
        },
        parameter: header === null ? {} : { stripe_signature: header },
        parameters: {},
        queryString: '',
        contextPath: '',
        contentLength: Buffer.byteLength(delivery.body, 'utf8'),
        pathInfo: '',
      } as unknown as GoogleAppsScript.Events.DoPost;
      const output = doPost(e);
      fakes.lock.endExecution();
      return JSON.parse(output.getContent());
    },
    records,
    ledgerRow(invoiceId) {
      const row = records('Ledger').find((r) => r['Stripe Invoice ID'] === invoiceId);
      if (!row) throw new Error(`no ledger row ${invoiceId}`);
      return row;
    },
    close() {
      fakes.uninstall();
    },
  };
}
