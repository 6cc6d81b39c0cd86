// The emulator page in real Chromium, as a newcomer uses it: double-click a cell, type, press Enter; open the
// Stripe Ledger menu and run an item; read what the add-on said. Skipped only where /usr/bin/chromium is absent.

import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WEBHOOK_SECRET } from '../../scripts/emulator/runtime';
import type { Emulator } from '../../scripts/emulator/server';
import { invoiceEvent, signedDelivery } from '../fixtures/events';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM } from './chromium';
import { useEmulators } from './emulators';
import { records } from './html-tables';

const { start } = useEmulators();
let browser: Browser;

beforeAll(async () => {
  if (HAS_CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

async function open(emulator: Emulator): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${emulator.url}/`);
  return page;
}

/** The cell of a sheet at (key column = key value, column), found by its header as a person finds it. */
function cell(page: Page, sheet: string, key: string, column: string) {
  const section = page.locator(`section[data-sheet="${sheet}"]`);
  return section.locator('tbody tr', { hasText: key }).locator(`td:nth-child(${columnIndex(column)})`);
}

const LEDGER_COLUMNS = [
  'Student',
  'Plan',
  'Stripe Invoice ID',
  'Expected Amount',
  'Currency',
  'Payment Status',
];
const columnIndex = (name: string): number => LEDGER_COLUMNS.indexOf(name) + 1;

describe.skipIf(!HAS_CHROMIUM)('the emulator in Chromium', () => {
  it('edits a cell: double-click, type, Enter — the sheet takes it as typing, in its currency format', async () => {
    const emulator = await start();
    const page = await open(emulator);
    const expected = cell(page, 'Ledger', 'in_demo_chloe', 'Expected Amount');
    await expected.dblclick();
    await expect.poll(() => page.locator('#name-box').textContent()).toBe('Ledger!D12');
    await page.keyboard.type('45000');
    await Promise.all([page.waitForURL(/#s0-r12c4$/), page.keyboard.press('Enter')]);
    await expect
      .poll(() => cell(page, 'Ledger', 'in_demo_chloe', 'Expected Amount').textContent())
      .toBe('45,000');
    const chloe = records(await (await fetch(`${emulator.url}/`)).text(), 'Ledger').find(
      (row) => row['Stripe Invoice ID'] === 'in_demo_chloe',
    );
    expect(chloe?.['Expected Amount']).toBe('45,000');
    await page.close();
  });

  it('shows a refusal in a dialog when a typed status is not on the drop-down, and keeps the cell', async () => {
    const emulator = await start();
    const signed = signedDelivery(
      invoiceEvent('invoice.paid', { invoiceId: 'in_walk_in' }),
      DEMO_WEBHOOK_SECRET,
      Math.floor(Date.now() / 1000),
    );
    await fetch(`${emulator.url}/webhook`, {
      method: 'POST',
      headers: { 'Stripe-Signature': signed.header },
      body: signed.body,
    });
    const page = await open(emulator);
    const status = page.locator('section[data-sheet="Exceptions"] tbody tr:first-child td:nth-child(8)');
    expect(await status.textContent()).toBe('open');
    await status.click();
    await page.keyboard.type('closed');
    await Promise.all([page.waitForURL(/#s2-r2c8$/), page.keyboard.press('Enter')]);
    const dialog = page.getByRole('alertdialog');
    await expect.poll(() => dialog.textContent()).toContain('There was a problem: One of open, resolved');
    expect(
      await page
        .locator('section[data-sheet="Exceptions"] tbody tr:first-child td:nth-child(8)')
        .textContent(),
    ).toBe('open');
    await page.close();
  });

  it('runs a menu action from the Stripe Ledger menu and shows its alert, then closes it', async () => {
    const emulator = await start();
    const page = await open(emulator);
    await page.getByText('Stripe Ledger', { exact: true }).click();
    await Promise.all([
      page.waitForURL(`${emulator.url}/`),
      page.getByRole('button', { name: 'Set up ledger' }).click(),
    ]);
    const dialog = page.getByRole('alertdialog');
    await expect.poll(() => dialog.locator('h3').textContent()).toBe('Set up ledger');
    expect(await dialog.textContent()).toContain('The ledger is already set up.');
    await Promise.all([
      page.waitForURL(`${emulator.url}/`),
      dialog.getByRole('button', { name: 'Close' }).click(),
    ]);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.close();
  });
});
