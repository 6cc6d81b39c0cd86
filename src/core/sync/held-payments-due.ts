// Which held payments sync decides in this run: those whose grace window has passed, counted from Stripe's time of
// the event (a thin event's own `created` when its body is thin), so that a payment imported or synced long after it
// moved is decided at once, with everything Stripe said before it already applied.

import type { LoggedDelivery } from '../apply/ports';
import { readThinEvent } from '../thin-event';

export function heldPaymentsDue(held: LoggedDelivery[], nowSeconds: number, graceMinutes: number): number[] {
  const due: number[] = [];
  for (const { row, entry } of held) {
    const created = createdOf(entry.payload);
    if (created === null || nowSeconds - created >= graceMinutes * 60) due.push(row);
  }
  return due;
}

function createdOf(payload: string): number | null {
  try {
    const body = JSON.parse(payload) as { created?: unknown };
    const thin = readThinEvent(body);
    if (thin) return thin.created;
    return typeof body.created === 'number' ? body.created : null;
  } catch {
    return null;
  }
}
