// Share reconciled within 24 h of payment: of the paid ledger rows, how many were settled — on their row and with
// every payment exception about them closed — within a day of Stripe's payment time (`Paid At`).
//
// When a row was settled comes from the books: the first `Audit` row that set its `Paid At` (the payment landing
// on the row), and the `Resolved At` of each payment exception on its invoice, whichever is later. A row with a
// payment exception still open or snoozed is not reconciled. A row whose payment the Audit does not show (typed by
// hand, or paid before the add-on) cannot be timed and is left out of both counts.

import { isClosedStatus, PAYMENT_EXCEPTION_REASONS } from './exception-reasons';
import type { AuditLine, ExceptionEntry, LedgerEntry } from './report-records';
import { share } from './statistics';

const DAY_MS = 24 * 60 * 60_000;

export interface ReconciledWithinADay {
  share: number | null;
  within: number;
  /** Paid rows that could be timed. */
  timed: number;
}

export function reconciledWithinADay(
  ledger: readonly LedgerEntry[],
  exceptions: readonly ExceptionEntry[],
  audit: readonly AuditLine[],
): ReconciledWithinADay {
  const landedAt = new Map<string, number>();
  for (const line of audit) {
    if (!line.at || line.field.toLowerCase() !== 'paid at' || !line.target.startsWith('Ledger:')) continue;
    const invoiceId = line.target.slice('Ledger:'.length);
    const at = line.at.getTime();
    landedAt.set(invoiceId, Math.min(landedAt.get(invoiceId) ?? at, at));
  }
  const byInvoice = new Map<string, ExceptionEntry[]>();
  for (const exception of exceptions) {
    if (!PAYMENT_EXCEPTION_REASONS.has(exception.reason)) continue;
    const list = byInvoice.get(exception.invoiceKey) ?? [];
    list.push(exception);
    byInvoice.set(exception.invoiceKey, list);
  }
  let timed = 0;
  let within = 0;
  for (const row of ledger) {
    if (row.amountPaid <= 0 || !row.paidAt) continue;
    const landed = landedAt.get(row.invoiceId);
    if (landed === undefined) continue;
    timed += 1;
    let settledAt: number | null = landed;
    for (const exception of byInvoice.get(row.invoiceId) ?? []) {
      if (!isClosedStatus(exception.status) || !exception.resolvedAt) {
        settledAt = null;
        break;
      }
      settledAt = Math.max(settledAt, exception.resolvedAt.getTime());
    }
    if (settledAt !== null && settledAt - row.paidAt.getTime() <= DAY_MS) within += 1;
  }
  return { share: share(within, timed), within, timed };
}
