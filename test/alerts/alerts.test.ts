// Alerts end to end on the fakes: exceptions opened by signed webhooks, then refreshReport() and syncStripe()'s
// check, with an e-mail digest, a Slack incoming webhook and a Telegram bot configured. One message per channel for a
// burst, none while nothing changes, one escalation per exception, a failing channel reported by name and retried,
// and no secret anywhere: every sheet, every log line and every outgoing body is scanned.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FakeFetchRequest, FakeFetchResponse } from '../../fakes/fetch-types';
import { checkAfterSync } from '../../src/gas/after-sync';
import { refreshReport } from '../../src/gas/report';
import { invoiceEvent } from '../fixtures/events';
import { createHarness, type Harness } from '../gas/harness';

const START = new Date('2026-03-02T15:00:00Z');
const SLACK_URL = 'https://hooks.slack.com/services/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';
const BOT_TOKEN = '7012345678:AAEtestTokenNotIssuedByTelegram_x9';
const CHAT_ID = '-1009876543210';
const RECIPIENTS = ['bursar@school.example', 'head@school.example'];
const SECRETS = [SLACK_URL, SLACK_URL.slice('https://hooks.slack.com'.length), BOT_TOKEN, ...RECIPIENTS];

let harness: Harness;
let requests: FakeFetchRequest[];
let answer: (request: FakeFetchRequest) => FakeFetchResponse;
let logLines: string[];

function slackPosts(): string[] {
  return requests.filter((r) => r.url === SLACK_URL).map((r) => JSON.parse(r.payload ?? '{}').text as string);
}
function telegramPosts(): string[] {
  return requests
    .filter((r) => r.url.startsWith('https://api.telegram.org/'))
    .map((r) => JSON.parse(r.payload ?? '{}').text as string);
}
function mails() {
  return harness.fakes.mail.sent;
}
function counts() {
  return { email: mails().length, slack: slackPosts().length, telegram: telegramPosts().length };
}

/** An invoice.paid for an invoice the ledger lacks: opens UNKNOWN_INVOICE with the payment's amount. */
function unknownPayment(invoiceId: string, cents: number) {
  const result = harness.post(invoiceEvent('invoice.paid', { invoiceId, amountDue: cents }));
  expect(result.result).toBe('processed');
}

function setOwner(invoiceId: string, owner: string) {
  const sheet = harness.fakes.spreadsheet.getSheetByName('Exceptions')!;
  const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0]!.map(String);
  let column = header.indexOf('Owner') + 1;
  if (column === 0) {
    column = header.length + 1;
    sheet.getRange(1, column).setValue('Owner');
  }
  const keys = sheet.getRange(1, header.indexOf('Stripe Invoice ID') + 1, sheet.getLastRow(), 1).getValues();
  const row = keys.findIndex(([key]) => key === invoiceId) + 1;
  sheet.getRange(row, column).setValue(owner);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
  requests = [];
  logLines = [];
  answer = (request) =>
    request.url.startsWith('https://api.telegram.org/')
      ? { status: 200, body: '{"ok":true,"result":{"message_id":1}}' }
      : { status: 200, body: 'ok' };
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logLines.push(args.map(String).join(' '));
    });
  }
  harness = createHarness([{ invoiceId: 'in_known', expected: 500, currency: 'USD' }], {
    timeZone: 'America/New_York',
    fetch: (request) => {
      requests.push(request);
      return answer(request);
    },
  });
  const properties = harness.fakes.properties.script;
  properties.set('ALERT_EMAILS', RECIPIENTS.join(', '));
  properties.set('SLACK_WEBHOOK_URL', SLACK_URL);
  properties.set('TELEGRAM_BOT_TOKEN', BOT_TOKEN);
  properties.set('TELEGRAM_CHAT_ID', CHAT_ID);
  properties.set('ALERT_MIN_AMOUNT', '100');
});
afterEach(() => {
  harness.close();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a burst of exceptions', () => {
  beforeEach(() => {
    unknownPayment('in_new_1', 45_000);
    unknownPayment('in_new_2', 120_000);
    unknownPayment('in_new_3', 9_900); // USD 99: below ALERT_MIN_AMOUNT
    unknownPayment('in_new_4', 30_000);
  });

  it('makes one message per channel that counts them', () => {
    refreshReport();
    expect(counts()).toEqual({ email: 1, slack: 1, telegram: 1 });
    expect(mails()[0]?.to).toEqual(RECIPIENTS);
    expect(mails()[0]?.subject).toBe('Stripe Ledger: 4 new exceptions');
    expect(mails()[0]?.body).toContain('4 new exceptions (USD 2,049.00 in total):');
    expect(slackPosts()[0]).toContain('3 new exceptions (USD 1,950.00 in total):');
    expect(telegramPosts()[0]).toContain('3 new exceptions');
  });

  it('keeps the exception below ALERT_MIN_AMOUNT out of the chats but in the digest', () => {
    refreshReport();
    expect(mails()[0]?.body).toContain('in_new_3, USD 99.00');
    expect(slackPosts()[0]).not.toContain('in_new_3');
    expect(telegramPosts()[0]).not.toContain('in_new_3');
  });

  it('sends nothing more while nothing changes, from the report or the sync', () => {
    refreshReport();
    vi.setSystemTime(new Date(START.getTime() + 3_600_000));
    refreshReport();
    checkAfterSync();
    checkAfterSync();
    expect(counts()).toEqual({ email: 1, slack: 1, telegram: 1 });
  });

  it('escapes text Slack would read as a mention', () => {
    setOwner('in_new_1', '<!channel>@school.example');
    refreshReport();
    expect(slackPosts()[0]).toContain('owner &lt;!channel&gt;');
    expect(telegramPosts()[0]).toContain('owner <!channel>');
  });

  it('sends one more message per channel for the next exception, naming only it', () => {
    refreshReport();
    unknownPayment('in_new_5', 77_700);
    checkAfterSync();
    expect(counts()).toEqual({ email: 2, slack: 2, telegram: 2 });
    expect(slackPosts()[1]).toContain('1 new exception (USD 777.00 in total):');
    expect(slackPosts()[1]).not.toContain('in_new_1');
  });
});

describe('escalation', () => {
  it('escalates an exception open past 3 days once, to Telegram and the digest, naming its id, amount and owner', () => {
    unknownPayment('in_stuck', 45_000);
    setOwner('in_stuck', 'registrar@school.example');
    refreshReport();
    const id = String(
      harness.records('Exceptions').find((r) => r['Stripe Invoice ID'] === 'in_stuck')?.['Exception ID'],
    );

    vi.setSystemTime(new Date(START.getTime() + 3 * 86_400_000 - 60_000));
    refreshReport();
    expect(counts()).toEqual({ email: 1, slack: 1, telegram: 1 });

    vi.setSystemTime(new Date(START.getTime() + 3 * 86_400_000 + 60_000));
    refreshReport();
    expect(counts()).toEqual({ email: 2, slack: 1, telegram: 2 });
    expect(telegramPosts()[1]).toContain(
      `• ${id}: UNKNOWN_INVOICE on in_stuck, USD 450.00 — owner registrar — open 3 days`,
    );
    expect(mails()[1]?.subject).toBe('Stripe Ledger: 1 escalation');
    const recorded = harness.records('Audit').filter((r) => r.Action === 'escalate_exception');
    expect(recorded).toMatchObject([{ Target: `Exceptions:${id}`, Actor: 'system', Evidence: id }]);

    vi.setSystemTime(new Date(START.getTime() + 5 * 86_400_000));
    refreshReport();
    checkAfterSync();
    expect(counts()).toEqual({ email: 2, slack: 1, telegram: 2 });
    expect(harness.records('Audit').filter((r) => r.Action === 'escalate_exception')).toHaveLength(1);
  });

  it('escalates a dispute after one day', () => {
    unknownPayment('in_other', 50_000);
    // The reason as a dispute would leave it (the escalation reads the queue, whatever opened the row)
    const sheet = harness.fakes.spreadsheet.getSheetByName('Exceptions')!;
    const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0]!.map(String);
    sheet.getRange(2, header.indexOf('Reason') + 1).setValue('DISPUTED');
    refreshReport();
    vi.setSystemTime(new Date(START.getTime() + 86_400_000 + 60_000));
    refreshReport();
    expect(telegramPosts().at(-1)).toContain('DISPUTED on in_other');
    expect(telegramPosts().at(-1)).toContain('open 1 day');
  });
});

describe('a failing channel', () => {
  it('is reported by name in a log line and the report, does not stop the others, and is told again next run', () => {
    answer = (request) =>
      request.url === SLACK_URL
        ? { status: 404, body: 'no_service' }
        : request.url.startsWith('https://api.telegram.org/')
          ? { status: 200, body: '{"ok":true}' }
          : { status: 200, body: 'ok' };
    unknownPayment('in_new_1', 45_000);
    refreshReport();
    expect(counts()).toEqual({ email: 1, slack: 1, telegram: 1 });
    expect(logLines).toContain('Alerts: Slack failed: Slack answered HTTP 404: no_service');
    const report = harness.fakes.spreadsheet.sheetValues('Reconciliation Report');
    expect(report.find((row) => row[0] === 'Alerts: Slack')?.[1]).toBe(
      'failed: Slack answered HTTP 404: no_service',
    );
    expect(report.find((row) => row[0] === 'Alerts: Telegram')?.[1]).toBe('sent');

    answer = (request) =>
      request.url.startsWith('https://api.telegram.org/')
        ? { status: 200, body: '{"ok":true}' }
        : { status: 200, body: 'ok' };
    refreshReport();
    expect(counts()).toEqual({ email: 1, slack: 2, telegram: 1 });
    expect(slackPosts()[1]).toContain('in_new_1');
  });

  it('that times out is reported without the bot token the error names', () => {
    answer = (request) =>
      request.url.startsWith('https://api.telegram.org/') ? 'timeout' : { status: 200, body: 'ok' };
    unknownPayment('in_new_1', 45_000);
    refreshReport();
    const line = logLines.find((l) => l.startsWith('Alerts: Telegram failed:'));
    expect(line).toBe('Alerts: Telegram failed: Timeout: https://api.telegram.org/bot[redacted]/sendMessage');
    expect(counts()).toMatchObject({ email: 1, slack: 1 });
  });

  it('with a Slack URL off hooks.slack.com is never fetched', () => {
    harness.fakes.properties.script.set(
      'SLACK_WEBHOOK_URL',
      'https://hooks.slack.com.attacker.example/services/T0/B0/x',
    );
    unknownPayment('in_new_1', 45_000);
    refreshReport();
    expect(requests.map((r) => new URL(r.url).host)).toEqual(['api.telegram.org']);
    expect(logLines).toContain(
      'Alerts: SLACK_WEBHOOK_URL is not a https://hooks.slack.com/ address: Slack is not used',
    );
  });

  it('of e-mail out of quota leaves Slack and Telegram sending', () => {
    harness.close();
    harness = createHarness([], {
      timeZone: 'America/New_York',
      fetch: (request) => {
        requests.push(request);
        return answer(request);
      },
      mail: { dailyRecipients: 1 },
    });
    const properties = harness.fakes.properties.script;
    properties.set('ALERT_EMAILS', RECIPIENTS.join(','));
    properties.set('SLACK_WEBHOOK_URL', SLACK_URL);
    properties.set('TELEGRAM_BOT_TOKEN', BOT_TOKEN);
    properties.set('TELEGRAM_CHAT_ID', CHAT_ID);
    unknownPayment('in_new_1', 45_000);
    refreshReport();
    expect(counts()).toEqual({ email: 0, slack: 1, telegram: 1 });
    expect(logLines.some((l) => l.startsWith('Alerts: E-mail digest failed: today'))).toBe(true);
  });
});

describe('secrets', () => {
  it('never appear in a cell, an answer, a log line or an outgoing message, whatever happened', () => {
    const answers: unknown[] = [];
    unknownPayment('in_new_1', 45_000);
    answers.push(refreshReport());
    answer = (request) =>
      request.url.startsWith('https://api.telegram.org/')
        ? 'timeout'
        : { status: 500, body: `upstream ${request.url}` };
    unknownPayment('in_new_2', 45_000);
    answers.push(refreshReport());
    checkAfterSync();
    vi.setSystemTime(new Date(START.getTime() + 4 * 86_400_000));
    answer = () => ({ status: 200, body: 'ok' });
    answers.push(refreshReport());

    const places: [string, string][] = [];
    for (const name of harness.fakes.spreadsheet.sheetNames()) {
      for (const row of harness.fakes.spreadsheet.sheetValues(name))
        places.push([`sheet ${name}`, row.join('\t')]);
    }
    for (const line of [...logLines, ...harness.fakes.logs]) places.push(['log', line]);
    for (const mail of mails()) places.push(['mail', `${mail.subject}\n${mail.body}`]);
    for (const request of requests)
      places.push([`body to ${new URL(request.url).host}`, request.payload ?? '']);
    for (const text of [...slackPosts(), ...telegramPosts()]) places.push(['message', text]);
    for (const a of answers) places.push(['answer', JSON.stringify(a)]);
    expect(places.length).toBeGreaterThan(50);
    // The failures above quoted the Slack URL and the bot token; what was logged had them cut out
    expect(logLines.filter((line) => line.includes('[redacted]')).length).toBeGreaterThanOrEqual(2);
    expect(mails().length + slackPosts().length + telegramPosts().length).toBeGreaterThan(3);
    for (const [where, text] of places) {
      for (const secret of SECRETS) {
        if (text.toLowerCase().includes(secret.toLowerCase()))
          throw new Error(`${where} holds a secret: ${text}`);
      }
      if (where !== 'body to api.telegram.org' && text.includes(CHAT_ID))
        throw new Error(`${where} holds the chat id`);
    }
  });
});
