// Small adapters from the core's ports to Apps Script services.

import { admitRejected, parseFloodState } from '../core/flood';
import type { RejectionBudget } from '../core/ingest/ports';
import type { HmacSha256Hex } from '../core/ports';
import { BOOKKEEPING } from '../core/settings';

export const systemClock = { now: () => new Date() };

export const hmacSha256Hex: HmacSha256Hex = (key, message) => {
  const bytes = Utilities.computeHmacSha256Signature(message, key, Utilities.Charset.UTF_8);
  // Apps Script returns Java's signed bytes (-128..127).
  return bytes.map((byte) => ((byte + 256) % 256).toString(16).padStart(2, '0')).join('');
};

/**
 * Forged traffic must not slow real traffic, so the flood counter is kept without any lock: two rejected requests at
 * the same moment may count as one. That only bends a limit on junk, never a delivery.
 */
export const rejectionBudget: RejectionBudget = {
  admit(now) {
    const properties = PropertiesService.getScriptProperties();
    const gate = admitRejected(parseFloodState(properties.getProperty(BOOKKEEPING.floodCounter)), now);
    properties.setProperty(BOOKKEEPING.floodCounter, JSON.stringify(gate.next));
    return { store: gate.store, summary: gate.summary };
  },
};
