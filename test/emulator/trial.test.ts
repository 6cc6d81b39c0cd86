// GET / as a trial: a person edits cells, adds rows and runs the menu's actions through POST /cells, /rows and
// /menu, and the page shows what the add-on showed. Edits go through the fake spreadsheet as typing does.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_WEBHOOK_SECRET, loadScriptRuntime } from '../../scripts/emulator/runtime';
import { type Emulator, PROJECT_ROOT } from '../../scripts/emulator/server';
import { runMenuItem } from '../../scripts/emulator/user-actions';
import { invoiceEvent, signedDelivery } from '../fixtures/events';
import { useEmulators } from './emulators';
import { parseSheets, records } from './html-tables';

const { start, tempDir } = useEmulators();

async function page(emulator: Emulator): Promise<string> {
  return (await fetch(`${emulator.url}/`)).text();
}

async function sheet(emulator: Emulator, name: string): Promise<Record<string, string>[]> {
  return records(await page(emulator), name);
}

async function post(emulator: Emulator, path: string, body: object, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    reply: (await response.json()) as { ok: boolean; problem: string | null },
  };
}

/** Row and column of a cell, by the sheet's header and a key column's value, as GET / shows them. */
async function cellOf(emulator: Emulator, name: string, key: [string, string], column: string) {
  const rows = parseSheets(await page(emulator)).get(name)!;
  const header = rows[0]!;
  const row = rows.findIndex((r) => r[header.indexOf(key[0])] === key[1]) + 1;
  return { sheet: name, row, column: header.indexOf(column) + 1 };
}

async function deliver(emulator: Emulator, event: object): Promise<number> {
  const signed = signedDelivery(event as never, DEMO_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
  const response = await fetch(`${emulator.url}/webhook`, {
    method: 'POST',
    headers: { 'Stripe-Signature': signed.header },
    body: signed.body,
  });
  return response.status;
}

describe('editing a cell', () => {
  it("reads what is typed as Sheets does, in the row's currency format", async () => {
    const emulator = await start();
    const at = await cellOf(
      emulator,
      'Ledger',
      ['Stripe Invoice ID', 'in_demo_zoe_autumn'],
      'Expected Amount',
    );
    const { reply } = await post(emulator, '/cells', { ...at, value: '1,300' });
    expect(reply).toMatchObject({ ok: true, problem: null, title: `Edit Ledger!D${at.row}` });
    const zoe = (await sheet(emulator, 'Ledger')).find(
      (r) => r['Stripe Invoice ID'] === 'in_demo_zoe_autumn',
    );
    expect(zoe?.['Expected Amount']).toBe('1,300.00');
  });

  it('refuses a Status outside its drop-down with Sheets’ words, and the page shows why', async () => {
    const emulator = await start();
    await deliver(emulator, invoiceEvent('invoice.paid', { invoiceId: 'in_not_in_the_ledger' }));
    const at = await cellOf(emulator, 'Exceptions', ['Reason', 'UNKNOWN_INVOICE'], 'Status');
    const { reply } = await post(emulator, '/cells', { ...at, value: 'closed' });
    expect(reply).toMatchObject({
      ok: false,
      problem: 'There was a problem: One of open, resolved, dismissed or snoozed.',
    });
    expect((await sheet(emulator, 'Exceptions'))[0]?.Status).toBe('open');
    expect(await page(emulator)).toContain(
      'There was a problem: One of open, resolved, dismissed or snoozed.',
    );
    expect((await post(emulator, '/cells', { ...at, value: 'snoozed' })).reply.ok).toBe(true);
    expect((await sheet(emulator, 'Exceptions'))[0]?.Status).toBe('snoozed');
  });

  it('answers a plain form with a redirect back to the edited cell, so a reload repeats nothing', async () => {
    const emulator = await start();
    const response = await fetch(`${emulator.url}/cells`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sheet: 'Ledger', row: '2', column: '2', value: 'Spring term' }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/#s0-r2c2');
    expect((await sheet(emulator, 'Ledger'))[0]?.Plan).toBe('Spring term');
  });

  it('refuses a cell outside the sheet rather than growing it', async () => {
    const emulator = await start();
    const { reply } = await post(emulator, '/cells', { sheet: 'Ledger', row: 5000, column: 1, value: 'x' });
    expect(reply).toMatchObject({ ok: false, problem: 'Ledger has no cell A5000.' });
  });

  it('refuses a post from a page of another site', async () => {
    const emulator = await start();
    const { status } = await fetch(`${emulator.url}/cells`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ sheet: 'Ledger', row: 2, column: 2, value: 'x' }),
    });
    expect(status).toBe(403);
  });

  it('fires onEdit with the range, the value and the old value, as Sheets fires the simple trigger', async () => {
    const dist = tempDir();
    writeFileSync(
      join(dist, 'Code.js'),
      `function onEdit(e) {
        SpreadsheetApp.getActiveSpreadsheet().toast(e.range.getA1Notation() + ': ' + e.oldValue + ' → ' + e.value, 'onEdit');
      }`,
    );
    const emulator = await start({ distDir: dist, empty: true });
    await post(emulator, '/cells', { sheet: 'Sheet1', row: 1, column: 1, value: 'first' });
    const { reply } = await post(emulator, '/cells', { sheet: 'Sheet1', row: 1, column: 1, value: 'second' });
    expect(reply).toMatchObject({
      ok: true,
      ui: { toasts: [{ title: 'onEdit', message: 'A1: first → second' }] },
    });
  });
});

describe('adding a row', () => {
  it('types the row below the last one, and a payment for its invoice then lands on it', async () => {
    const emulator = await start();
    const { reply } = await post(emulator, '/rows', {
      sheet: 'Ledger',
      values: ['Ana Lima', 'Winter term', 'in_demo_ana', '700', 'usd'],
    });
    expect(reply.ok).toBe(true);
    expect(
      await deliver(emulator, invoiceEvent('invoice.paid', { invoiceId: 'in_demo_ana', amountDue: 70000 })),
    ).toBe(200);
    const ana = (await sheet(emulator, 'Ledger')).at(-1);
    expect(ana).toMatchObject({
      Student: 'Ana Lima',
      'Stripe Invoice ID': 'in_demo_ana',
      'Payment Status': 'paid',
    });
  });

  it('refuses an empty row', async () => {
    const emulator = await start();
    const { reply } = await post(emulator, '/rows', { sheet: 'Ledger', values: ['', ''] });
    expect(reply).toMatchObject({
      ok: false,
      problem: 'Type something into at least one cell of the new row.',
    });
  });
});

describe('the menu onOpen built', () => {
  it('is on the page with every item, each a button that runs its function', async () => {
    const emulator = await start();
    const html = await page(emulator);
    expect(html).toContain('<summary>Stripe Ledger</summary>');
    for (const fn of [
      'setupLedgerFromMenu',
      'syncStripeFromMenu',
      'showSyncStatus',
      'installTriggersFromMenu',
    ]) {
      expect(html).toContain(`name="function" value="${fn}"`);
    }
  });

  it('runs Set up ledger and shows its alert, with the button the emulator pressed', async () => {
    const emulator = await start();
    const { reply } = await post(emulator, '/menu', { function: 'setupLedgerFromMenu' });
    expect(reply).toMatchObject({
      ok: true,
      title: 'Set up ledger',
      ui: {
        alerts: [
          {
            title: 'Stripe Ledger',
            prompt: expect.stringMatching(
              /^The ledger is already set up. Amount and date formats, status colours/,
            ),
          },
        ],
      },
    });
    const html = await page(emulator);
    expect(html).toContain('The ledger is already set up.');
    expect(html).toContain('The emulator pressed OK.');
  });

  it('shows a dialog the add-on opens, its HTML in a sandboxed frame', async () => {
    const emulator = await start();
    const { reply } = await post(emulator, '/menu', { function: 'showSyncStatus' });
    expect(reply).toMatchObject({ ok: true, ui: { dialogs: [{ title: 'Stripe sync status' }] } });
    expect(await page(emulator)).toMatch(/<iframe sandbox title="Stripe sync status" srcdoc="&lt;table/);
  });

  it("shows sync's own advice when there is no STRIPE_API_KEY", async () => {
    const emulator = await start();
    const { reply } = await post(emulator, '/menu', { function: 'syncStripeFromMenu' });
    expect(reply).toMatchObject({
      ui: { alerts: [{ prompt: expect.stringMatching(/^No STRIPE_API_KEY/) }] },
    });
  });

  it('says, in the words Apps Script uses for an unreachable host, that the emulator does not reach Stripe', () => {
    const runtime = loadScriptRuntime({ stateDir: tempDir(), distDir: join(PROJECT_ROOT, 'dist') });
    try {
      runtime.fakes.properties.script.set('STRIPE_API_KEY', 'rk_test_emulator_has_no_network');
      const outcome = runMenuItem(runtime, 'checkDriftFromMenu');
      const shown = [outcome.problem ?? '', ...outcome.ui.alerts.map((a) => a.prompt)].join(' ');
      expect(shown).toMatch(/Address unavailable: api\.stripe\.com \(the local emulator makes no requests/);
    } finally {
      runtime.close();
    }
  });

  it('runs only what the menu lists: doPost is no menu item', async () => {
    const emulator = await start();
    const { reply } = await post(emulator, '/menu', { function: 'doPost' });
    expect(reply).toMatchObject({ ok: false, problem: 'No menu item runs doPost.' });
    expect(await sheet(emulator, 'Stripe Events')).toEqual([]);
  });

  it('forgets a shown outcome once dismissed', async () => {
    const emulator = await start();
    await post(emulator, '/menu', { function: 'setupLedgerFromMenu' });
    await post(emulator, '/outcome/dismiss', {});
    expect(await page(emulator)).not.toContain('The ledger is already set up.');
  });
});

describe('hints', () => {
  it('explains the empty sheets of a fresh demo: no deliveries yet, nothing to review', async () => {
    const html = await page(await start());
    expect(html).toContain('No deliveries yet. Run <code>npm run demo</code>');
    expect(html).toContain('Nothing to review: every delivery so far fitted the ledger.');
  });

  it('starts an empty spreadsheet with --empty, says what to do, and Set up ledger makes the sheets', async () => {
    const emulator = await start({ empty: true });
    expect(await page(emulator)).toContain('This spreadsheet has no <code>Ledger</code> sheet yet');
    await post(emulator, '/menu', { function: 'setupLedgerFromMenu' });
    const html = await page(emulator);
    expect([...parseSheets(html).keys()]).toEqual([
      'Sheet1',
      'Ledger',
      'Stripe Events',
      'Exceptions',
      'Audit',
      'Payouts',
    ]);
    expect(html).toContain('No invoices yet. Add a row below');
  });
});

describe('the page itself', () => {
  it('has a favicon', async () => {
    const emulator = await start();
    expect(await page(emulator)).toContain('<link rel="icon" href="/favicon.svg"');
    const icon = await fetch(`${emulator.url}/favicon.ico`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg /);
  });

  it('colours cells by the rules setupLedger set, not by guesswork', async () => {
    const emulator = await start();
    await deliver(emulator, invoiceEvent('invoice.paid', { invoiceId: 'in_demo_ngozi', amountDue: 32000 }));
    const html = await page(emulator);
    expect(html).toMatch(/<td [^>]*style="background:#e6f4ea;color:#137333;font-weight:bold">paid<\/td>/);
  });

  it('keeps its state in the folder it was given', async () => {
    const dir = join(tempDir(), 'nested', 'ledger');
    mkdirSync(dir, { recursive: true });
    const emulator = await start({ dir });
    expect(emulator.stateFile).toBe(join(dir, 'state.json'));
  });
});
