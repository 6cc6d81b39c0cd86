// Stripe's API over UrlFetchApp: read-only GETs with the key from the script properties, a pinned version, and
// retries as Stripe's own libraries do them. Every fetch is counted, because the daily quota is the owner's.

import type { Settings } from '../core/settings';
import { encodeQuery, type Query } from '../core/sync/query';
import { type AttemptOutcome, DEFAULT_RETRY, type RetryPolicy, retryDelayMs } from '../core/sync/retry';
import { stripeErrorMessage, withoutKeys } from '../core/sync/stripe-errors';
import { errorMessage } from '../shared/error-message';

const STRIPE_API = 'https://api.stripe.com';
/** Pinned so that response shapes do not change under us; STRIPE_API_VERSION overrides. */
export const DEFAULT_STRIPE_VERSION = '2025-03-31.basil';

export class StripeApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when no answer came (timeouts, DNS). */
    readonly status: number | null,
    /** Stripe's `error.code`, e.g. `resource_missing`. */
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'StripeApiError';
  }

  /** A wrong or under-scoped key: the owner must act, another run will not help. */
  get isConfiguration(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface StripeClientOptions {
  apiKey: string;
  apiVersion?: string;
  policy?: RetryPolicy;
  random?: () => number;
  sleep?: (ms: number) => void;
  /** Milliseconds left in the run: a retry that would wait past it is not made. */
  remainingMs?: () => number;
}

export class StripeClient {
  /** URL fetches made (each retry is one): the daily quota counts them. */
  fetches = 0;
  retries = 0;
  readonly apiVersion: string;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => void;
  private readonly remainingMs: () => number;

  constructor(private readonly options: StripeClientOptions) {
    this.apiVersion = options.apiVersion || DEFAULT_STRIPE_VERSION;
    this.policy = options.policy ?? DEFAULT_RETRY;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => Utilities.sleep(ms));
    this.remainingMs = options.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  }

  /** GET `path` (e.g. `/v1/events`) with its query; the parsed JSON, or a StripeApiError. */
  get(path: string, query: Query = []): Record<string, unknown> {
    const url = `${STRIPE_API}${path}${query.length > 0 ? `?${encodeQuery(query)}` : ''}`;
    for (let attempt = 1; ; attempt++) {
      const { outcome, response, failure } = this.attempt(url);
      if (response && outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
        return parseJson(response.getContentText(), path);
      }
      const delay = retryDelayMs(outcome, attempt, this.random, this.policy);
      if (delay !== null && delay + 5_000 < this.remainingMs()) {
        this.retries += 1;
        this.sleep(delay);
        continue;
      }
      if (outcome.kind === 'network') {
        throw new StripeApiError(
          `Could not reach Stripe for GET ${path}: ${withoutKeys(failure)}`,
          null,
          null,
        );
      }
      const body = safeJson(response?.getContentText() ?? '');
      const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
      throw new StripeApiError(
        stripeErrorMessage(outcome.status, 'GET', path, body),
        outcome.status,
        typeof code === 'string' ? code : null,
      );
    }
  }

  private attempt(url: string): {
    outcome: AttemptOutcome;
    response: GoogleAppsScript.URL_Fetch.HTTPResponse | null;
    failure: string;
  } {
    this.fetches += 1;
    try {
      const response = UrlFetchApp.fetch(url, {
        method: 'get',
        headers: { Authorization: `Bearer ${this.options.apiKey}`, 'Stripe-Version': this.apiVersion },
        // Without it a 4xx/5xx throws with only the start of the body, and Stripe's error JSON is lost.
        muteHttpExceptions: true,
      });
      const headers = lowerCaseKeys(response.getHeaders() as Record<string, unknown>);
      return {
        outcome: {
          kind: 'response',
          status: response.getResponseCode(),
          shouldRetry: headers['stripe-should-retry'] ?? null,
          retryAfter: headers['retry-after'] ?? null,
        },
        response,
        failure: '',
      };
    } catch (error) {
      // UrlFetchApp throws on timeouts and unreachable hosts: nothing was read, so asking again is safe.
      return {
        outcome: { kind: 'network' },
        response: null,
        failure: errorMessage(error),
      };
    }
  }
}

/** The client for the configured key, or null when none is set (the settings report a malformed one). */
export function stripeClientFor(
  settings: Pick<Settings, 'apiKey' | 'apiVersion'>,
  options: Omit<StripeClientOptions, 'apiKey' | 'apiVersion'> = {},
): StripeClient | null {
  if (!settings.apiKey) return null;
  return new StripeClient({
    ...options,
    apiKey: settings.apiKey,
    apiVersion: settings.apiVersion ?? DEFAULT_STRIPE_VERSION,
  });
}

function lowerCaseKeys(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = String(value);
  return out;
}

function parseJson(text: string, path: string): Record<string, unknown> {
  const value = safeJson(text);
  if (!value || typeof value !== 'object') {
    throw new StripeApiError(`Stripe's answer to GET ${path} was not JSON.`, 200, null);
  }
  return value as Record<string, unknown>;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
