// Every figure of the `Reconciliation Report`, computed from one read of each sheet.

import { hasColumn, type SheetTable } from '../sheet-rows';
import { type BillingErrors, billingErrors } from './billing-errors';
import { collections, type MonthCollections } from './collections';
import { type EventFlow, eventFlow } from './event-flow';
import { type OpenExceptions, openExceptions } from './open-exceptions';
import { type ReconciledWithinADay, reconciledWithinADay } from './reconciled-within-a-day';
import { auditLines, exceptionEntries, ledgerEntries, loggedDeliveries } from './report-records';
import { type StraightThrough, straightThrough } from './straight-through';
import { type TimeToResolve, timeToResolve } from './time-to-resolve';

export interface ReportSheets {
  ledger: SheetTable;
  exceptions: SheetTable;
  audit: SheetTable;
  /** `Stripe Events`; `Payload` filled only for the rows whose bodies were read. */
  events: SheetTable;
}

export interface ReportFigures {
  generatedAt: Date;
  timeZone: string;
  straightThrough: StraightThrough;
  reconciledWithinADay: ReconciledWithinADay;
  exceptions: OpenExceptions;
  timeToResolve: TimeToResolve;
  events: EventFlow;
  collections: MonthCollections[];
  billingErrors: BillingErrors;
}

export function reportFigures(sheets: ReportSheets, now: Date, timeZone: string): ReportFigures {
  const ledger = ledgerEntries(sheets.ledger);
  const exceptions = exceptionEntries(sheets.exceptions);
  const log = loggedDeliveries(sheets.events);
  return {
    generatedAt: now,
    timeZone,
    straightThrough: straightThrough(ledger, exceptions, log),
    reconciledWithinADay: reconciledWithinADay(ledger, exceptions, auditLines(sheets.audit)),
    exceptions: openExceptions(exceptions, now),
    timeToResolve: timeToResolve(exceptions),
    events: eventFlow(log),
    // Set up ledgers have the columns from the start: they are shown once some row has a fee (a key reads them).
    collections: collections(ledger, timeZone, {
      fees: hasColumn(sheets.ledger, 'Stripe Fee') && ledger.some((row) => row.stripeFee !== null),
      net: hasColumn(sheets.ledger, 'Net Amount') && ledger.some((row) => row.netAmount !== null),
    }),
    billingErrors: billingErrors(exceptions),
  };
}
