// The time triggers: one per job, at the interval the owner set in the script properties. Running install again
// changes nothing unless the interval changed; duplicates left by hand are removed.

import { BOOKKEEPING, DEFAULTS, SETTING } from '../core/settings';
import { intervalMinutes, type TriggerInterval, triggerInterval } from '../core/sync/trigger-interval';

export interface TriggerJob {
  handler: string;
  /** Script property holding the interval in minutes. */
  property: string;
  defaultMinutes: number;
}

export const TRIGGER_JOBS: readonly TriggerJob[] = [
  {
    handler: 'syncStripe',
    property: SETTING.syncIntervalMinutes,
    defaultMinutes: DEFAULTS.syncIntervalMinutes,
  },
  {
    handler: 'refreshReport',
    property: SETTING.reportIntervalMinutes,
    defaultMinutes: DEFAULTS.reportIntervalMinutes,
  },
];

/** What was installed, by handler: Apps Script cannot tell a trigger's interval, so it is remembered here. */
export const INSTALLED_PROPERTY = BOOKKEEPING.triggers;

interface Installed {
  [handler: string]: { id: string; minutes: number };
}

export interface TriggerReport {
  installed: string[];
  kept: string[];
  removed: number;
  /** Jobs whose function is not in this build: no trigger, since it would fail every time. */
  skipped: string[];
}

export function installTriggers(): TriggerReport {
  const properties = PropertiesService.getScriptProperties();
  const remembered = readInstalled(properties.getProperty(INSTALLED_PROPERTY));
  const report: TriggerReport = { installed: [], kept: [], removed: 0, skipped: [] };
  const triggers = ScriptApp.getProjectTriggers();
  const next: Installed = {};
  for (const job of TRIGGER_JOBS) {
    const mine = triggers.filter((trigger) => trigger.getHandlerFunction() === job.handler);
    if (!handlerExists(job.handler)) {
      report.skipped.push(job.handler);
      continue;
    }
    const interval = triggerInterval(Number(properties.getProperty(job.property) ?? job.defaultMinutes));
    const minutes = intervalMinutes(interval);
    const known = remembered[job.handler];
    const keep = mine.length === 1 && known?.id === mine[0]?.getUniqueId() && known?.minutes === minutes;
    if (keep && known) {
      next[job.handler] = known;
      report.kept.push(job.handler);
      continue;
    }
    for (const trigger of mine) ScriptApp.deleteTrigger(trigger);
    report.removed += mine.length;
    const created = schedule(ScriptApp.newTrigger(job.handler).timeBased(), interval).create();
    next[job.handler] = { id: created.getUniqueId(), minutes };
    report.installed.push(`${job.handler} every ${describe(interval)}`);
  }
  properties.setProperty(INSTALLED_PROPERTY, JSON.stringify(next));
  return report;
}

export function removeTriggers(): number {
  const handlers = new Set(TRIGGER_JOBS.map((job) => job.handler));
  let removed = 0;
  for (const trigger of ScriptApp.getProjectTriggers()) {
    if (!handlers.has(trigger.getHandlerFunction())) continue;
    ScriptApp.deleteTrigger(trigger);
    removed += 1;
  }
  PropertiesService.getScriptProperties().deleteProperty(INSTALLED_PROPERTY);
  return removed;
}

/** Installed triggers of our jobs, for the status dialog. */
export function installedTriggers(): { handler: string; every: string }[] {
  const remembered = readInstalled(PropertiesService.getScriptProperties().getProperty(INSTALLED_PROPERTY));
  const handlers = new Set(TRIGGER_JOBS.map((job) => job.handler));
  return ScriptApp.getProjectTriggers()
    .filter((trigger) => handlers.has(trigger.getHandlerFunction()))
    .map((trigger) => {
      const minutes = remembered[trigger.getHandlerFunction()]?.minutes;
      return {
        handler: trigger.getHandlerFunction(),
        every: minutes ? describe(triggerInterval(minutes)) : 'unknown interval',
      };
    });
}

function schedule(
  builder: GoogleAppsScript.Script.ClockTriggerBuilder,
  interval: TriggerInterval,
): GoogleAppsScript.Script.ClockTriggerBuilder {
  return 'everyMinutes' in interval
    ? builder.everyMinutes(interval.everyMinutes)
    : builder.everyHours(interval.everyHours);
}

function describe(interval: TriggerInterval): string {
  if ('everyMinutes' in interval)
    return interval.everyMinutes === 1 ? 'minute' : `${interval.everyMinutes} minutes`;
  return interval.everyHours === 1 ? 'hour' : `${interval.everyHours} hours`;
}

/** Apps Script finds a trigger's handler among the script's top-level functions. */
function handlerExists(handler: string): boolean {
  return typeof (globalThis as Record<string, unknown>)[handler] === 'function';
}

function readInstalled(raw: string | null): Installed {
  try {
    const value = raw ? (JSON.parse(raw) as unknown) : null;
    return value && typeof value === 'object' ? (value as Installed) : {};
  } catch {
    return {};
  }
}
