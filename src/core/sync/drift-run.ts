// The drift check as a loop over ports: for invoices active in the last days — created then (one list), or with
// ledger evidence from then (fetched one by one, capped) — compare `Payment Status` with Stripe's current invoice and
// raise one DRIFT per row through the apply step.

import type { ApplyResult, Finding } from '../apply/changes';
import type { LedgerRowView } from '../ledger-row';
import { driftDraft } from './drift';
import { type ListPage, paginate } from './paginate';

type Json = Record<string, unknown>;

/** Invoices fetched one by one in a drift check (active rows the creation-date list does not cover). */
export const DRIFT_SINGLE_FETCHES = 50;
const DAY_SECONDS = 24 * 60 * 60;

export interface DriftPorts {
  ledgerRows(): LedgerRowView[];
  /** Invoices created at or after `since`, one page after `startingAfter`. */
  listInvoices(since: number, startingAfter: string | null): ListPage<Json>;
  fetchInvoice(invoiceId: string): Json;
  /** Applies the findings under the script lock; 'busy' when the lock was not had. */
  apply(findings: Finding[]): ApplyResult | 'busy';
  apiVersion: string;
  nowSeconds: number;
}

export interface DriftReport {
  invoicesChecked: number;
  opened: string[];
  alreadyOpen: number;
  busy: boolean;
}

export function runDriftCheck(ports: DriftPorts, days: number): DriftReport {
  const since = ports.nowSeconds - Math.round(days * DAY_SECONDS);
  const rows = new Map(ports.ledgerRows().map((row) => [row.invoiceId, row]));
  const invoices = new Map<string, Json>();
  paginate(
    (after) => ports.listInvoices(since, after),
    (page) => {
      for (const invoice of page.data) {
        if (rows.has(String(invoice.id))) invoices.set(String(invoice.id), invoice);
      }
      return true;
    },
  );
  const active = [...rows.values()].filter(
    (row) => !invoices.has(row.invoiceId) && (row.state?.last?.at ?? 0) >= since,
  );
  for (const row of active.slice(0, DRIFT_SINGLE_FETCHES)) {
    invoices.set(row.invoiceId, ports.fetchInvoice(row.invoiceId));
  }
  const findings: Finding[] = [];
  for (const [invoiceId, invoice] of invoices) {
    const row = rows.get(invoiceId);
    if (!row) continue;
    const draft = driftDraft({ row, invoice, apiVersion: ports.apiVersion });
    if (draft) findings.push({ draft, actor: 'system' });
  }
  const report: DriftReport = { invoicesChecked: invoices.size, opened: [], alreadyOpen: 0, busy: false };
  // Findings travel in the journal (a script property holds 9 KB): a few dozen per batch.
  for (let i = 0; i < findings.length; i += 20) {
    const outcome = ports.apply(findings.slice(i, i + 20));
    if (outcome === 'busy') {
      report.busy = true;
      break;
    }
    for (const finding of outcome.findings) {
      if (finding.opened && finding.exceptionId) report.opened.push(finding.exceptionId);
      else report.alreadyOpen += 1;
    }
  }
  return report;
}
