// Drift: the ledger's Payment Status against Stripe's invoice as it is now.

import type { InvoiceFact } from '../facts';
import type { ExceptionDraft, LedgerRowView } from '../ledger-row';
import { emptyState, mergeFact } from '../merge';
import { majorToMinor } from '../money';
import { normaliseEvent } from '../normalise';
import { deriveRow } from '../status';
import { invoiceSnapshotEvent } from './snapshots';

type Json = Record<string, unknown>;

export interface DriftInput {
  row: LedgerRowView;
  /** Stripe's current invoice object. */
  invoice: Json;
  apiVersion: string;
}

/**
 * What the row should say once Stripe's current invoice is added to its evidence; a DRIFT draft when it says
 * something else (a hand edit, or an event the ledger never saw). A row never written and still open is no drift.
 */
export function driftDraft({ row, invoice, apiVersion }: DriftInput): ExceptionDraft | null {
  const event = invoiceSnapshotEvent(invoice, apiVersion);
  const normalised = event ? normaliseEvent(event) : null;
  if (normalised?.kind !== 'fact' || normalised.fact.kind !== 'invoice') return null;
  const fact: InvoiceFact = normalised.fact;
  const currency = row.currency ?? fact.amountDue.currency;
  if (currency !== fact.amountDue.currency) return null;
  const expectedMinor = row.expectedAmount === null ? null : majorToMinor(row.expectedAmount, currency);
  const merged = mergeFact(row.state ?? emptyState(row.invoiceId), { ...fact, invoiceId: row.invoiceId });
  const stripeStatus = deriveRow(merged, expectedMinor).status;
  const cell = row.cells['Payment Status'];
  const ledgerStatus = typeof cell === 'string' ? cell.trim() : String(cell);
  if (ledgerStatus === stripeStatus) return null;
  if (ledgerStatus === '' && stripeStatus === 'open') return null;
  return {
    reason: 'DRIFT',
    invoiceKey: row.invoiceId,
    cause: `drift:${ledgerStatus || 'blank'}>${stripeStatus}`,
    eventId: row.state?.last?.eventId ?? '',
    amount: null,
    currency,
    note:
      `Ledger says "${ledgerStatus || '(blank)'}" but Stripe's invoice ${row.invoiceId} is ${fact.status}, which ` +
      `makes it "${stripeStatus}": the row was edited by hand or an event was missed. Run Verify ledger from log to see the cells.`,
  };
}
