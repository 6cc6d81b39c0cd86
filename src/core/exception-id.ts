// Exception ids a person can read out on the phone: date, reason, and a short hash of the cause.

import type { ExceptionDraft } from './ledger-row';

export function exceptionId(draft: ExceptionDraft, openedAt: Date): string {
  const day = openedAt.toISOString().slice(0, 10).replace(/-/g, '');
  const hash = fnv1a(`${draft.reason}|${draft.invoiceKey}|${draft.eventId}|${openedAt.getTime()}`);
  return `EX-${day}-${hash.toString(36).toUpperCase().padStart(7, '0').slice(-7)}`;
}

/** The value of the hidden `Open Key` column while an exception is open: one per reason and invoice. */
export function openKey(reason: ExceptionDraft['reason'], invoiceKey: string): string {
  return `${reason}:${invoiceKey}`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
