// Small adapters from the core's ports to Apps Script services.

import { PROPERTY } from '../core/contract';
import { admitRejected, parseFloodState } from '../core/flood';
import type { Clock, HmacSha256Hex, RejectionBudget, ScriptLock, WebhookSecrets } from '../core/ports';

const FLOOD_PROPERTY = 'REJECTED_FLOOD_COUNTER';

export const systemClock: Clock = { now: () => new Date() };

export const hmacSha256Hex: HmacSha256Hex = (key, message) => {
  const bytes = Utilities.computeHmacSha256Signature(message, key, Utilities.Charset.UTF_8);
  // Apps Script returns Java's signed bytes (-128..127).
  return bytes.map((byte) => ((byte + 256) % 256).toString(16).padStart(2, '0')).join('');
};

export function scriptLock(): ScriptLock {
  const lock = LockService.getScriptLock();
  return {
    tryLock: (timeoutMs) => lock.tryLock(timeoutMs),
    release: () => lock.releaseLock(),
  };
}

export const propertySecrets: WebhookSecrets = {
  list: () =>
    (PropertiesService.getScriptProperties().getProperty(PROPERTY.webhookSecrets) ?? '')
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean),
};

export const rejectionBudget: RejectionBudget = {
  admit(now) {
    const properties = PropertiesService.getScriptProperties();
    const gate = admitRejected(parseFloodState(properties.getProperty(FLOOD_PROPERTY)), now);
    properties.setProperty(FLOOD_PROPERTY, JSON.stringify(gate.next));
    return { store: gate.store, summary: gate.summary };
  },
};
