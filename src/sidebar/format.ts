// How amounts, times and reasons read in the sidebar: each currency with its own decimals, times in the reader's
// own clock, reasons in words.

const REASON_WORDS: Record<string, string> = {
  UNKNOWN_INVOICE: 'Unknown invoice',
  UNMATCHED_PAYMENT: 'Unmatched payment',
  UNDERPAID: 'Underpaid',
  OVERPAID: 'Overpaid',
  CURRENCY_MISMATCH: 'Currency mismatch',
  DUPLICATE_PAYMENT: 'Duplicate payment',
  PAYMENT_FAILED: 'Payment failed',
  REFUNDED: 'Refunded',
  DISPUTED: 'Disputed',
  STATUS_CONFLICT: 'Status conflict',
  SETTLEMENT_OVERDUE: 'Settlement overdue',
  DRIFT: 'Drift',
  BILLING_MISMATCH: 'Billing mismatch',
  PAYOUT_FAILED: 'Payout failed',
};

export function reasonWords(reason: string): string {
  return REASON_WORDS[reason] ?? reason;
}

/** `$1,250.50`, `¥60,000`, `KWD 12.345`: Intl knows each currency's decimals. */
export function money(amount: number | null, currency: string): string {
  if (amount === null) return '—';
  if (!/^[A-Z]{3}$/.test(currency)) return amount.toLocaleString('en-US');
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  } catch {
    return `${currency} ${amount.toLocaleString('en-US')}`;
  }
}

export function when(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function age(days: number | null): string {
  if (days === null) return '';
  if (days === 0) return 'today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** `YYYY-MM-DD` of a day `n` days from today, in the reader's own calendar. */
export function dayFromToday(n: number): string {
  const date = new Date();
  date.setDate(date.getDate() + n);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
