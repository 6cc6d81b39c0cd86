// The local emulator end to end: dist/Code.js behind a real HTTP server, deliveries signed with Stripe's own library
// (signedDelivery), the ledger read back from GET / as HTML tables.

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_WEBHOOK_SECRET } from '../../scripts/emulator/runtime';
import { type Emulator, PROJECT_ROOT, relayStatus } from '../../scripts/emulator/server';
import { FIXTURE_TIME, invoiceEvent, type StripeEventJson, signedDelivery } from '../fixtures/events';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM } from './chromium';
import { useEmulators } from './emulators';
import { records } from './html-tables';

const { start, stop, tempDir } = useEmulators();

async function deliver(
  emulator: Emulator,
  event: StripeEventJson,
  secret = DEMO_WEBHOOK_SECRET,
): Promise<{ status: number; answer: { result: string; eventId: string | null; message: string } }> {
  const signed = signedDelivery(event, secret, Math.floor(Date.now() / 1000));
  const response = await fetch(`${emulator.url}/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': signed.header },
    body: signed.body,
  });
  return { status: response.status, answer: await response.json() };
}

async function sheet(emulator: Emulator, name: string): Promise<Record<string, string>[]> {
  return records(await (await fetch(`${emulator.url}/`)).text(), name);
}

async function ledgerRow(emulator: Emulator, invoiceId: string): Promise<Record<string, string>> {
  const row = (await sheet(emulator, 'Ledger')).find((r) => r['Stripe Invoice ID'] === invoiceId);
  if (!row) throw new Error(`no ledger row ${invoiceId}`);
  return row;
}

const zoePaid = (id: string, created = FIXTURE_TIME) =>
  invoiceEvent('invoice.paid', {
    id,
    invoiceId: 'in_demo_zoe_autumn',
    amountDue: 125050,
    currency: 'usd',
    created,
    customerName: 'Zoë Ashford',
  });

describe('the emulator serves the seeded demo ledger', () => {
  it('shows every sheet setupLedger made, each table headed by the sheet header row', async () => {
    const emulator = await start();
    const html = await (await fetch(`${emulator.url}/`)).text();
    for (const name of ['Ledger', 'Stripe Events', 'Exceptions', 'Audit'])
      expect(html).toContain(`>${name} <small>`);
    const ledger = await sheet(emulator, 'Ledger');
    expect(ledger).toHaveLength(13);
    expect(Object.keys(ledger[0] ?? {})).toEqual(
      expect.arrayContaining([
        'Student',
        'Stripe Invoice ID',
        'Expected Amount',
        'Currency',
        'Payment Status',
      ]),
    );
    expect(new Set(ledger.map((r) => r.Currency))).toEqual(new Set(['USD', 'EUR', 'JPY']));
    expect(ledger.map((r) => r.Student)).toContain('山田 花子');
  });
});

describe('POST /webhook plays the relay in front of doPost', () => {
  it('applies a payment signed by the stripe library and GET / shows the row paid', async () => {
    const emulator = await start();
    const event = zoePaid('evt_emu_paid');
    const { status, answer } = await deliver(emulator, event);
    expect(status).toBe(200);
    expect(answer).toMatchObject({ result: 'processed', eventId: 'evt_emu_paid' });
    const row = await ledgerRow(emulator, 'in_demo_zoe_autumn');
    expect(row['Payment Status']).toBe('paid');
    expect(row['Amount Paid']).toBe('1,250.50');
    expect(row['Last Stripe Event']).toBe('evt_emu_paid');
  });

  it('shows Paid At in the spreadsheet time zone (America/New_York), not UTC', async () => {
    const emulator = await start();
    // 2026-01-01T00:00:00Z is still New Year's Eve in New York.
    await deliver(emulator, zoePaid('evt_emu_tz', FIXTURE_TIME));
    expect((await ledgerRow(emulator, 'in_demo_zoe_autumn'))['Paid At']).toBe('2025-12-31 19:00');
  });

  it('decodes the body as UTF-8, so a signature over non-ASCII names verifies', async () => {
    const emulator = await start();
    const event = invoiceEvent('invoice.paid', {
      id: 'evt_emu_yamada',
      invoiceId: 'in_demo_yamada',
      amountDue: 60000,
      currency: 'jpy',
      customerName: '山田 花子 (Zoë)',
    });
    const { status, answer } = await deliver(emulator, event);
    expect(status).toBe(200);
    expect(answer.result).toBe('processed');
    expect((await ledgerRow(emulator, 'in_demo_yamada'))['Amount Paid']).toBe('60,000');
  });

  it('answers 200 duplicate for a retry of the same event', async () => {
    const emulator = await start();
    await deliver(emulator, zoePaid('evt_emu_retry'));
    const { status, answer } = await deliver(emulator, zoePaid('evt_emu_retry'));
    expect(status).toBe(200);
    expect(answer.result).toBe('duplicate');
  });

  it('answers 400 rejected for a wrong signature and leaves the ledger alone', async () => {
    const emulator = await start();
    const { status, answer } = await deliver(
      emulator,
      zoePaid('evt_emu_forged'),
      'whsec_test_not_the_configured_one',
    );
    expect(status).toBe(400);
    expect(answer).toMatchObject({ result: 'rejected', eventId: null });
    expect((await ledgerRow(emulator, 'in_demo_zoe_autumn'))['Payment Status']).toBe('');
    expect((await sheet(emulator, 'Stripe Events')).map((r) => r.Verification)).toEqual(['invalid']);
  });

  it('answers 400 without calling doPost when the Stripe-Signature header is missing', async () => {
    const emulator = await start();
    const response = await fetch(`${emulator.url}/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(zoePaid('evt_emu_unsigned')),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).result).toBe('rejected');
    expect(await sheet(emulator, 'Stripe Events')).toEqual([]);
  });

  it('answers 503 error when no webhook secret is configured, so Stripe retries', async () => {
    const emulator = await start({ secrets: '' });
    const { status, answer } = await deliver(emulator, zoePaid('evt_emu_unconfigured'));
    expect(status).toBe(503);
    expect(answer.result).toBe('error');
  });

  it('maps every doPost verdict as the relay does: busy and error are 503', () => {
    const mapped = ['processed', 'duplicate', 'ignored', 'rejected', 'busy', 'error', 'nonsense'].map(
      relayStatus,
    );
    expect(mapped).toEqual([200, 200, 200, 400, 503, 503, 503]);
  });

  it('answers 413 for a body over 1 MB without calling doPost', async () => {
    const emulator = await start();
    const body = `{"padding":"${'x'.repeat(1024 * 1024)}"}`;
    const signed = signedDelivery(body, DEMO_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
    const response = await fetch(`${emulator.url}/webhook`, {
      method: 'POST',
      headers: { 'Stripe-Signature': signed.header },
      body,
    });
    expect(response.status).toBe(413);
    expect(await sheet(emulator, 'Stripe Events')).toEqual([]);
  });
});

describe('GET / escapes what came from outside', () => {
  it('shows a <script> customer name as text in the payload cell, never as markup', async () => {
    const emulator = await start();
    const event = invoiceEvent('invoice.paid', {
      id: 'evt_emu_script',
      invoiceId: 'in_demo_chloe',
      customerName: '<script>alert("pwned")</script>',
    });
    await deliver(emulator, event);
    const html = await (await fetch(`${emulator.url}/`)).text();
    expect(html).not.toContain('<script>alert');
    const [logged] = await sheet(emulator, 'Stripe Events');
    expect(logged?.Payload).toContain('"customer_name": "<script>alert(\\"pwned\\")</script>"');
  });
});

describe('state survives a restart in the same folder', () => {
  it('keeps the applied payment and does not seed again', async () => {
    const dir = tempDir();
    const first = await start({ dir });
    expect(first.seeded).toBe(true);
    await deliver(first, zoePaid('evt_emu_restart'));
    await stop(first);

    const second = await start({ dir });
    expect(second.seeded).toBe(false);
    expect((await ledgerRow(second, 'in_demo_zoe_autumn'))['Payment Status']).toBe('paid');
    expect((await deliver(second, zoePaid('evt_emu_restart'))).answer.result).toBe('duplicate');
  });

  it('lets STRIPE_WEBHOOK_SECRETS from the environment override the saved secret', async () => {
    const dir = tempDir();
    await stop(await start({ dir }));

    const rolled = 'whsec_test_rolled_secret_for_the_emulator';
    const second = await start({ dir, secrets: rolled });
    expect(second.secrets).toEqual([rolled]);
    expect((await deliver(second, zoePaid('evt_emu_old_secret'))).status).toBe(400);
    expect((await deliver(second, zoePaid('evt_emu_new_secret'), rolled)).status).toBe(200);
  });

  it('never saves a secret from the environment: the next start without it uses the saved one', async () => {
    const dir = tempDir();
    const rolled = 'whsec_test_only_for_this_run';
    const first = await start({ dir, secrets: rolled });
    await deliver(first, zoePaid('evt_emu_during_override'), rolled);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).not.toContain(rolled);
    await stop(first);

    const second = await start({ dir });
    expect(second.secrets).toEqual([DEMO_WEBHOOK_SECRET]);
    expect(second.secretsSource).toBe('saved');
    expect((await deliver(second, zoePaid('evt_emu_after_override'))).status).toBe(200);
  });

  it('runs without a secret when told to, and the next start answers with the saved one again', async () => {
    const dir = tempDir();
    const first = await start({ dir, secrets: '' });
    expect((await deliver(first, zoePaid('evt_emu_no_secret'))).status).toBe(503);
    await stop(first);
    expect((await deliver(await start({ dir }), zoePaid('evt_emu_secret_back'))).status).toBe(200);
  });
});

describe('GET /sidebar and google.script.run', () => {
  function distWith(sidebar?: string): string {
    const dist = tempDir();
    copyFileSync(join(PROJECT_ROOT, 'dist', 'Code.js'), join(dist, 'Code.js'));
    if (sidebar !== undefined) writeFileSync(join(dist, 'Sidebar.html'), sidebar);
    return dist;
  }

  async function run(emulator: Emulator, body: object, headers: Record<string, string> = {}) {
    const response = await fetch(`${emulator.url}/sidebar/run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, reply: await response.json() };
  }

  it('says the sidebar arrives with its issue while dist/Sidebar.html does not exist', async () => {
    const emulator = await start({ distDir: distWith() });
    const response = await fetch(`${emulator.url}/sidebar`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('arrives with its issue');
  });

  it('calls a top-level server function by name and returns its value', async () => {
    const emulator = await start({ distDir: distWith('<html><head></head><body></body></html>') });
    const { status, reply } = await run(emulator, { name: 'setupLedger', args: [] });
    expect(status).toBe(200);
    expect(reply).toMatchObject({ ok: true, value: { spreadsheetId: 'emulated-ledger', createdSheets: [] } });
  });

  it('refuses names that are not top-level functions of dist/Code.js, and private ones', async () => {
    const emulator = await start({ distDir: distWith('<html><head></head><body></body></html>') });
    for (const name of ['SpreadsheetApp', 'eval', 'noSuchFunction', 'setupLedger_']) {
      const { status, reply } = await run(emulator, { name, args: [] });
      expect(status).toBe(400);
      expect(reply.ok).toBe(false);
    }
  });

  it('refuses a call posted by a page from another origin', async () => {
    const emulator = await start({ distDir: distWith('<html><head></head><body></body></html>') });
    const { status } = await run(
      emulator,
      { name: 'setupLedger', args: [] },
      { Origin: 'https://evil.example' },
    );
    expect(status).toBe(403);
  });

  it('fails a call whose reply holds a Date, naming where, since Apps Script would hand the sidebar null', async () => {
    const dist = distWith('<html><head></head><body></body></html>');
    writeFileSync(
      join(dist, 'Code.js'),
      'function lastPayment() { return { items: [{ invoiceId: "in_1", paidAt: new Date(0) }] }; }\n',
    );
    const emulator = await start({ distDir: dist, empty: true });
    const { reply } = await run(emulator, { name: 'lastPayment', args: [] });
    expect(reply).toMatchObject({ ok: false });
    expect(reply.error.message).toContain('the reply.items[0].paidAt (a Date)');
  });

  it.skipIf(!HAS_CHROMIUM)(
    'refuses a Date among the arguments in the page, with Apps Script’s words, before anything is sent',
    async () => {
      const page = `<!doctype html><html><head><title>Sidebar</title></head><body><script>
      google.script.run
        .withSuccessHandler(() => { document.title = 'sent'; })
        .withFailureHandler((error) => { document.title = 'failed:' + error.message; })
        .setupLedger({ filter: { since: new Date() } });
    </script></body></html>`;
      const emulator = await start({ distDir: distWith(page) });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const tab = await browser.newPage();
        await tab.goto(`${emulator.url}/sidebar`);
        await tab.waitForFunction(() => document.title !== 'Sidebar');
        expect(await tab.title()).toBe('failed:Failed due to illegal value in property: since');
      } finally {
        await browser.close();
      }
    },
  );

  it.skipIf(!HAS_CHROMIUM)('wires google.script.run in the served page to the emulated server', async () => {
    const page = `<!doctype html><html><head><title>Sidebar</title></head><body><output id="out"></output><script>
      google.script.run
        .withSuccessHandler((report, tag) => { document.getElementById('out').textContent = tag + ':' + report.spreadsheetId; })
        .withUserObject('ok')
        .setupLedger();
      google.script.run
        .withFailureHandler((error) => { document.title = 'failed:' + error.message; })
        .noSuchFunction();
    </script></body></html>`;
    const emulator = await start({ distDir: distWith(page) });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage();
      await tab.goto(`${emulator.url}/sidebar`);
      await tab.waitForFunction(() => document.getElementById('out')?.textContent !== '');
      expect(await tab.textContent('#out')).toBe('ok:emulated-ledger');
      await tab.waitForFunction(() => document.title.startsWith('failed:'));
      expect(await tab.title()).toContain('noSuchFunction');
    } finally {
      await browser.close();
    }
  });
});
