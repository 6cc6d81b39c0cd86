// Stripe Ledger → Review exceptions: the sidebar (dist/Sidebar.html, one file with its script and style inlined).
// Served from the file, not as a template, so nothing in the bundled script is read as a scriptlet.

export const SIDEBAR_TITLE = 'Review exceptions';

export function openReviewSidebar(): void {
  const page = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(SIDEBAR_TITLE);
  SpreadsheetApp.getUi().showSidebar(page);
}
