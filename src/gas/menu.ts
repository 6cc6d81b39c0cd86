// The "Stripe Ledger" menu. Only items whose functions exist in this build are listed.

import { offerFirstLedger } from './first-ledger';
import { MENU_TITLE } from './menu-title';
import { setupLedger } from './setup';

export { MENU_TITLE } from './menu-title';

export function onOpen(_e?: unknown): void {
  SpreadsheetApp.getUi()
    .createMenu(MENU_TITLE)
    .addItem('Review exceptions', 'openReviewSidebar')
    .addSeparator()
    .addItem('Set up ledger', 'setupLedgerFromMenu')
    .addSeparator()
    .addItem('Sync with Stripe now', 'syncStripeFromMenu')
    .addItem('Import history older than 30 days', 'importHistoryFromMenu')
    .addItem('Check for drift', 'checkDriftFromMenu')
    .addItem('Verify ledger from log', 'verifyLedgerFromLog')
    .addItem('Sync status', 'showSyncStatus')
    .addItem('Refresh report', 'refreshReportFromMenu')
    .addItem('Install triggers', 'installTriggersFromMenu')
    .addItem('Remove triggers', 'removeTriggersFromMenu')
    .addToUi();
}

export function onInstall(e?: unknown): void {
  onOpen(e);
}

/** Menu wrapper: runs setup and says what it did. */
export function setupLedgerFromMenu(): void {
  const report = setupLedger();
  const created = report.createdSheets.length ? `Created sheets: ${report.createdSheets.join(', ')}.` : '';
  const added = report.addedColumns.length ? ` Added columns: ${report.addedColumns.join('; ')}.` : '';
  const reviewers = report.reviewers.length
    ? ` Reviewers who may act in the sidebar: ${report.reviewers.join(', ')}.`
    : '';
  const notEditors = report.reviewersNotEditors.length
    ? ` Listed in REVIEWERS but not editors of this spreadsheet (share it with them, then run this again): ${report.reviewersNotEditors.join(', ')}.`
    : '';
  const ui = SpreadsheetApp.getUi();
  ui.alert(
    MENU_TITLE,
    `${created + added || 'The ledger is already set up.'} Amount and date formats, status colours and ` +
      `drop-downs are set; colour rules of your own are kept.${reviewers}${notEditors}`,
    ui.ButtonSet.OK,
  );
  // A Ledger with no invoice in it: say what it must hold, or start it from Stripe.
  const firstRun = offerFirstLedger();
  if (firstRun) ui.alert(MENU_TITLE, firstRun, ui.ButtonSet.OK);
}
