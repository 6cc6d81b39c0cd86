// Settlement timers (CONTRACT.md, "Processing"): bank debits still `processing` past their rail's window open
// SETTLEMENT_OVERDUE, through the one function that changes the books for the periodic checks.

import { exceptionEntries } from '../core/report/report-records';
import { overdueSettlements, raisedKey } from '../core/settlement/overdue-settlements';
import { type LoggedPayload, processingPayments } from '../core/settlement/processing-payments';
import type { SheetCell, SheetTable } from '../core/sheet-rows';
import { readSettlementWindows } from './report-settings';
import { applySystemChanges, type SystemChangesResult } from './system-changes';
import type { Workbook } from './workbook';

export interface SettlementCheck {
  /** Ledger rows waiting in `processing`. */
  processing: number;
  /** Overdue and not raised before. */
  overdue: number;
  result: SystemChangesResult;
}

export function checkSettlementTimers(input: {
  book: Workbook;
  ledger: SheetTable;
  exceptions: SheetTable;
  payloadOf: LoggedPayload;
  now: Date;
  timeZone: string;
}): SettlementCheck {
  const payments = processingPayments(input.ledger, input.payloadOf);
  const alreadyRaised = new Set<string>();
  for (const exception of exceptionEntries(input.exceptions)) {
    if (exception.reason !== 'SETTLEMENT_OVERDUE') continue;
    for (const eventId of exception.eventIds) alreadyRaised.add(raisedKey(exception.invoiceKey, eventId));
  }
  const drafts = overdueSettlements(payments, {
    now: input.now,
    timeZone: input.timeZone,
    windows: readSettlementWindows().windows,
    alreadyRaised,
  });
  return {
    processing: payments.length,
    overdue: drafts.length,
    result: applySystemChanges({ exceptions: drafts }, input.book),
  };
}

/** The rows this check opened, as the Exceptions sheet now holds them: the report and alerts add them to what they
 * read rather than read the sheet again. */
export function openedExceptionRows(result: SystemChangesResult): Record<string, SheetCell>[] {
  return result.opened.map(({ exceptionId, draft, openedAt }) => ({
    'Exception ID': exceptionId,
    'Opened At': openedAt,
    Reason: draft.reason,
    'Stripe Invoice ID': draft.invoiceKey,
    'Event ID': draft.eventId,
    Amount: draft.amount ?? '',
    Currency: draft.currency ?? '',
    Status: 'open',
  }));
}
