// A Stripe API double behind the UrlFetchApp fake: the list endpoints sync reads, with Stripe's pagination
// (`starting_after` / `ending_before`, newest first), `created` filters, `types[]` (at most 20, as Stripe allows),
// `limit`, `expand[]` (a charge's balance transaction, a balance transaction's source), single events, charges,
// payouts and balance transactions by id, its error JSON for wrong and under-scoped keys (including the permission
// an expansion needs), and injected 429s, 500s and timeouts.

import type { FakeFetchHandler, FakeFetchRequest, FakeFetchResponse } from './fetch-types';

type Json = Record<string, unknown>;

/** Restricted-key permissions as Stripe names them in its 403 message. */
export type Permission =
  | 'rak_event_read'
  | 'rak_invoice_read'
  | 'rak_charge_read'
  | 'rak_dispute_read'
  | 'rak_balance_read'
  | 'rak_balance_transaction_source_read'
  | 'rak_payout_read';

export interface StripeDoubleOptions {
  /** Accepted keys: `all` for a secret key, or the permissions of a restricted key. Default one `sk_test_double`. */
  keys?: Record<string, 'all' | Permission[]>;
  /** Stripe's clock in unix seconds: events older than 30 days are no longer listed. Default: the newest event. */
  now?: () => number;
}

export type Fault =
  | { status: 429; shouldRetry?: boolean; retryAfter?: string }
  | { status: 500 | 503 }
  | 'timeout';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
}

const EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;
export const DOUBLE_SECRET_KEY = 'sk_test_double';

const PERMISSION_BY_PATH: [RegExp, Permission][] = [
  [/^\/v1\/events/, 'rak_event_read'],
  [/^\/v1\/invoice_payments/, 'rak_invoice_read'],
  [/^\/v1\/invoices/, 'rak_invoice_read'],
  [/^\/v1\/(charges|refunds)/, 'rak_charge_read'],
  [/^\/v1\/disputes/, 'rak_dispute_read'],
  [/^\/v1\/balance_transactions/, 'rak_balance_read'],
  [/^\/v1\/payouts/, 'rak_payout_read'],
];

/** Permissions an expansion needs besides the endpoint's own (Stripe checks every object it returns). */
function expansionPermissions(path: string, query: URLSearchParams): Permission[] {
  const expand = query.getAll('expand[]');
  const needed: Permission[] = [];
  if (expand.some((e) => e.endsWith('balance_transaction'))) needed.push('rak_balance_read');
  if (path.startsWith('/v1/balance_transactions') && expand.some((e) => e.endsWith('source')))
    needed.push('rak_balance_transaction_source_read');
  return needed;
}

interface Stored {
  object: Json;
  order: number;
}

export class StripeDouble {
  readonly requests: RecordedRequest[] = [];
  private readonly events: Stored[] = [];
  private readonly invoices: Stored[] = [];
  private readonly invoicePayments: Stored[] = [];
  private readonly charges = new Map<string, Json>();
  private readonly refunds: Stored[] = [];
  private readonly disputes: Stored[] = [];
  private readonly payouts: Stored[] = [];
  private readonly balanceTransactions: Stored[] = [];
  private readonly faults: { fault: Fault; match: (path: string) => boolean }[] = [];
  private order = 0;
  private readonly keys: Record<string, 'all' | Permission[]>;

  constructor(private readonly options: StripeDoubleOptions = {}) {
    this.keys = options.keys ?? { [DOUBLE_SECRET_KEY]: 'all' };
  }

  readonly handler: FakeFetchHandler = (request) => this.handle(request);

  /** Events as `GET /v1/events` lists them (any object shape with `id`, `type` and `created`). */
  addEvents(...events: object[]): void {
    for (const object of events)
      this.events.push({ object: structuredClone(object) as Json, order: this.order++ });
  }

  addInvoices(...invoices: Json[]): void {
    for (const object of invoices)
      this.invoices.push({ object: structuredClone(object), order: this.order++ });
  }

  /** Replaces the stored invoice of the same id (Stripe's current state moves on). */
  updateInvoice(invoice: Json): void {
    const stored = this.invoices.find((s) => s.object.id === invoice.id);
    if (!stored) throw new Error(`No invoice ${String(invoice.id)} in the double`);
    stored.object = structuredClone(invoice);
  }

  addInvoicePayments(...payments: Json[]): void {
    for (const object of payments)
      this.invoicePayments.push({ object: structuredClone(object), order: this.order++ });
  }

  addCharges(...charges: Json[]): void {
    for (const charge of charges) this.charges.set(String(charge.id), structuredClone(charge));
  }

  addRefunds(...refunds: Json[]): void {
    for (const object of refunds) this.refunds.push({ object: structuredClone(object), order: this.order++ });
  }

  addDisputes(...disputes: Json[]): void {
    for (const object of disputes)
      this.disputes.push({ object: structuredClone(object), order: this.order++ });
  }

  /** Payouts as `GET /v1/payouts` lists them. */
  addPayouts(...payouts: Json[]): void {
    for (const object of payouts) this.payouts.push({ object: structuredClone(object), order: this.order++ });
  }

  /** Replaces the stored payout of the same id (it moved on: paid, failed, reconciled). */
  updatePayout(payout: Json): void {
    const stored = this.payouts.find((s) => s.object.id === payout.id);
    if (!stored) throw new Error(`No payout ${String(payout.id)} in the double`);
    stored.object = structuredClone(payout);
  }

  /**
   * Balance transactions; one with a `payout` field is listed by `?payout=` (the double's stand-in for Stripe's own
   * record of which payout carried it). A charge's `balance_transaction` id finds its transaction here.
   */
  addBalanceTransactions(...transactions: Json[]): void {
    for (const object of transactions)
      this.balanceTransactions.push({ object: structuredClone(object), order: this.order++ });
  }

  /** The next `times` requests whose path starts with `pathPrefix` get this fault instead of an answer. */
  inject(fault: Fault, times = 1, pathPrefix = '/v1/'): void {
    for (let i = 0; i < times; i++) this.faults.push({ fault, match: (path) => path.startsWith(pathPrefix) });
  }

  /** Requests made to a path (exact, without the query). */
  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private handle(request: FakeFetchRequest): FakeFetchResponse {
    const url = new URL(request.url);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const recorded = { method: request.method, path: url.pathname, query: url.searchParams, headers };
    this.requests.push(recorded);
    if (url.origin !== 'https://api.stripe.com')
      return error(404, 'invalid_request_error', `Unknown host ${url.origin}`);

    const faultIndex = this.faults.findIndex((f) => f.match(url.pathname));
    if (faultIndex >= 0) {
      const [injected] = this.faults.splice(faultIndex, 1);
      if (injected) return faultResponse(injected.fault);
    }

    const key = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? '';
    const grant = this.keys[key];
    if (!grant) {
      return error(401, 'invalid_request_error', `Invalid API Key provided: ${mask(key)}`);
    }
    const own = PERMISSION_BY_PATH.find(([pattern]) => pattern.test(url.pathname))?.[1];
    const needed = [...(own ? [own] : []), ...expansionPermissions(url.pathname, url.searchParams)].find(
      (permission) => grant !== 'all' && !grant.includes(permission),
    );
    if (grant !== 'all' && needed) {
      return error(
        403,
        'invalid_request_error',
        `The provided key '${mask(key)}' does not have the required permissions for this endpoint on account ` +
          `'acct_1Double'. Having the '${needed}' permission would allow this request to continue.`,
      );
    }
    if (request.method !== 'GET') return error(400, 'invalid_request_error', 'The double only answers GET.');
    return this.route(url.pathname, url.searchParams);
  }

  private route(path: string, query: URLSearchParams): FakeFetchResponse {
    const single = /^\/v1\/(invoices|charges|events|payouts|balance_transactions)\/([^/]+)$/.exec(path);
    if (single) {
      const [, kind, id] = single as unknown as [string, string, string];
      const byId = (stored: Stored[]) => stored.find((s) => s.object.id === id)?.object;
      const found =
        kind === 'charges'
          ? this.charges.get(id)
          : kind === 'events'
            ? byId(this.events)
            : kind === 'payouts'
              ? byId(this.payouts)
              : kind === 'balance_transactions'
                ? byId(this.balanceTransactions)
                : byId(this.invoices);
      if (!found)
        return error(
          404,
          'invalid_request_error',
          `No such ${kind.replace(/s$/, '')}: '${id}'`,
          'resource_missing',
        );
      if (kind === 'charges' && query.getAll('expand[]').includes('balance_transaction'))
        return ok(this.withBalanceTransaction(found));
      return ok(found);
    }
    switch (path) {
      case '/v1/charges':
        return this.list(
          path,
          query,
          [...this.charges.values()].map((object, order) => ({ object, order })),
          (charge) => {
            const intent = query.get('payment_intent');
            return !intent || charge.payment_intent === intent;
          },
          (charge) =>
            query.getAll('expand[]').includes('data.balance_transaction')
              ? this.withBalanceTransaction(charge)
              : charge,
        );
      case '/v1/payouts':
        return this.list(path, query, this.payouts, () => true);
      case '/v1/balance_transactions':
        return this.list(
          path,
          query,
          this.balanceTransactions,
          (txn) => {
            const payout = query.get('payout');
            return !payout || txn.payout === payout;
          },
          (txn) => {
            const { payout: _payout, ...shown } = txn;
            return query.getAll('expand[]').includes('data.source') ? this.withSource(shown) : shown;
          },
        );
      case '/v1/events':
        if (query.getAll('types[]').length > 20) {
          return error(
            400,
            'invalid_request_error',
            'Invalid array: types must have at most 20 elements',
            'parameter_invalid_array',
          );
        }
        return this.list(path, query, this.visibleEvents(), (event) => {
          const types = query.getAll('types[]');
          const type = query.get('type');
          if (types.length > 0 && !types.includes(String(event.type))) return false;
          return !type || event.type === type;
        });
      case '/v1/invoices':
        return this.list(
          path,
          query,
          this.invoices,
          // Stripe filters the invoice list by `status` when asked.
          (invoice) => !query.get('status') || invoice.status === query.get('status'),
          (invoice) =>
            query.getAll('expand[]').includes('data.payments') ? this.withPayments(invoice) : invoice,
        );
      case '/v1/invoice_payments':
        return this.list(path, query, this.invoicePayments, (payment) => {
          const invoice = query.get('invoice');
          const intent = query.get('payment[payment_intent]');
          const record = query.get('payment[payment_record]');
          const paid = payment.payment as { payment_intent?: unknown; payment_record?: unknown } | undefined;
          if (invoice && payment.invoice !== invoice) return false;
          if (record && paid?.payment_record !== record) return false;
          return !intent || paid?.payment_intent === intent;
        });
      case '/v1/refunds':
        return this.list(
          path,
          query,
          this.refunds,
          () => true,
          (refund) =>
            query.getAll('expand[]').includes('data.charge')
              ? { ...refund, charge: this.charges.get(String(refund.charge)) ?? refund.charge }
              : refund,
        );
      case '/v1/disputes':
        return this.list(path, query, this.disputes, () => true);
      default:
        return error(404, 'invalid_request_error', `Unrecognized request URL (GET: ${path}).`);
    }
  }

  private withBalanceTransaction(charge: Json): Json {
    const id = charge.balance_transaction;
    const txn = this.balanceTransactions.find((s) => s.object.id === id)?.object;
    if (!txn) return charge;
    const { payout: _payout, ...shown } = txn;
    return { ...charge, balance_transaction: shown };
  }

  private withSource(txn: Json): Json {
    const source = txn.source;
    if (typeof source !== 'string') return txn;
    const charge = this.charges.get(source);
    const refund = this.refunds.find((s) => s.object.id === source)?.object;
    return { ...txn, source: charge ?? refund ?? source };
  }

  private visibleEvents(): Stored[] {
    const newest = Math.max(0, ...this.events.map((s) => Number(s.object.created)));
    const now = this.options.now?.() ?? newest;
    return this.events.filter((s) => Number(s.object.created) >= now - EVENT_RETENTION_SECONDS);
  }

  private withPayments(invoice: Json): Json {
    // Includable `payments`: the first handful, and whether there are more (Stripe's docs).
    const all = this.invoicePayments
      .filter((s) => s.object.invoice === invoice.id)
      .sort(newestFirst)
      .map((s) => s.object);
    return {
      ...invoice,
      payments: {
        object: 'list',
        data: all.slice(0, 10),
        has_more: all.length > 10,
        url: '/v1/invoice_payments',
      },
    };
  }

  private list(
    path: string,
    query: URLSearchParams,
    stored: Stored[],
    filter: (object: Json) => boolean,
    present: (object: Json) => Json = (object) => object,
  ): FakeFetchResponse {
    const limitText = query.get('limit');
    const limit = limitText === null ? 10 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return error(
        400,
        'invalid_request_error',
        'Invalid integer: limit must be between 1 and 100',
        'parameter_invalid_integer',
      );
    }
    const startingAfter = query.get('starting_after');
    const endingBefore = query.get('ending_before');
    if (startingAfter && endingBefore) {
      return error(
        400,
        'invalid_request_error',
        'You may only specify one of these parameters: ending_before, starting_after.',
      );
    }
    const created = createdFilter(query);
    const matching = [...stored]
      .sort(newestFirst)
      .map((s) => s.object)
      .filter((object) => created(Number(object.created)) && filter(object));
    let page: Json[];
    let hasMore: boolean;
    const objectName = path.split('/')[2]?.replace(/s$/, '') ?? 'object';
    if (startingAfter) {
      const at = matching.findIndex((o) => o.id === startingAfter);
      if (at < 0)
        return error(
          400,
          'invalid_request_error',
          `No such ${objectName}: '${startingAfter}'`,
          'resource_missing',
        );
      page = matching.slice(at + 1, at + 1 + limit);
      hasMore = at + 1 + limit < matching.length;
    } else if (endingBefore) {
      const at = matching.findIndex((o) => o.id === endingBefore);
      if (at < 0)
        return error(
          400,
          'invalid_request_error',
          `No such ${objectName}: '${endingBefore}'`,
          'resource_missing',
        );
      const start = Math.max(0, at - limit);
      page = matching.slice(start, at);
      hasMore = start > 0;
    } else {
      page = matching.slice(0, limit);
      hasMore = limit < matching.length;
    }
    return ok({ object: 'list', data: page.map(present), has_more: hasMore, url: path });
  }
}

function newestFirst(a: Stored, b: Stored): number {
  return Number(b.object.created) - Number(a.object.created) || b.order - a.order;
}

function createdFilter(query: URLSearchParams): (created: number) => boolean {
  const bound = (name: string): number | null => {
    const value = query.get(name);
    return value === null ? null : Number(value);
  };
  const exact = bound('created');
  const gte = bound('created[gte]');
  const gt = bound('created[gt]');
  const lte = bound('created[lte]');
  const lt = bound('created[lt]');
  return (created) =>
    (exact === null || created === exact) &&
    (gte === null || created >= gte) &&
    (gt === null || created > gt) &&
    (lte === null || created <= lte) &&
    (lt === null || created < lt);
}

function ok(body: unknown): FakeFetchResponse {
  return {
    status: 200,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'Request-Id': 'req_double' },
  };
}

function error(status: number, type: string, message: string, code?: string): FakeFetchResponse {
  return {
    status,
    body: JSON.stringify({ error: { type, message, ...(code ? { code } : {}) } }),
    headers: { 'Content-Type': 'application/json', 'Request-Id': 'req_double' },
  };
}

function faultResponse(fault: Fault): FakeFetchResponse {
  if (fault === 'timeout') return 'timeout';
  if (fault.status === 429) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (fault.shouldRetry !== undefined) headers['Stripe-Should-Retry'] = String(fault.shouldRetry);
    if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
    return {
      status: 429,
      headers,
      body: JSON.stringify({
        error: {
          type: 'invalid_request_error',
          code: 'rate_limit',
          message: 'Too many requests hit the API too quickly.',
        },
      }),
    };
  }
  return {
    status: fault.status,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ error: { type: 'api_error', message: 'Something went wrong on Stripe’s end.' } }),
  };
}

/** Stripe echoes keys masked: the prefix and the last four characters. */
function mask(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - 4))}${key.slice(-4)}`;
}
