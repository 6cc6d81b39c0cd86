// The built dist/Code.js exposes refreshReport to triggers and the menu, and asks for MailApp's narrow scope only.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, loadBundle } from '../bundle/load-bundle';

describe('dist/Code.js and the manifest for the report and alerts', () => {
  const code = readFileSync(join(DIST, 'Code.js'), 'utf8');

  it.each(['refreshReport', 'refreshReportFromMenu'])('declare %s as a top-level function', (name) => {
    expect(code).toMatch(new RegExp(`^function ${name}\\s*\\(`, 'm'));
  });

  it('ask for script.send_mail to send the digest, not a Gmail scope', () => {
    const scopes: string[] = JSON.parse(readFileSync(join(DIST, 'appsscript.json'), 'utf8')).oauthScopes;
    expect(scopes).toContain('https://www.googleapis.com/auth/script.send_mail');
    expect(scopes.filter((scope) => /gmail|mail\.google/.test(scope))).toEqual([]);
  });

  it('rebuild the report when refreshReport is called by name, and schedule it with installTriggers', () => {
    const bundle = loadBundle();
    bundle.fakes.spreadsheet
      .insertSheet('Ledger')
      .getRange(1, 1, 2, 2)
      .setValues([
        ['Student', 'Stripe Invoice ID'],
        ['Ana', "'in_bundle"],
      ]);
    bundle.call('setupLedger');
    bundle.call('refreshReport', { triggerUid: '1' });
    const report = bundle.fakes.spreadsheet.sheetValues('Reconciliation Report');
    expect(report.slice(1, 5).map((row) => row[0])).toEqual([
      'Straight-through rate',
      'Open exceptions',
      'Median hours to resolve',
      'Duplicate deliveries suppressed',
    ]);
    expect(report.find((row) => row[0] === 'Open exceptions')?.[1]).toBe(0);
    const installed = bundle.call<{ installed: string[] }>('installTriggers');
    expect(installed.installed).toContain('refreshReport every hour');
  });
});
