// Money by currency exponent, as Stripe states amounts: integers in the currency's minor unit.
// Lists from https://docs.stripe.com/currencies ("Zero-decimal currencies", "Three-decimal currencies",
// "Special cases").

import type { Money } from './facts';

/** `amount: 500` is ¥500, not ¥5. */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);

/** `amount: 12345` is 12.345 KWD (Stripe asks for a last digit of 0 on charges, but amounts keep three places). */
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/**
 * Digits after the decimal point in Stripe's amounts for this currency: 0, 2 or 3.
 *
 * This is the exponent of Stripe's API, which is what every amount we read is expressed in; it differs from
 * ISO 4217 (and from how some currencies are spent) in Stripe's documented special cases:
 * - ISK: whole krónur only since 2023, but Stripe keeps it two-decimal in the API ("an ISK amount of 100 continues
 *   to represent 1 króna"), so 2 here (ISO says 0).
 * - HUF and TWD: two-decimal for charges; Stripe treats them as zero-decimal only for payouts, which this add-on
 *   never reads, so 2.
 * - UGX: in Stripe's zero-decimal list (ISO agrees), so 0; only its payouts carry a divisible-by-100 rule.
 * Any code not listed (including unknown ones) is two-decimal, Stripe's rule "unless otherwise noted".
 */
export function currencyExponent(code: string): 0 | 2 | 3 {
  const upper = typeof code === 'string' ? code.trim().toUpperCase() : '';
  if (ZERO_DECIMAL.has(upper)) return 0;
  if (THREE_DECIMAL.has(upper)) return 3;
  return 2;
}

/** Upper-case ISO 4217 code from Stripe's lower-case one or a user's cell; null when blank or not three letters. */
export function normaliseCurrency(code: unknown): string | null {
  if (typeof code !== 'string') return null;
  const trimmed = code.trim();
  return /^[A-Za-z]{3}$/.test(trimmed) ? trimmed.toUpperCase() : null;
}

/**
 * Minor units to the major-unit number a finance user reads: 125050 USD → 1250.5, 5000 JPY → 5000,
 * 12345 KWD → 12.345. Exact: one IEEE division by a power of ten is correctly rounded, so the result is the very
 * double that the decimal literal `1250.5` denotes (multiplying by 0.01 would not be). Throws on a non-integer,
 * which Stripe never sends: the normaliser rejects such events before they get here.
 */
export function minorToMajor(minor: number, currency: string): number {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Not an amount in minor units: ${String(minor)}`);
  const result = minor / 10 ** currencyExponent(currency);
  return result === 0 ? 0 : result;
}

/**
 * Major units (a user's `Expected Amount`) to minor units, rounded half away from zero to the currency's exponent:
 * 12.345 USD → 1235, -12.345 USD → -1235, 0.5 JPY → 1. Works on the number's shortest decimal form (what the user
 * typed), so 1.005 USD is 101 cents, not the 100 that `Math.round(1.005 * 100)` gives. Throws a RangeError on
 * NaN/Infinity or a result beyond 2^53, which the caller must check for first if the value came from a cell.
 */
export function majorToMinor(major: number, currency: string): number {
  if (typeof major !== 'number' || !Number.isFinite(major)) {
    throw new RangeError(`Not an amount: ${String(major)}`);
  }
  const exponent = currencyExponent(currency);
  const { digits, point } = decimalDigits(Math.abs(major));
  const shifted = point + exponent;
  const whole = shifted <= 0 ? '0' : digits.slice(0, shifted).padEnd(shifted, '0');
  const nextDigit = shifted < 0 ? 0 : Number(digits.charAt(shifted) || '0');
  const magnitude = Number(whole) + (nextDigit >= 5 ? 1 : 0);
  if (!Number.isSafeInteger(magnitude)) throw new RangeError(`Amount too large: ${String(major)}`);
  return major < 0 && magnitude !== 0 ? -magnitude : magnitude;
}

/** `{ minor: 125050, currency: 'USD' }` → `USD 1,250.50`, built from the integer's digits (no float formatting). */
export function formatMoney(money: Money): string {
  const exponent = currencyExponent(money.currency);
  const digits = String(Math.abs(Math.trunc(money.minor))).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+$)/g, ',');
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  const sign = money.minor < 0 ? '-' : '';
  return `${money.currency.toUpperCase()} ${sign}${whole}${fraction}`;
}

/** A non-negative finite number's shortest decimal digits and where its decimal point sits (12.5 → "125", 2). */
function decimalDigits(value: number): { digits: string; point: number } {
  const text = String(value);
  const [mantissa = '0', exponentText] = text.split('e');
  const [intPart = '0', fracPart = ''] = mantissa.split('.');
  const raw = intPart + fracPart;
  const leadingZeros = raw.length - raw.replace(/^0+/, '').length;
  const digits = raw.slice(leadingZeros) || '0';
  const point = intPart.length + Number(exponentText ?? 0) - leadingZeros;
  return { digits, point };
}
