// The first run: a Ledger with no invoice in it is offered a start from Stripe's open invoices and those of the last
// 90 days. The rows are written like set-up writes headers; the invoices' states then reach the rows through the apply
// step, as an import of those invoices would.

import { applyChanges } from '../core/apply/apply-step';
import type { Delivery } from '../core/apply/changes';
import { SHEET } from '../core/contract';
import { withLock } from '../core/ingest/lock-scope';
import { FIRST_LEDGER_COLUMNS, firstLedgerRows } from '../core/ledger-from-stripe';
import { listPageOf, paginate } from '../core/sync/paginate';
import { PAGE_SIZE, type Query } from '../core/sync/query';
import { invoiceSnapshotEvent } from '../core/sync/snapshots';
import { ledgerContext } from './context';
import { SheetLayout } from './layout';
import { MENU_TITLE } from './menu-title';
import { asCellValue } from './sheet-text';
import type { StripeClient } from './stripe-client';

const RECENT_DAYS = 90;
/** Set-up writes rows under the script lock, like any writer; a webhook meanwhile is recorded as queued. */
const LOCK_WAIT_MS = 30_000;

/**
 * After set-up: when the Ledger lists no invoice, say what it must hold, and with a key offer to start it from Stripe.
 * Returns what to tell the user, or null when the Ledger is in use.
 */
export function offerFirstLedger(): string | null {
  const context = ledgerContext();
  if (context.ledger.readAll().length > 0) return null;
  const client = context.stripe();
  const ui = SpreadsheetApp.getUi();
  if (!client) {
    return (
      'The Ledger lists no invoice yet: add one row per invoice you expect to be paid, with its id (in_…) under ' +
      '"Stripe Invoice ID". Or set STRIPE_API_KEY and run Set up ledger again to start it from Stripe.'
    );
  }
  const answer = ui.alert(
    MENU_TITLE,
    `The Ledger lists no invoice yet. Start it from Stripe's open invoices and those of the last ${RECENT_DAYS} days, ` +
      'with the customer’s name and e-mail? Your own columns can be added beside them afterwards.',
    ui.ButtonSet.YES_NO,
  );
  if (answer !== ui.Button.YES)
    return 'The Ledger was left empty: add a row per invoice you expect to be paid.';
  SpreadsheetApp.getActiveSpreadsheet()?.toast('Reading invoices from Stripe…', MENU_TITLE, -1);
  return startLedgerFromStripe(client, context);
}

export function startLedgerFromStripe(client: StripeClient, context = ledgerContext()): string {
  const since = Math.floor(Date.now() / 1000) - RECENT_DAYS * 24 * 60 * 60;
  const invoices: Record<string, unknown>[] = [];
  const list = (filter: [string, string]) =>
    paginate(
      (after) => {
        const query: Query = [['limit', String(PAGE_SIZE)], filter];
        if (after) query.push(['starting_after', after]);
        return listPageOf(client.get('/v1/invoices', query));
      },
      (page) => {
        invoices.push(...page.data);
        return true;
      },
    );
  list(['status', 'open']);
  list(['created[gte]', String(since)]);
  const rows = firstLedgerRows(invoices);
  if (rows.length === 0)
    return `Stripe has no open invoice and none from the last ${RECENT_DAYS} days: nothing to start the Ledger with.`;

  const events: Delivery[] = [];
  const receivedAt = context.clock.now();
  for (const invoice of invoices) {
    const event = invoiceSnapshotEvent(invoice, client.apiVersion);
    if (event)
      events.push({
        payload: JSON.stringify(event),
        receivedAt,
        source: 'sync',
        verification: 'api',
        logRow: null,
      });
  }
  const outcome = withLock(context.lockedWork(), LOCK_WAIT_MS, (books) => {
    writeRows(rows);
    return applyChanges(books, events);
  });
  if (!outcome.held)
    return 'Another execution held the ledger for too long: run Set up ledger again in a minute.';
  const applied = outcome.value.deliveries.filter((d) => d.result === 'processed').length;
  return `Started the Ledger with ${rows.length} invoice(s) from Stripe; ${applied} brought their status and amounts.`;
}

/** Rows below the header, each first-ledger column found by its header (and added when missing). */
function writeRows(rows: ReturnType<typeof firstLedgerRows>): void {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  const sheet = spreadsheet.getSheetByName(SHEET.ledger) ?? spreadsheet.insertSheet(SHEET.ledger);
  let layout = SheetLayout.fromRow(
    SHEET.ledger,
    sheet.getRange(1, 1, 1, Math.max(sheet.getMaxColumns(), 1)).getValues()[0] ?? [],
  );
  const missing = FIRST_LEDGER_COLUMNS.filter((name) => !layout.column(name));
  if (missing.length > 0) {
    const first = layout.width + 1;
    if (sheet.getMaxColumns() < first + missing.length - 1) {
      sheet.insertColumnsAfter(sheet.getMaxColumns(), first + missing.length - 1 - sheet.getMaxColumns());
    }
    sheet.getRange(1, first, 1, missing.length).setValues([missing]);
    layout = new SheetLayout(SHEET.ledger, [...layout.header, ...missing]);
  }
  const values = rows.map((row) =>
    layout.rowOf(Object.fromEntries(Object.entries(row).map(([name, value]) => [name, asCellValue(value)]))),
  );
  const start = Math.max(sheet.getLastRow(), 1) + 1;
  if (sheet.getMaxRows() < start + values.length - 1) {
    sheet.insertRowsAfter(sheet.getMaxRows(), start + values.length - 1 - sheet.getMaxRows());
  }
  sheet.getRange(start, 1, values.length, layout.width).setValues(values);
}
