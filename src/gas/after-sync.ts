// What syncStripe() does after syncing (CONTRACT.md: "refreshReport() (and syncStripe()) open SETTLEMENT_OVERDUE";
// the periodic runs send alerts): the settlement timers and the alerts for new exceptions and system trouble.
// Escalations are left to refreshReport(), which reads the Audit anyway. Kept out of the sync itself so the lead can
// wire it where the rebuilt sync wants it; it never fails the sync.

import { redact } from '../core/alerts/redact';
import { SHEET } from '../core/contract';
import { exceptionEntries } from '../core/report/report-records';
import { withRows } from '../core/sheet-rows';
import { errorMessage } from '../shared/error-message';
import { sendAlerts } from './alerts';
import { readAlertSettings } from './report-settings';
import { loggedPayloads, readWholeSheet } from './report-sheets';
import { checkSettlementTimers, openedExceptionRows } from './settlement';
import { quotaSignal, syncSignal } from './trouble-signals';
import { Workbook } from './workbook';

export function checkAfterSync(): void {
  try {
    const now = new Date();
    const book = new Workbook();
    const ledger = readWholeSheet(book, SHEET.ledger);
    let exceptions = readWholeSheet(book, SHEET.exceptions);
    const settlement = checkSettlementTimers({
      book,
      ledger,
      exceptions,
      // No log read here: the few processing rows find their event by id.
      payloadOf: loggedPayloads(book, new Map()),
      now,
      timeZone: book.timeZone,
    });
    exceptions = withRows(exceptions, openedExceptionRows(settlement.result));
    sendAlerts({
      book,
      exceptions: exceptionEntries(exceptions),
      signals: { sync: syncSignal(), quota: quotaSignal(now) },
      now,
    });
  } catch (error) {
    const message = errorMessage(error);
    console.error(
      `syncStripe: settlement timers and alerts failed: ${redact(message, readAlertSettings().secrets)}`,
    );
  }
}
