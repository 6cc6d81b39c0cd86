// refreshReport() (time trigger and menu): checks the settlement timers, rebuilds the `Reconciliation Report` from
// one read of each sheet, and sends the alerts. Each step is independent: a busy lock or a failing channel is
// reported and the rest still runs.

import { logSignals } from '../core/alerts/log-signals';
import { redact } from '../core/alerts/redact';
import { SHEET } from '../core/contract';
import { reportFigures } from '../core/report/reconciliation-report';
import { type ReportValue, reportLayout } from '../core/report/report-layout';
import { auditLines, exceptionEntries, loggedDeliveries } from '../core/report/report-records';
import { withRows } from '../core/sheet-rows';
import { errorMessage } from '../shared/error-message';
import { CHANNEL_NAME } from './alert-channels';
import { type AlertRun, sendAlerts } from './alerts';
import { ledgerContext } from './context';
import { type ArchiveRun, archiveLog, archiveUntouched } from './log-archive';
import { recordUsage } from './quota';
import { readAlertSettings } from './report-settings';
import { writeReport } from './report-sheet';
import { loggedPayloads, readColumns, readEventLog, readWholeSheet } from './report-sheets';
import { checkSettlementTimers, openedExceptionRows, type SettlementCheck } from './settlement';
import { quotaSignal, spreadsheetCells, syncSignal } from './trouble-signals';
import { Workbook } from './workbook';

export interface ReportRunSummary {
  archive: { moved: number; stopped: string | null; archivedRows: number } | null;
  settlement: { processing: number; opened: string[]; busy: boolean } | null;
  alerts: { outcomes: { channel: string; status: string }[]; escalated: string[]; skipped: boolean } | null;
  elapsedMs: number;
}

/** The Audit columns the report needs: when a payment landed on its row, and the escalations already made. */
const AUDIT_COLUMNS = ['At', 'Action', 'Target', 'Field'];

export function refreshReport(e?: { triggerUid?: string }): ReportRunSummary {
  const started = Date.now();
  const book = new Workbook();
  const triggered = Boolean(e && typeof e === 'object' && 'triggerUid' in e);
  // First, so the report reads the log as it stays. Only in the owner's trigger: the append lock is the owner's.
  const archive = guarded('log archive', () =>
    triggered ? archiveLog(ledgerContext({ book })) : archiveUntouched(),
  );
  const now = new Date();
  const timeZone = book.timeZone;
  const ledger = readWholeSheet(book, SHEET.ledger);
  let exceptions = readWholeSheet(book, SHEET.exceptions);
  const audit = readColumns(book, SHEET.audit, AUDIT_COLUMNS);
  const log = readEventLog(book, now);

  const summary: ReportRunSummary = {
    archive: archive && {
      moved: archive.moved,
      stopped: archive.stopped,
      archivedRows: archive.state.files.reduce((sum, file) => sum + file.rows, 0),
    },
    settlement: null,
    alerts: null,
    elapsedMs: 0,
  };
  const settlement = guarded('settlement timers', () =>
    checkSettlementTimers({
      book,
      ledger,
      exceptions,
      payloadOf: loggedPayloads(book, log.bodies),
      now,
      timeZone,
    }),
  );
  if (settlement) {
    summary.settlement = {
      processing: settlement.processing,
      opened: settlement.result.opened.map((o) => o.exceptionId),
      busy: !settlement.result.applied,
    };
    // What this run opened is part of the books the report describes: added, not read again.
    exceptions = withRows(exceptions, openedExceptionRows(settlement.result));
  }

  const figures = reportFigures({ ledger, exceptions, audit, events: log.table }, now, timeZone);
  const alerts = guarded('alerts', () =>
    sendAlerts({
      book,
      exceptions: exceptionEntries(exceptions),
      audit: auditLines(audit),
      signals: {
        ...logSignals(loggedDeliveries(log.table), now),
        sync: syncSignal(),
        quota: quotaSignal(now),
        spreadsheetCells: spreadsheetCells(book),
      },
      now,
    }),
  );
  if (alerts)
    summary.alerts = { outcomes: alerts.outcomes, escalated: alerts.escalated, skipped: alerts.skipped };

  writeReport(book, reportLayout(figures, [...thisRefresh(settlement, alerts), ...archiveLines(archive)]));
  summary.elapsedMs = Date.now() - started;
  recordUsage({ triggerMs: triggered ? summary.elapsedMs : 0 });
  return summary;
}

/** Menu: refresh, then show the report. */
export function refreshReportFromMenu(): void {
  const summary = refreshReport();
  const spreadsheet = new Workbook().spreadsheet;
  spreadsheet.getSheetByName(SHEET.report)?.activate();
  const opened = summary.settlement?.opened.length ?? 0;
  spreadsheet.toast(
    opened > 0 ? `Report refreshed; ${opened} SETTLEMENT_OVERDUE opened.` : 'Report refreshed.',
    'Stripe Ledger',
  );
}

/** The report's "This refresh" table: what this run checked and how each alert channel fared. */
function thisRefresh(settlement: SettlementCheck | null, alerts: AlertRun | null): [string, ReportValue][] {
  const rows: [string, ReportValue][] = [];
  if (settlement) {
    rows.push(['Payments waiting to settle (processing)', settlement.processing]);
    rows.push([
      'SETTLEMENT_OVERDUE opened',
      settlement.result.applied ? settlement.result.opened.length : 'not checked: the script lock was busy',
    ]);
  } else {
    rows.push(['Settlement timers', 'failed: see the execution log']);
  }
  if (alerts) {
    for (const outcome of alerts.outcomes)
      rows.push([`Alerts: ${CHANNEL_NAME[outcome.channel]}`, outcome.status]);
    if (alerts.skipped) rows.push(['Alerts', 'left to the alert run already in progress']);
    if (alerts.escalated.length > 0) rows.push(['Escalated', alerts.escalated.join(', ')]);
    for (const problem of alerts.problems) rows.push(['Alert settings', problem]);
  } else {
    rows.push(['Alerts', 'failed: see the execution log']);
  }
  return rows;
}

/** Where the log's old rows are: the archive spreadsheets, linked, and what this run moved. */
function archiveLines(archive: ArchiveRun | null): [string, ReportValue][] {
  if (!archive) return [['Log archive', 'failed: see the execution log']];
  const { files } = archive.state;
  if (files.length === 0 && archive.moved === 0 && !archive.stopped) return [];
  const rows = files.reduce((sum, file) => sum + file.rows, 0);
  const lines: [string, ReportValue][] = [
    [
      'Log archive',
      `${rows.toLocaleString('en-US')} older rows of Stripe Events in ${files.length} archive spreadsheet${files.length === 1 ? '' : 's'}; this refresh moved ${archive.moved.toLocaleString('en-US')}${archive.stopped ? ` and stopped: ${archive.stopped}` : ''}.`,
    ],
  ];
  files.forEach((file, i) => {
    lines.push([`Log archive ${i + 1} (${file.rows.toLocaleString('en-US')} rows)`, file.url]);
  });
  return lines;
}

/** Runs one step; an unexpected error is logged (secrets cut out) and the rest of the refresh goes on. */
function guarded<T>(step: string, run: () => T): T | null {
  try {
    return run();
  } catch (error) {
    const message = errorMessage(error);
    console.error(`refreshReport: ${step} failed: ${redact(message, readAlertSettings().secrets)}`);
    return null;
  }
}
