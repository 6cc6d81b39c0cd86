// The bundle clasp pushes: built by the global setup, loaded in node:vm, entry points called by name.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REVIEW_CALLS } from '../../src/shared/review-api';
import { invoiceEvent, signedDelivery, TEST_WEBHOOK_SECRET } from '../fixtures/events';
import { DIST, loadBundle } from './load-bundle';

const ENTRY_POINTS = [
  'doPost',
  'doGet',
  'onOpen',
  'onInstall',
  'setupLedger',
  'syncStripe',
  'installTriggers',
  'removeTriggers',
  'openReviewSidebar',
];

describe('dist/Code.js', () => {
  const code = readFileSync(join(DIST, 'Code.js'), 'utf8');

  it('is one plain script: no import or export statements', () => {
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it.each(ENTRY_POINTS)('declares %s as a top-level function Apps Script can see', (name) => {
    expect(code).toMatch(new RegExp(`^function ${name}\\s*\\(`, 'm'));
  });

  it.each(REVIEW_CALLS)(
    'declares the sidebar call %s as a top-level function google.script.run can reach',
    (name) => {
      expect(code).toMatch(new RegExp(`^function ${name}\\s*\\(`, 'm'));
    },
  );

  it('opens the review sidebar from dist/Sidebar.html, and answers its first call by name', () => {
    const sidebar = readFileSync(join(DIST, 'Sidebar.html'), 'utf8');
    const bundle = loadBundle({ htmlFiles: { Sidebar: sidebar } });
    bundle.fakes.spreadsheet
      .insertSheet('Ledger')
      .getRange(1, 1, 1, 2)
      .setValues([['Student', 'Stripe Invoice ID']]);
    bundle.call('setupLedger');
    bundle.call('openReviewSidebar');
    expect(bundle.fakes.ui.sidebars).toEqual([{ title: 'Review exceptions', content: sidebar }]);
    expect(sidebar).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    const answer = bundle.call<{ ok: boolean; total: number }>('reviewQueue', {
      filter: { reason: null, status: 'open', owner: null, currency: null },
      page: 1,
      pageSize: 50,
    });
    expect(answer).toMatchObject({ ok: true, total: 0 });
  });

  it('ships a manifest with V8, the public web app and least-privilege scopes', () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'appsscript.json'), 'utf8'));
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.webapp).toEqual({ executeAs: 'USER_DEPLOYING', access: 'ANYONE_ANONYMOUS' });
    expect(manifest.oauthScopes).not.toContain('https://www.googleapis.com/auth/drive');
    expect(manifest.oauthScopes).toContain('https://www.googleapis.com/auth/spreadsheets');
    // The sidebar acts in the reviewer's name: Session.getActiveUser() needs this scope, and only this one.
    expect(manifest.oauthScopes).toContain('https://www.googleapis.com/auth/userinfo.email');
    expect(manifest.oauthScopes).not.toContain('https://www.googleapis.com/auth/userinfo.profile');
  });

  it('sets up the ledger, applies a signed webhook and answers liveness when called by name', () => {
    const bundle = loadBundle();
    bundle.fakes.spreadsheet
      .insertSheet('Ledger')
      .getRange(1, 1, 2, 2)
      .setValues([
        ['Student', 'Stripe Invoice ID'],
        ['Ana', "'in_bundle"],
      ]);
    bundle.call('setupLedger');
    expect(bundle.fakes.spreadsheet.sheetNames()).toEqual(
      expect.arrayContaining(['Ledger', 'Stripe Events', 'Exceptions', 'Audit']),
    );
    bundle.fakes.properties.script.set('STRIPE_WEBHOOK_SECRETS', TEST_WEBHOOK_SECRET);

    const event = invoiceEvent('invoice.paid', { invoiceId: 'in_bundle', amountDue: 4200 });
    const delivery = signedDelivery(event, TEST_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
    const output = bundle.call<GoogleAppsScript.Content.TextOutput>('doPost', {
      postData: {
        contents: delivery.body,
        length: Buffer.byteLength(delivery.body),
        type: 'application/json',
      },
      parameter: { stripe_signature: delivery.header },
    });
    expect(JSON.parse(output.getContent())).toMatchObject({ result: 'processed', eventId: event.id });
    const [header = [], row = []] = bundle.fakes.spreadsheet.sheetValues('Ledger');
    expect(row[header.indexOf('Payment Status')]).toBe('paid');
    expect(row[header.indexOf('Amount Paid')]).toBe(42);

    const live = bundle.call<GoogleAppsScript.Content.TextOutput>('doGet', {});
    expect(JSON.parse(live.getContent())).toEqual({ ok: true, version: expect.any(String) });
  });

  it('adds the Stripe Ledger menu on open, with only items whose functions exist', () => {
    const bundle = loadBundle();
    bundle.call('onOpen', {});
    const menus = bundle.fakes.ui.menus;
    expect(menus.map((m) => m.name)).toContain('Stripe Ledger');
    for (const menu of menus) {
      for (const item of menu.items) {
        if ('functionName' in item) expect(typeof bundle.context[item.functionName]).toBe('function');
      }
    }
  });
});
