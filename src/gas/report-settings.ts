// The script properties of the report, the settlement timers and the alerts, in one place. Owner settings first,
// then the add-on's own bookkeeping (leave those). To be folded into the typed settings module.

import { type AlertSettings, parseAlertSettings } from '../core/alerts/alert-settings';
import { BOOKKEEPING, SETTING } from '../core/settings';
import { parseSettlementWindows, type SettlementWindows } from '../core/settlement/windows';

/** The names, from the one settings module (src/core/settings.ts). */
export const REPORT_PROPERTY = {
  alertEmails: SETTING.alertEmails,
  alertMinAmount: SETTING.alertMinAmount,
  slackWebhookUrl: SETTING.slackWebhookUrl,
  telegramBotToken: SETTING.telegramBotToken,
  telegramChatId: SETTING.telegramChatId,
  escalateAfterDays: SETTING.escalateAfterDays,
  escalateAfterDaysByReason: SETTING.escalateAfterDaysByReason,
  settlementWindowDays: SETTING.settlementWindowDays,
  reportIntervalMinutes: SETTING.reportIntervalMinutes,
  alertMemory: BOOKKEEPING.alertMemory,
  alertRunClaim: BOOKKEEPING.alertRunClaim,
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
  const stripeSecrets = [read(SETTING.apiKey), ...(read(SETTING.webhookSecrets) ?? '').split(',')]
    .map((value) => (value ?? '').trim())
    .filter(Boolean);
  return { ...settings, secrets: [...settings.secrets, ...stripeSecrets] };
}

export function readSettlementWindows(): { windows: SettlementWindows; ignored: string[] } {
  return parseSettlementWindows(read(REPORT_PROPERTY.settlementWindowDays));
}
