// The number format of an amount cell: grouped thousands and exactly the currency's decimals, so USD reads
// 1,250.50, JPY 60,000 and KWD 12.345. Sheets formats per cell, so each row carries its own currency's format.

import { currencyExponent, normaliseCurrency } from './money';

/**
 * The Sheets number format for amounts in this currency (`USD` → `#,##0.00`, `JPY` → `#,##0`, `KWD` →
 * `#,##0.000`). A blank or unknown code gets two decimals, Stripe's rule for any currency not listed otherwise.
 */
export function amountFormat(currency: unknown): string {
  const exponent = currencyExponent(normaliseCurrency(currency) ?? '');
  return exponent === 0 ? '#,##0' : `#,##0.${'0'.repeat(exponent)}`;
}

/** What an amount column shows unless its row says otherwise: rows added later take it (two decimals). */
export const DEFAULT_AMOUNT_FORMAT = amountFormat(null);

/**
 * The format an amount cell of this currency needs beyond its column's default, or null when the default is right:
 * the add-on sets it as it writes the row's first amount (JPY and KWD rows typed after Set up ledger).
 */
export function formatBeyondDefault(currency: unknown): string | null {
  const format = amountFormat(currency);
  return format === DEFAULT_AMOUNT_FORMAT ? null : format;
}
