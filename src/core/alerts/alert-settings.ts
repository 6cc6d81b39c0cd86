// The alert channels and thresholds as the owner set them in script properties, checked. The values read here are
// secrets (a Slack webhook URL is a credential, so is a bot token; recipients are personal data): this module hands
// them to the channels and to `redact`, and every message it makes about them names the property, never its value.

import { type EscalationAges, parseEscalationAges } from './escalation';

export interface AlertSettingsText {
  emails: string | null;
  minAmount: string | null;
  slackWebhookUrl: string | null;
  telegramBotToken: string | null;
  telegramChatId: string | null;
  escalateAfterDays: string | null;
  escalateAfterDaysByReason: string | null;
}

export interface AlertSettings {
  /** Well-formed addresses from `ALERT_EMAILS`. */
  emails: string[];
  /** Major units; exceptions below it stay out of chat messages (they still reach the e-mail digest). */
  minAmount: number | null;
  /** Only ever a `https://hooks.slack.com/…` URL. */
  slackWebhookUrl: string | null;
  telegram: { botToken: string; chatId: string } | null;
  escalation: EscalationAges;
  /** What is wrong with the settings, by property name only. */
  problems: string[];
  /** Every configured value that must never be shown, for `redact`. */
  secrets: string[];
}

/**
 * Slack's incoming webhooks live at `https://hooks.slack.com/services/…` (and workflow triggers under `/triggers/`
 * and `/workflows/`). Anything else is refused unfetched: a URL pointing elsewhere would send the school's exceptions
 * to whoever owns it. The host must be followed by `/`, so `hooks.slack.com.example.net` and
 * `hooks.slack.com@example.net` do not pass.
 */
const SLACK_WEBHOOK = /^https:\/\/hooks\.slack\.com\/[A-Za-z0-9/_\-.~%]+$/;

/** Telegram bot tokens are `<bot id>:<secret>` (https://core.telegram.org/bots/api#authorizing-your-bot). */
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
/** A chat id is an integer (negative for groups and channels) or `@channelusername`. */
const TELEGRAM_CHAT = /^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,})$/;
/** Deliberately loose: MailApp is the judge; this only keeps obvious typos from costing quota. */
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;

export function parseAlertSettings(text: AlertSettingsText): AlertSettings {
  const problems: string[] = [];
  const secrets: string[] = [];
  const value = (raw: string | null) => (raw ?? '').trim();

  const entries = value(text.emails)
    .split(/[,;]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  secrets.push(...entries);
  const emails = entries.filter((entry) => EMAIL.test(entry));
  if (emails.length < entries.length) {
    const skipped = entries.length - emails.length;
    problems.push(
      `ALERT_EMAILS: ${skipped} ${skipped === 1 ? 'entry is' : 'entries are'} not an e-mail address, skipped`,
    );
  }

  let minAmount: number | null = null;
  if (value(text.minAmount) !== '') {
    const parsed = Number(value(text.minAmount).replace(/,/g, ''));
    if (Number.isFinite(parsed) && parsed >= 0) minAmount = parsed;
    else problems.push('ALERT_MIN_AMOUNT is not a number: every exception is sent');
  }

  const slack = value(text.slackWebhookUrl);
  let slackWebhookUrl: string | null = null;
  if (slack !== '') {
    secrets.push(slack, slack.replace(/^https?:\/\/[^/]*/, ''));
    if (SLACK_WEBHOOK.test(slack)) slackWebhookUrl = slack;
    else problems.push('SLACK_WEBHOOK_URL is not a https://hooks.slack.com/ address: Slack is not used');
  }

  const token = value(text.telegramBotToken);
  const chatId = value(text.telegramChatId);
  if (token !== '') secrets.push(token, token.split(':')[1] ?? '');
  if (chatId !== '') secrets.push(chatId);
  let telegram: AlertSettings['telegram'] = null;
  if (token !== '' || chatId !== '') {
    if (!TELEGRAM_TOKEN.test(token))
      problems.push('TELEGRAM_BOT_TOKEN is missing or not a bot token: Telegram is not used');
    else if (!TELEGRAM_CHAT.test(chatId))
      problems.push('TELEGRAM_CHAT_ID is missing or not a chat id: Telegram is not used');
    else telegram = { botToken: token, chatId };
  }

  const { ages, ignored } = parseEscalationAges(text.escalateAfterDays, text.escalateAfterDaysByReason);
  if (ignored.length > 0)
    problems.push(`Escalation ages: ${ignored.length} setting not understood, defaults kept`);

  return {
    emails,
    minAmount,
    slackWebhookUrl,
    telegram,
    escalation: ages,
    problems,
    secrets: secrets.filter(Boolean),
  };
}
