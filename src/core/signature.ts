// Stripe webhook signature verification, after stripe-node's webhook module (src/Webhooks.ts): the HMAC is passed
// in, so the same code runs in Apps Script (Utilities.computeHmacSha256Signature) and in Node tests (node:crypto).
// Scheme: https://docs.stripe.com/webhooks#verify-manually

import type { Verification } from './contract';
import type { HmacSha256Hex } from './ports';

/** Stripe's default and the contract's: an event signed more than 300 s ago is refused. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface SignatureHeader {
  /** `t=`: unix seconds at which Stripe signed this delivery attempt; null when absent or not a number. */
  timestamp: number | null;
  /** Every `v1=` signature, in header order. */
  v1: string[];
}

/** Every verification outcome of a webhook delivery (`api` is for synced events and never comes from here). */
export type SignatureVerification = Exclude<Verification, 'api'>;

export interface SignatureCheck {
  verification: SignatureVerification;
  /** The header's `t`, when it had one. */
  timestamp: number | null;
  /** For the log and the answer's message; never contains a secret. */
  detail: string;
}

export interface VerifySignatureInput {
  /** The request body exactly as received, as a JS string (the HMAC function encodes it as UTF-8). */
  rawBody: string;
  /** The `Stripe-Signature` header value. */
  header: string | null | undefined;
  /** Configured `whsec_…` secrets; several while a rolled secret and its successor are both live. */
  secrets: readonly string[];
  nowSeconds: number;
  hmac: HmacSha256Hex;
  toleranceSeconds?: number;
}

/**
 * Reads `t=…,v1=…[,v1=…]`. `v0` (test-mode legacy) and unknown schemes are ignored, as Stripe's libraries do;
 * whitespace around parts is tolerated; parts without `=` or with an empty value are skipped. When `t` appears
 * more than once the last wins, as in stripe-node (harmless: the signature covers `t`).
 */
export function parseSignatureHeader(header: string | null | undefined): SignatureHeader {
  const parsed: SignatureHeader = { timestamp: null, v1: [] };
  if (typeof header !== 'string') return parsed;
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const scheme = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (value === '') continue;
    if (scheme === 't') {
      if (/^\d{1,15}$/.test(value)) parsed.timestamp = Number(value);
    } else if (scheme === 'v1') {
      parsed.v1.push(value);
    }
  }
  return parsed;
}

/**
 * Compares two strings in time that depends only on `expected`'s length: no early exit on the first differing
 * character, and a length mismatch is folded into the result rather than returned early, so timing tells an
 * attacker neither where a guess goes wrong nor (beyond `expected`'s length) how long it is.
 */
export function constantTimeEqual(expected: string, candidate: string): boolean {
  let diff = expected.length ^ candidate.length;
  for (let i = 0; i < expected.length; i++) {
    // charCodeAt past the end is NaN, and NaN | 0 is 0: no branch on the candidate's length.
    diff |= expected.charCodeAt(i) ^ (candidate.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/**
 * Verifies a delivery against every configured secret. Order of judgement:
 * 1. `missing`: no header, or no `t`, or no `v1` (checked first so that unsigned junk sent to the public URL is
 *    rejected, never reported as a configuration error);
 * 2. `unconfigured`: no non-blank secret;
 * 3. `invalid`: no `v1` matches `HMAC(secret, "${t}.${rawBody}")` for any secret;
 * 4. `stale`: a `v1` matches but `t` is older than the tolerance. Age is judged only after the HMAC, so an unsigned
 *    or forged request with an old `t` is `invalid`: `stale` always means "really Stripe, too late" (a replay).
 * A timestamp ahead of `nowSeconds` is accepted, as Stripe's libraries accept it (clock skew).
 */
export function verifyStripeSignature(input: VerifySignatureInput): SignatureCheck {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const { timestamp, v1 } = parseSignatureHeader(input.header);
  if (typeof input.header !== 'string' || input.header.trim() === '') {
    return { verification: 'missing', timestamp: null, detail: 'No Stripe-Signature header was sent.' };
  }
  if (timestamp === null || v1.length === 0) {
    const lacks = timestamp === null ? 'timestamp (t=)' : 'v1 signature';
    return {
      verification: 'missing',
      timestamp,
      detail: `The Stripe-Signature header is malformed: it has no ${lacks}; only v1 signatures are accepted.`,
    };
  }

  const secrets = input.secrets.map((secret) => secret.trim()).filter((secret) => secret !== '');
  if (secrets.length === 0) {
    return {
      verification: 'unconfigured',
      timestamp,
      detail:
        'No webhook signing secret is configured: set STRIPE_WEBHOOK_SECRETS to the endpoint secret (whsec_…).',
    };
  }

  const signedPayload = `${timestamp}.${input.rawBody}`;
  let matchedSecret = -1;
  secrets.forEach((secret, index) => {
    const expected = input.hmac(secret, signedPayload).toLowerCase();
    let matches = false;
    // Every signature is compared even after a match, so timing does not tell which one matched.
    for (const candidate of v1) matches = constantTimeEqual(expected, candidate) || matches;
    if (matches && matchedSecret < 0) matchedSecret = index;
  });

  if (matchedSecret < 0) {
    const notWhsec = secrets.some((secret) => !secret.startsWith('whsec_'))
      ? ' A configured secret does not start with whsec_.'
      : '';
    return {
      verification: 'invalid',
      timestamp,
      detail:
        `No v1 signature matches the body (${input.rawBody.length} characters) under any of ` +
        `${secrets.length} configured secret(s); ${v1.length} signature(s) tried.${notWhsec}`,
    };
  }

  const age = Math.floor(input.nowSeconds) - timestamp;
  const which = secrets.length > 1 ? ` (secret ${matchedSecret + 1} of ${secrets.length})` : '';
  if (age > tolerance) {
    return {
      verification: 'stale',
      timestamp,
      detail: `Signature is valid${which} but was made ${age} s ago, more than the ${tolerance} s allowed.`,
    };
  }
  return { verification: 'valid', timestamp, detail: `Signature verified${which}.` };
}
