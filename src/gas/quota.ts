// The day's use of the quotas the owner pays for in failures when exceeded: URL fetches and trigger run time.

import { BOOKKEEPING } from '../core/settings';
import { addUsage, type QuotaDay, quotaDay } from '../core/sync/quota';

export const QUOTA_PROPERTY = BOOKKEEPING.quotaToday;

export function readUsage(now: Date = new Date()): QuotaDay {
  return quotaDay(PropertiesService.getScriptProperties().getProperty(QUOTA_PROPERTY), now);
}

export function recordUsage(
  usage: { urlFetches?: number; triggerMs?: number; runs?: number },
  now = new Date(),
): QuotaDay {
  const properties = PropertiesService.getScriptProperties();
  const next = addUsage(quotaDay(properties.getProperty(QUOTA_PROPERTY), now), usage);
  properties.setProperty(QUOTA_PROPERTY, JSON.stringify(next));
  return next;
}
