// Which processing payments have outlived their rail's window: a pure function from rows and a clock to the
// SETTLEMENT_OVERDUE exceptions to open. Opening them is the apply step's business, not this one's.

import { addBusinessDays } from '../calendar/business-days';
import { addDays, calendarDayOf, dayKey, startOfDay } from '../calendar/calendar-day';
import type { ExceptionDraft } from '../ledger-row';
import { formatMoney, majorToMinor } from '../money';
import type { ProcessingPayment } from './processing-payments';
import { type SettlementWindows, windowFor } from './windows';

/**
 * The instant a payment that started processing at `startedAt` becomes overdue: the start of the day after the
 * `businessDays`-th business day following the day it started, in the spreadsheet's time zone. A debit started on a
 * Monday with 4 days is due by the end of Friday and overdue from Saturday 00:00; the day it started never counts,
 * so a start late on a Friday night is not penalised.
 */
export function settlementDeadline(startedAt: Date, businessDays: number, timeZone: string): Date {
  const lastDay = addBusinessDays(calendarDayOf(startedAt, timeZone), businessDays);
  return startOfDay(addDays(lastDay, 1), timeZone);
}

export interface OverdueCheck {
  now: Date;
  timeZone: string;
  windows: SettlementWindows;
  /**
   * `invoice|eventId` of SETTLEMENT_OVERDUE exceptions already opened, whatever their status: a reviewer who
   * dismissed one for this debit is not asked again; a new processing attempt (a new event) starts a new clock.
   */
  alreadyRaised: ReadonlySet<string>;
}

export function raisedKey(invoiceId: string, eventId: string): string {
  return `${invoiceId}|${eventId}`;
}

/** One draft per overdue invoice; none for cards; none already raised for the same processing event. */
export function overdueSettlements(payments: ProcessingPayment[], check: OverdueCheck): ExceptionDraft[] {
  const drafts = new Map<string, ExceptionDraft>();
  for (const payment of payments) {
    if (drafts.has(payment.invoiceId)) continue;
    if (check.alreadyRaised.has(raisedKey(payment.invoiceId, payment.eventId))) continue;
    const days = windowFor(check.windows, payment.rail);
    if (days === null) continue;
    const deadline = settlementDeadline(payment.startedAt, days, check.timeZone);
    if (check.now.getTime() < deadline.getTime()) continue;
    drafts.set(payment.invoiceId, {
      reason: 'SETTLEMENT_OVERDUE',
      invoiceKey: payment.invoiceId,
      // One per processing attempt: a dismissed one is not raised again, a new debit starts its own clock.
      cause: `processing:${payment.eventId}`,
      eventId: payment.eventId,
      amount: payment.amount,
      currency: payment.currency,
      note: overdueNote(payment, days, deadline, check.timeZone),
    });
  }
  return [...drafts.values()];
}

function overdueNote(payment: ProcessingPayment, days: number, deadline: Date, timeZone: string): string {
  const what = payment.rail ? `${payment.rail} payment` : 'bank payment';
  const id = payment.paymentId ? ` ${payment.paymentId}` : '';
  const money =
    payment.amount !== null && payment.currency
      ? ` of ${formatMoney({ minor: majorToMinor(payment.amount, payment.currency), currency: payment.currency })}`
      : '';
  const started = dayKey(calendarDayOf(payment.startedAt, timeZone));
  const lastDay = dayKey(addDays(calendarDayOf(deadline, timeZone), -1));
  return `The ${what}${id}${money} on ${payment.invoiceId} has been processing since ${started}, past its ${days}-business-day window (ended ${lastDay}, ${timeZone}): check it in Stripe; the bank may have returned it.`;
}
