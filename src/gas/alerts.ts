// One alert run: decide what is news for each configured channel, send at most one message per channel, remember
// what each channel was told, and record escalations in the books. A failing channel is named in a log line (and in
// the report) and does not stop the others; it is told the same news again next run.

import { alertMessage } from '../core/alerts/alert-message';
import { type AlertChannel, isNews, newsFor, parseAlertMemory } from '../core/alerts/alert-news';
import { dueEscalations, type Escalation, escalatedExceptionIds } from '../core/alerts/escalation';
import { redact } from '../core/alerts/redact';
import { systemTrouble, type TroubleSignals } from '../core/alerts/system-trouble';
import type { AuditLine, ExceptionEntry } from '../core/report/report-records';
import { errorMessage } from '../shared/error-message';
import { CHANNEL_NAME, configuredChannels, deliver } from './alert-channels';
import { scriptLock } from './locks';
import { REPORT_PROPERTY, readAlertSettings } from './report-settings';
import { applySystemChanges } from './system-changes';
import type { Workbook } from './workbook';

/** An alert run that has not finished after this long was stopped (Apps Script's 6-minute limit): its claim lapses. */
const CLAIM_LAPSES_MS = 6 * 60_000;

export interface ChannelOutcome {
  channel: AlertChannel;
  /** `sent`, `failed: …`, `nothing new`, `not configured`: shown in the report, never holding a secret. */
  status: string;
}

export interface AlertRun {
  outcomes: ChannelOutcome[];
  escalated: string[];
  /** Settings problems, by property name. */
  problems: string[];
  /** True when another run was sending alerts: this one sent nothing. */
  skipped: boolean;
}

export interface AlertInput {
  book: Workbook;
  exceptions: readonly ExceptionEntry[];
  /** The Audit's escalation rows; absent when this run does not escalate (the sync's check leaves it to the report). */
  audit?: readonly AuditLine[];
  signals: TroubleSignals;
  now: Date;
}

export function sendAlerts(input: AlertInput): AlertRun {
  const settings = readAlertSettings();
  const channels = configuredChannels(settings);
  const run: AlertRun = {
    outcomes: (['email', 'slack', 'telegram'] as const)
      .filter((channel) => !channels.includes(channel))
      .map((channel) => ({ channel, status: 'not configured' })),
    escalated: [],
    problems: settings.problems,
    skipped: false,
  };
  for (const problem of settings.problems) console.warn(`Alerts: ${problem}`);
  if (channels.length === 0) return run;
  if (!claimRun(input.now)) {
    run.skipped = true;
    return run;
  }
  try {
    const properties = PropertiesService.getScriptProperties();
    const memory = parseAlertMemory(properties.getProperty(REPORT_PROPERTY.alertMemory));
    const { trouble, checked } = systemTrouble(input.signals, input.now);
    const escalations = input.audit
      ? dueEscalations(input.exceptions, input.now, settings.escalation, escalatedExceptionIds(input.audit))
      : [];
    const told = new Map<string, { escalation: Escalation; channels: string[] }>();
    const sheetName = input.book.spreadsheet.getName();
    for (const channel of channels) {
      const { news, next } = newsFor(channel, memory.channels[channel], {
        exceptions: input.exceptions,
        trouble,
        troubleChecked: checked,
        escalations,
        minAmount: settings.minAmount,
      });
      if (!isNews(news)) {
        memory.channels[channel] = next;
        run.outcomes.push({ channel, status: 'nothing new' });
        continue;
      }
      const message = alertMessage(news, sheetName);
      // Nothing secret is put into a message; this is the guard should a sync error ever quote one.
      const safe = {
        subject: redact(message.subject, settings.secrets),
        text: redact(message.text, settings.secrets),
      };
      try {
        deliver(channel, settings, safe);
        memory.channels[channel] = next;
        run.outcomes.push({ channel, status: 'sent' });
        for (const escalation of news.escalations) {
          const id = escalation.exception.exceptionId;
          const entry = told.get(id) ?? { escalation, channels: [] };
          entry.channels.push(CHANNEL_NAME[channel]);
          told.set(id, entry);
        }
      } catch (error) {
        const detail = redact(errorMessage(error), settings.secrets);
        run.outcomes.push({ channel, status: `failed: ${detail}` });
        console.warn(`Alerts: ${CHANNEL_NAME[channel]} failed: ${detail}`);
      }
    }
    properties.setProperty(REPORT_PROPERTY.alertMemory, JSON.stringify(memory));
    if (told.size > 0) {
      const escalated = [...told.values()].map(({ escalation, channels: names }) => ({
        exceptionId: escalation.exception.exceptionId,
        note: `open ${escalation.daysOpen} days (escalates after ${escalation.ageDays}); told ${names.join(', ')}`,
      }));
      const recorded = applySystemChanges({ escalations: escalated }, input.book);
      if (recorded.applied) run.escalated = escalated.map((e) => e.exceptionId);
      else
        console.warn(
          'Alerts: escalations sent but not recorded (the script lock was busy); they may repeat once.',
        );
    }
    console.log(`Alerts: ${run.outcomes.map((o) => `${CHANNEL_NAME[o.channel]} ${o.status}`).join('; ')}`);
    return run;
  } finally {
    releaseRun();
  }
}

/** Under the script lock for a moment only: two alert runs at once would each send the same news. */
function claimRun(now: Date): boolean {
  const lock = scriptLock();
  if (!lock.tryLock(10_000)) return false;
  try {
    const properties = PropertiesService.getScriptProperties();
    const claimed = Number(properties.getProperty(REPORT_PROPERTY.alertRunClaim) ?? 0);
    if (claimed && now.getTime() - claimed < CLAIM_LAPSES_MS) return false;
    properties.setProperty(REPORT_PROPERTY.alertRunClaim, String(now.getTime()));
    return true;
  } finally {
    lock.release();
  }
}

function releaseRun(): void {
  PropertiesService.getScriptProperties().deleteProperty(REPORT_PROPERTY.alertRunClaim);
}
