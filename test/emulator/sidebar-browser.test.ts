// The review sidebar in real Chromium, against the emulator after `npm run demo`: a reviewer lists what waits,
// matches a payment to the row typed without its invoice id, dismisses one with a note, and does it all from the
// keyboard; and a newcomer does it from the sheets page, with the sidebar beside the sheets.

import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemoScenario } from '../../scripts/emulator/demo-scenario';
import { DEMO_WEBHOOK_SECRET } from '../../scripts/emulator/runtime';
import type { Emulator } from '../../scripts/emulator/server';
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

/** An emulator on the demo ledger after the demo's deliveries: four exceptions wait. */
async function afterDemo(): Promise<Emulator> {
  const emulator = await start();
  await runDemoScenario({ url: emulator.url, secret: DEMO_WEBHOOK_SECRET });
  return emulator;
}

/** The sidebar alone, as wide as Sheets makes it. */
async function sidebar(emulator: Emulator): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 300, height: 800 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${emulator.url}/sidebar`);
  await page.locator('.items .item').first().waitFor();
  (page as Page & { problems: string[] }).problems = problems;
  return page;
}

async function sheet(emulator: Emulator, name: string): Promise<Record<string, string>[]> {
  return records(await (await fetch(`${emulator.url}/`)).text(), name);
}

const item = (page: Page | Frame, key: string) => page.locator('.items .item', { hasText: key });

describe.skipIf(!HAS_CHROMIUM)('the review sidebar in Chromium', () => {
  it('lists the exceptions the emulator holds, biggest first, with a total per reason', async () => {
    const emulator = await afterDemo();
    const page = await sidebar(emulator);
    expect(await page.locator('.items .item .key').allTextContents()).toEqual([
      'in_demo_omer_2',
      'in_demo_jose_1',
      'in_demo_walk_in',
      'in_demo_ngozi',
    ]);
    expect(await page.locator('.items .item .amount').first().textContent()).toBe('$450.00');
    expect(await page.locator('.totals li').first().textContent()).toContain('Unknown invoice 2$600.00');
    expect(await page.locator('.you').textContent()).toBe('Acting as owner@school.example');
    expect((page as Page & { problems: string[] }).problems).toEqual([]);
    await page.close();
  });

  it('matches by clicks: the row gets the invoice id and is paid, the exception is resolved as matched, Audit names the reviewer', async () => {
    const emulator = await afterDemo();
    const page = await sidebar(emulator);
    await item(page, 'in_demo_omer_2').click();
    const best = page.locator('.candidate').first();
    await expect.poll(() => best.locator('b').textContent()).toContain('Ömer Yılmaz');
    expect(await best.locator('.reasons').textContent()).toContain('Exactly what the row still owes (450)');
    await best.getByRole('button', { name: 'Match' }).click();
    const form = page.locator('form[data-form="match"]');
    expect(await form.textContent()).toContain('Its Stripe Invoice ID becomes in_demo_omer_2');
    await form.getByRole('button', { name: 'Match' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('matched to in_demo_omer_2');
    expect(await page.locator('.items .item .key').allTextContents()).not.toContain('in_demo_omer_2');

    const row = (await sheet(emulator, 'Ledger')).find((r) => r['Stripe Invoice ID'] === 'in_demo_omer_2');
    expect(row).toMatchObject({ Student: 'Ömer Yılmaz', 'Payment Status': 'paid', 'Amount Paid': '450.00' });
    const exception = (await sheet(emulator, 'Exceptions')).find(
      (e) => e['Stripe Invoice ID'] === 'in_demo_omer_2',
    );
    expect(exception).toMatchObject({
      Status: 'resolved',
      Resolution: 'matched',
      'Resolved By': 'owner@school.example',
    });
    const audit = (await sheet(emulator, 'Audit')).filter((a) => a.Actor === 'owner@school.example');
    expect(audit.map((a) => `${a.Target} ${a.Field}`)).toEqual(
      expect.arrayContaining([
        'Ledger:in_demo_omer_2 Stripe Invoice ID',
        'Ledger:in_demo_omer_2 Stripe Customer',
        `Exceptions:${exception?.['Exception ID']} Resolution`,
      ]),
    );
    await page.close();
  });

  it('dismisses with a note, and will not without one', async () => {
    const emulator = await afterDemo();
    const page = await sidebar(emulator);
    await item(page, 'in_demo_walk_in').click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Dismiss' }).click();
    const form = page.locator('form[data-form="dismiss"]');
    await form.getByRole('button', { name: 'Dismiss' }).click();
    expect(
      await form
        .locator('textarea')
        .evaluate((field) => (field as HTMLTextAreaElement).validity.valueMissing),
    ).toBe(true);
    await form.locator('textarea').fill('A one-off workshop paid at the door; not tuition');
    await form.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('dismissed');
    const exception = (await sheet(emulator, 'Exceptions')).find(
      (e) => e['Stripe Invoice ID'] === 'in_demo_walk_in',
    );
    expect(exception).toMatchObject({
      Status: 'dismissed',
      Note: 'A one-off workshop paid at the door; not tuition',
      'Resolved By': 'owner@school.example',
    });
    await page.close();
  });

  it('works from the keyboard: j/k move, Enter opens, Escape goes back, m matches, d dismisses', async () => {
    const emulator = await afterDemo();
    const page = await sidebar(emulator);
    const selected = () => page.locator('.items .item.selected .key').textContent();
    expect(await selected()).toBe('in_demo_omer_2');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await selected()).toBe('in_demo_walk_in');
    await page.keyboard.press('k');
    expect(await selected()).toBe('in_demo_jose_1');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.detail .key').textContent()).toBe('in_demo_jose_1');
    await page.keyboard.press('Escape');
    await expect.poll(() => selected()).toBe('in_demo_jose_1');
    await page.keyboard.press('k');
    // m opens the exception on the match of its best row; Enter confirms.
    await page.keyboard.press('m');
    const form = page.locator('form[data-form="match"]');
    await form.waitFor();
    expect(await form.textContent()).toContain('Match to row 14 (Ömer Yılmaz');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.notice').textContent()).toContain('matched');
    // Back on the list, the keyboard is on the exception that took its place.
    await expect.poll(() => selected()).toBe('in_demo_jose_1');
    await page.keyboard.press('j');
    await page.keyboard.press('d');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Note');
    await page.keyboard.type('Test payment from the front desk');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.notice').textContent()).toContain('dismissed');
    const statuses = (await sheet(emulator, 'Exceptions')).map(
      (e) => `${e['Stripe Invoice ID']} ${e.Status}`,
    );
    expect(statuses).toEqual(
      expect.arrayContaining(['in_demo_omer_2 resolved', 'in_demo_walk_in dismissed']),
    );
    await page.close();
  });

  it('is not blank: a screenshot of the sidebar has text and colour', async () => {
    const emulator = await afterDemo();
    const page = await sidebar(emulator);
    await item(page, 'in_demo_omer_2').click();
    await page.locator('.candidate').first().waitFor();
    const shot = (await page.screenshot()).toString('base64');
    const colours = await page.evaluate(async (png) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const seen = new Set<number>();
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
        seen.add((r >> 4) * 256 + (g >> 4) * 16 + (b >> 4));
        if (r + g + b < 600) inked += 1;
      }
      return { distinct: seen.size, inkedShare: inked / (data.length / 4) };
    }, shot);
    expect(colours.distinct).toBeGreaterThan(20);
    expect(colours.inkedShare).toBeGreaterThan(0.03);
    await page.close();
  });

  it('from the sheets: the menu opens the sidebar beside them, and a match there turns the row paid in the sheet beside it', async () => {
    const emulator = await afterDemo();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${emulator.url}/`);
    await page.getByText('Stripe Ledger', { exact: true }).click();
    await Promise.all([
      page.waitForURL(`${emulator.url}/`),
      page.getByRole('button', { name: 'Review exceptions' }).click(),
    ]);
    const pane = page.locator('#sidebar-pane');
    await expect.poll(() => pane.isVisible()).toBe(true);
    const frame = page.frameLocator('#sidebar-pane iframe');
    await frame.locator('.items .item', { hasText: 'in_demo_omer_2' }).click();
    await frame.locator('.candidate').first().getByRole('button', { name: 'Match' }).click();
    await frame.locator('form[data-form="match"]').getByRole('button', { name: 'Match' }).click();
    const status = page
      .locator('section[data-sheet="Ledger"] tbody tr', { hasText: 'Ömer Yılmaz' })
      .filter({ hasText: 'Instalment 2 of 2' });
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('in_demo_omer_2');
    expect(await status.textContent()).toContain('paid');
    expect(await pane.isVisible()).toBe(true);
    await page.close();
  });
});
