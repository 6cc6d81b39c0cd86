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
