// How long each payment rail may stay `processing` before the ledger calls it overdue, in business days.
//
// Stripe's documentation: ACH Direct Debit (`us_bank_account`) "can take up to 4 business days" to succeed or fail
// (https://docs.stripe.com/payments/ach-direct-debit); SEPA Direct Debit "up to 14 business days"
// (https://docs.stripe.com/payments/sepa-debit). Cards get no window at all: a card payment succeeds or fails at
// once (a failure opens PAYMENT_FAILED), so a card is never timed and never SETTLEMENT_OVERDUE.

export interface SettlementWindows {
  /** Business days by Stripe payment method type (`us_bank_account`, `sepa_debit`, …). */
  byRail: Readonly<Record<string, number>>;
  /** For a rail not listed, or unknown (an invoice open to several methods): bank debits are the rails that wait. */
  otherRails: number;
}

/** Payment method types that settle at once: never timed. */
export const UNTIMED_RAILS: ReadonlySet<string> = new Set(['card', 'card_present', 'interac_present']);

export const ACH_RAIL = 'us_bank_account';

export const DEFAULT_SETTLEMENT_WINDOWS: SettlementWindows = {
  byRail: { [ACH_RAIL]: 4, sepa_debit: 14 },
  otherRails: 4,
};

/** The largest window accepted: a typo such as 400 must not silence the timer for a year. */
const MAX_WINDOW_DAYS = 30;

/**
 * The owner's setting, e.g. `us_bank_account=5, sepa_debit=10, other=6`, over the defaults. Entries that are not
 * `rail=days` with whole days from 0 to 30 are ignored and named in `ignored`.
 */
export function parseSettlementWindows(text: string | null): {
  windows: SettlementWindows;
  ignored: string[];
} {
  const byRail: Record<string, number> = { ...DEFAULT_SETTLEMENT_WINDOWS.byRail };
  let otherRails = DEFAULT_SETTLEMENT_WINDOWS.otherRails;
  const ignored: string[] = [];
  for (const entry of (text ?? '').split(',')) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const match = /^([a-z_]+)\s*=\s*(\d{1,2})$/i.exec(trimmed);
    const days = match ? Number(match[2]) : Number.NaN;
    if (!match || days > MAX_WINDOW_DAYS) {
      ignored.push(trimmed);
      continue;
    }
    const rail = (match[1] ?? '').toLowerCase();
    if (rail === 'other') otherRails = days;
    else if (UNTIMED_RAILS.has(rail)) ignored.push(trimmed);
    else byRail[rail] = days;
  }
  return { windows: { byRail, otherRails }, ignored };
}

/** The rail's window in business days, or null when the rail is not timed (cards). */
export function windowFor(windows: SettlementWindows, rail: string | null): number | null {
  if (rail !== null && UNTIMED_RAILS.has(rail)) return null;
  // A number check, not `in`: a rail named `constructor` must not find Object.prototype's members.
  const listed = rail === null ? undefined : (windows.byRail[rail] as unknown);
  return typeof listed === 'number' ? listed : windows.otherRails;
}
