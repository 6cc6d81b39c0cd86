// The alert settings from script properties: which channels may be used, and which values must never be shown.

import { describe, expect, it } from 'vitest';
import { type AlertSettingsText, parseAlertSettings } from '../../../src/core/alerts/alert-settings';
import { REDACTED, redact } from '../../../src/core/alerts/redact';

const NONE: AlertSettingsText = {
  emails: null,
  minAmount: null,
  slackWebhookUrl: null,
  telegramBotToken: null,
  telegramChatId: null,
  escalateAfterDays: null,
  escalateAfterDaysByReason: null,
};
const SLACK = 'https://hooks.slack.com/services/T0SCHOOL/B0BURSAR/abcdefghijklmnopqrstuvwx';
const TOKEN = '7012345678:AAE-fakeFakeFakeFakeFake_fake12345';

describe('alert settings', () => {
  it('use nothing when nothing is set, with the default escalation ages', () => {
    const settings = parseAlertSettings(NONE);
    expect(settings).toMatchObject({ emails: [], minAmount: null, slackWebhookUrl: null, telegram: null });
    expect(settings.escalation).toEqual({ defaultDays: 3, byReason: { DISPUTED: 1 } });
    expect(settings.problems).toEqual([]);
  });

  it('accept a Slack incoming webhook on hooks.slack.com', () => {
    expect(parseAlertSettings({ ...NONE, slackWebhookUrl: ` ${SLACK} ` }).slackWebhookUrl).toBe(SLACK);
  });

  it.each([
    'http://hooks.slack.com/services/T0/B0/x',
    'https://hooks.slack.com.attacker.example/services/T0/B0/x',
    'https://hooks.slack.com@attacker.example/services/T0/B0/x',
    'https://attacker.example/?u=https://hooks.slack.com/services/T0/B0/x',
    'https://hooks.slack.com:8443/services/T0/B0/x',
    'https://hooks.slack.com/services/T0/B0/x?next=https://attacker.example',
  ])('refuse a Slack URL that is not https://hooks.slack.com/…: %s', (url) => {
    const settings = parseAlertSettings({ ...NONE, slackWebhookUrl: url });
    expect(settings.slackWebhookUrl).toBeNull();
    expect(settings.problems).toEqual([
      'SLACK_WEBHOOK_URL is not a https://hooks.slack.com/ address: Slack is not used',
    ]);
    expect(settings.problems.join(' ')).not.toContain(url);
  });

  it('use Telegram only with both a bot token and a chat id', () => {
    expect(
      parseAlertSettings({ ...NONE, telegramBotToken: TOKEN, telegramChatId: '-1001234567890' }).telegram,
    ).toEqual({
      botToken: TOKEN,
      chatId: '-1001234567890',
    });
    expect(parseAlertSettings({ ...NONE, telegramBotToken: TOKEN }).problems).toEqual([
      'TELEGRAM_CHAT_ID is missing or not a chat id: Telegram is not used',
    ]);
  });

  it('skip entries of ALERT_EMAILS that are no address, without naming them', () => {
    const settings = parseAlertSettings({
      ...NONE,
      emails: 'bursar@school.example; head@school.example, oops',
    });
    expect(settings.emails).toEqual(['bursar@school.example', 'head@school.example']);
    expect(settings.problems).toEqual(['ALERT_EMAILS: 1 entry is not an e-mail address, skipped']);
  });

  it('list every configured value as a secret, so redaction finds it', () => {
    const settings = parseAlertSettings({
      ...NONE,
      emails: 'bursar@school.example',
      slackWebhookUrl: SLACK,
      telegramBotToken: TOKEN,
      telegramChatId: '-1001234567890',
    });
    const text = `POST ${SLACK} failed; GET https://api.telegram.org/bot${TOKEN}/sendMessage chat -1001234567890 for bursar@school.example`;
    const cleaned = redact(text, settings.secrets);
    for (const secret of [SLACK, TOKEN, '-1001234567890', 'bursar@school.example', 'T0SCHOOL/B0BURSAR']) {
      expect(cleaned).not.toContain(secret);
    }
    expect(cleaned).toContain(REDACTED);
  });

  it('read ALERT_MIN_AMOUNT in major units', () => {
    expect(parseAlertSettings({ ...NONE, minAmount: '1,000' }).minAmount).toBe(1000);
    expect(parseAlertSettings({ ...NONE, minAmount: 'lots' }).problems).toEqual([
      'ALERT_MIN_AMOUNT is not a number: every exception is sent',
    ]);
  });
});
