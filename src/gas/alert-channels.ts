// Delivering one alert message to one channel: an e-mail digest through MailApp, a Slack incoming webhook, a Telegram
// bot. Each throws on failure; the caller reports the failure by channel name, with every secret cut out, and goes
// on with the other channels.

import type { AlertMessage } from '../core/alerts/alert-message';
import type { AlertChannel } from '../core/alerts/alert-news';
import type { AlertSettings } from '../core/alerts/alert-settings';

export const CHANNEL_NAME: Readonly<Record<AlertChannel, string>> = {
  email: 'E-mail digest',
  slack: 'Slack',
  telegram: 'Telegram',
};

/** The channels the settings make usable, in the order they are tried. */
export function configuredChannels(settings: AlertSettings): AlertChannel[] {
  const channels: AlertChannel[] = [];
  if (settings.emails.length > 0) channels.push('email');
  if (settings.slackWebhookUrl) channels.push('slack');
  if (settings.telegram) channels.push('telegram');
  return channels;
}

export function deliver(channel: AlertChannel, settings: AlertSettings, message: AlertMessage): void {
  if (channel === 'email') sendDigest(settings.emails, message);
  else if (channel === 'slack') postToSlack(settings.slackWebhookUrl, message);
  else postToTelegram(settings.telegram, message);
}

function sendDigest(recipients: readonly string[], message: AlertMessage): void {
  // MailApp's quota counts recipients; a send it would refuse is not attempted.
  if (MailApp.getRemainingDailyQuota() < recipients.length) {
    throw new Error("today's e-mail quota is used up; the digest is sent with the next run after it resets");
  }
  MailApp.sendEmail({
    to: recipients.join(','),
    subject: message.subject,
    body: message.text,
    name: 'Stripe Ledger',
  });
}

/** Slack answers `ok` with 200; anything else (`invalid_token`, `no_service`, a 4xx) is a failure. */
function postToSlack(url: string | null, message: AlertMessage): void {
  // Checked again here, next to the fetch: only Slack's own webhook host is ever fetched (CONTRACT.md, "Alerts").
  if (!url || !/^https:\/\/hooks\.slack\.com\//.test(url)) throw new Error('no https://hooks.slack.com/ URL');
  const response = UrlFetchApp.fetch(url, {
    method: 'post',
    contentType: 'application/json',
    payload: JSON.stringify({ text: slackText(message.text) }),
    muteHttpExceptions: true,
    followRedirects: false,
  });
  const code = response.getResponseCode();
  if (code !== 200)
    throw new Error(`Slack answered HTTP ${code}: ${response.getContentText().slice(0, 120)}`);
}

/**
 * Slack reads `<…>` in a message as a link or a mention (`<!channel>` pings everyone): text that came from outside
 * is escaped as Slack asks (https://api.slack.com/reference/surfaces/formatting#escaping). Telegram gets plain text
 * (no `parse_mode`), which it shows as is.
 */
function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Telegram's Bot API answers `{"ok": true, …}`; a refusal carries `description` (https://core.telegram.org/bots/api). */
function postToTelegram(telegram: AlertSettings['telegram'], message: AlertMessage): void {
  if (!telegram) throw new Error('no bot token and chat id');
  const response = UrlFetchApp.fetch(`https://api.telegram.org/bot${telegram.botToken}/sendMessage`, {
    method: 'post',
    contentType: 'application/json',
    payload: JSON.stringify({ chat_id: telegram.chatId, text: message.text, disable_web_page_preview: true }),
    muteHttpExceptions: true,
  });
  const code = response.getResponseCode();
  let description = '';
  try {
    const answer = JSON.parse(response.getContentText()) as { ok?: unknown; description?: unknown };
    if (code === 200 && answer.ok === true) return;
    description = typeof answer.description === 'string' ? answer.description : '';
  } catch {
    description = response.getContentText().slice(0, 120);
  }
  throw new Error(`Telegram answered HTTP ${code}${description ? `: ${description}` : ''}`);
}
