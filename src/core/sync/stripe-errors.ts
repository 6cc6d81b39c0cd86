// Stripe's failures in words the owner can act on, with the missing permission named and keys never shown.

/** Restricted-key permissions (as Stripe names them in the dashboard) by resource path. */
const PERMISSION_BY_PATH: [RegExp, string][] = [
  [/^\/v1\/events/, 'Events: Read'],
  [/^\/v1\/invoice_payments/, 'Invoices: Read'],
  [/^\/v1\/invoices/, 'Invoices: Read'],
  [/^\/v1\/(charges|refunds)/, 'Charges: Read'],
  [/^\/v1\/disputes/, 'Disputes: Read'],
  [/^\/v1\/payment_intents/, 'PaymentIntents: Read'],
  [/^\/v1\/balance_transactions/, 'Balance: Read (and Balance transaction sources: Read)'],
  [/^\/v1\/payouts/, 'Payouts: Read'],
];

/** The dashboard name of the permission a GET of this path needs. */
export function permissionFor(path: string): string {
  const bare = path.split('?')[0] ?? path;
  return PERMISSION_BY_PATH.find(([pattern]) => pattern.test(bare))?.[1] ?? `read access to ${bare}`;
}

/** Stripe's own words name the missing permission, e.g. `Having the 'rak_invoice_read' permission would allow…`. */
export function permissionInStripeMessage(message: string): string | null {
  return /'(rak_[a-z0-9_]+)'/.exec(message)?.[1] ?? null;
}

/** A key never appears in a message, not even the masked form Stripe echoes. */
export function withoutKeys(text: string): string {
  return text.replace(/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9*]+/g, '[key]');
}

export function stripeErrorMessage(status: number, method: string, path: string, body: unknown): string {
  const error = (body && typeof body === 'object' ? (body as { error?: unknown }).error : null) as {
    message?: unknown;
    code?: unknown;
  } | null;
  const stripeSays = typeof error?.message === 'string' ? withoutKeys(error.message) : '';
  const request = `${method.toUpperCase()} ${path.split('?')[0]}`;
  if (status === 401) {
    return (
      `Stripe did not accept STRIPE_API_KEY (401 on ${request}): the key is mistyped, revoked or from another ` +
      'account. Set a restricted read-only key (rk_…) or a secret key (sk_…) of this Stripe account in the script ' +
      'properties.'
    );
  }
  if (status === 403) {
    const rak = permissionInStripeMessage(stripeSays);
    return (
      `STRIPE_API_KEY may not read this (403 on ${request}): give the restricted key the "${permissionFor(path)}" ` +
      `permission${rak ? ` (Stripe calls it ${rak})` : ''} in Stripe's dashboard under Developers → API keys, ` +
      'then run the sync again.'
    );
  }
  if (status === 429)
    return `Stripe kept refusing requests as too many (429 on ${request}); the next run continues.`;
  if (status >= 500) return `Stripe had an error (${status} on ${request}); the next run continues.`;
  return `Stripe answered ${status} on ${request}${stripeSays ? `: ${stripeSays}` : ''}`;
}
