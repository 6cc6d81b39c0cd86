// `npx tsx scripts/screenshot.ts`: the README pictures. Starts the emulator on a fresh demo ledger in a temporary
// folder, sends the demo scenario, and photographs GET / in headless Chromium → docs/screenshot.png; then opens the
// review sidebar beside the sheets on the payment typed without its invoice id → docs/sidebar.png.
// Needs Debian's chromium (`apt-get install -y chromium`); CHROMIUM overrides the path.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildIfStale } from './emulator/build-if-stale';
import { runDemoScenario } from './emulator/demo-scenario';
import { DEMO_WEBHOOK_SECRET } from './emulator/runtime';
import { PROJECT_ROOT, startEmulator } from './emulator/server';

const output = join(PROJECT_ROOT, 'docs', 'screenshot.png');
const sidebarOutput = join(PROJECT_ROOT, 'docs', 'sidebar.png');

buildIfStale(PROJECT_ROOT, console.log);
const dir = mkdtempSync(join(tmpdir(), 'stripe-ledger-screenshot-'));
const emulator = await startEmulator({ port: 0, dir });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  await runDemoScenario({ url: emulator.url, secret: DEMO_WEBHOOK_SECRET });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${emulator.url}/`);
  await page.screenshot({ path: output, fullPage: false });
  console.log(`wrote ${output} (${Math.round(statSync(output).size / 1024)} KB)`);

  // The sidebar at the right of the sheets, on the Exceptions sheet, a payment's evidence and its best row.
  const review = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  await review.goto(`${emulator.url}/#s2`);
  await review.click('#open-sidebar');
  const frame = review.frameLocator('#sidebar-pane iframe');
  await frame.locator('.items .item', { hasText: 'in_demo_omer_2' }).click();
  await frame.locator('.candidate').first().waitFor();
  await review.screenshot({ path: sidebarOutput, fullPage: false });
  console.log(`wrote ${sidebarOutput} (${Math.round(statSync(sidebarOutput).size / 1024)} KB)`);
} finally {
  await browser.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
