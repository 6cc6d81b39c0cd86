// When a Stripe request is worth another try, and how long to wait: as Stripe's own libraries do it.

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer `Retry-After` is not waited for: the next run tries again. */
  maxRetryAfterMs: number;
}

/** As Stripe's own libraries: 0.5 s doubling, capped, with 50–100 % jitter. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 20_000,
};

export type AttemptOutcome =
  | { kind: 'response'; status: number; shouldRetry: string | null; retryAfter: string | null }
  | { kind: 'network' };

/** Milliseconds to wait before attempt `attempt + 1`, or null when the failure is final. */
export function retryDelayMs(
  outcome: AttemptOutcome,
  attempt: number,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY,
): number | null {
  if (attempt >= policy.maxAttempts || !isRetryable(outcome)) return null;
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  const jittered = Math.round(exponential * (0.5 + 0.5 * clamp01(random())));
  if (outcome.kind === 'response' && outcome.retryAfter !== null) {
    const seconds = Number(outcome.retryAfter);
    if (Number.isFinite(seconds) && seconds > 0) {
      const asked = seconds * 1000;
      if (asked > policy.maxRetryAfterMs) return null;
      return Math.max(jittered, asked);
    }
  }
  return jittered;
}

/** `Stripe-Should-Retry` decides when present; else 409, 429 and 5xx are worth another try, as is a lost request. */
function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'network') return true;
  const header = outcome.shouldRetry?.trim().toLowerCase();
  if (header === 'true') return true;
  if (header === 'false') return false;
  return outcome.status === 409 || outcome.status === 429 || outcome.status >= 500;
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 1;
}
