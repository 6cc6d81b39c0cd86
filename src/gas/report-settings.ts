// The script properties of the report, the settlement timers and the alerts, in one place. Owner settings first,
// then the add-on's own bookkeeping (leave those). To be folded into the typed settings module.

import { type AlertSettings, parseAlertSettings } from '../core/alerts/alert-settings';
import { PROPERTY } from '../core/contract';
import { parseSettlementWindows, type SettlementWindows } from '../core/settlement/windows';

export const REPORT_PROPERTY = {
  /** Comma-separated recipients of the e-mail digest (CONTRACT.md). */
  alertEmails: 'ALERT_EMAILS',
  /** Exceptions below this amount, in major units, stay out of Slack and Telegram (CONTRACT.md). */
  alertMinAmount: 'ALERT_MIN_AMOUNT',
  /** A Slack incoming-webhook URL, `https://hooks.slack.com/…` only (CONTRACT.md). */
  slackWebhookUrl: 'SLACK_WEBHOOK_URL',
  /** A Telegram bot's token and the chat it writes to (CONTRACT.md). */
  telegramBotToken: 'TELEGRAM_BOT_TOKEN',
  telegramChatId: 'TELEGRAM_CHAT_ID',
  /** Days an exception stays open before it is escalated (default 3, at most 14). */
  escalateAfterDays: 'ALERT_ESCALATE_AFTER_DAYS',
  /** Per reason, e.g. `DISPUTED=1, UNDERPAID=5` (default `DISPUTED=1`). */
  escalateAfterDaysByReason: 'ALERT_ESCALATE_AFTER_DAYS_BY_REASON',
  /** Business days per payment rail before SETTLEMENT_OVERDUE, e.g. `us_bank_account=4, sepa_debit=14, other=4`. */
  settlementWindowDays: 'SETTLEMENT_WINDOW_DAYS',
  /** Minutes between report refreshes (default 60); read by installTriggers (src/gas/triggers.ts). */
  reportIntervalMinutes: 'REPORT_INTERVAL_MINUTES',
  /** Bookkeeping: what each alert channel has been told. */
  alertMemory: 'STRIPE_LEDGER_ALERT_MEMORY',
  /** Bookkeeping: the alert run in progress, so two runs never send the same news twice. */
  alertRunClaim: 'STRIPE_LEDGER_ALERT_RUN',
} as const;

function read(name: string): string | null {
  return PropertiesService.getScriptProperties().getProperty(name);
}

export function readAlertSettings(): AlertSettings {
  const settings = parseAlertSettings({
    emails: read(REPORT_PROPERTY.alertEmails),
    minAmount: read(REPORT_PROPERTY.alertMinAmount),
    slackWebhookUrl: read(REPORT_PROPERTY.slackWebhookUrl),
    telegramBotToken: read(REPORT_PROPERTY.telegramBotToken),
    telegramChatId: read(REPORT_PROPERTY.telegramChatId),
    escalateAfterDays: read(REPORT_PROPERTY.escalateAfterDays),
    escalateAfterDaysByReason: read(REPORT_PROPERTY.escalateAfterDaysByReason),
  });
  // A sync error carried into an alert could quote Stripe's key or a signing secret: cut those out too.
  const stripeSecrets = [read(PROPERTY.apiKey), ...(read(PROPERTY.webhookSecrets) ?? '').split(',')]
    .map((value) => (value ?? '').trim())
    .filter(Boolean);
  return { ...settings, secrets: [...settings.secrets, ...stripeSecrets] };
}

export function readSettlementWindows(): { windows: SettlementWindows; ignored: string[] } {
  return parseSettlementWindows(read(REPORT_PROPERTY.settlementWindowDays));
}
