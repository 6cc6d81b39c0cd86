import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HmacSha256Hex } from '../../src/core/ports';
import {
  constantTimeEqual,
  parseSignatureHeader,
  type VerifySignatureInput,
  verifyStripeSignature,
} from '../../src/core/signature';
import { invoiceEvent, signedDelivery, TEST_WEBHOOK_SECRET } from '../fixtures/events';

// Stripe's own library is the oracle: it signs every header these tests verify.
const stripe = new Stripe('sk_test_x');
const hmac: HmacSha256Hex = (key, message) =>
  createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');

const SECRET = TEST_WEBHOOK_SECRET;
const OTHER_SECRET = 'whsec_other_test_secret_not_issued_by_stripe';
const T = 1_767_225_600;

function verify(overrides: Partial<VerifySignatureInput> & Pick<VerifySignatureInput, 'rawBody' | 'header'>) {
  return verifyStripeSignature({ secrets: [SECRET], nowSeconds: T + 5, hmac, ...overrides });
}

function delivery(body?: string) {
  return signedDelivery(body ?? invoiceEvent('invoice.paid', { created: T }), SECRET, T);
}

function stripeHeader(payload: string, secret: string, timestamp: number): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

describe('parseSignatureHeader', () => {
  it('reads the timestamp and every v1 signature in order', () => {
    expect(parseSignatureHeader('t=1767225600,v1=aaa,v1=bbb')).toEqual({
      timestamp: 1767225600,
      v1: ['aaa', 'bbb'],
    });
  });

  it('ignores v0 and schemes it does not know', () => {
    expect(parseSignatureHeader('t=12,v0=old,v2=future,v1=abc')).toEqual({ timestamp: 12, v1: ['abc'] });
  });

  it('tolerates whitespace around parts, names and values', () => {
    expect(parseSignatureHeader('  t = 12 ,\tv1= abc ,v1 =def  ')).toEqual({
      timestamp: 12,
      v1: ['abc', 'def'],
    });
  });

  it('skips parts without a value, without a name or without an equals sign', () => {
    expect(parseSignatureHeader('garbage,=x,v1=,t=12,v1=abc,,')).toEqual({ timestamp: 12, v1: ['abc'] });
  });

  it('gives no timestamp when t is not a whole number', () => {
    expect(parseSignatureHeader('t=12.5,v1=abc').timestamp).toBeNull();
    expect(parseSignatureHeader('t=-12,v1=abc').timestamp).toBeNull();
    expect(parseSignatureHeader('t=now,v1=abc').timestamp).toBeNull();
  });

  it('gives nothing for an absent or empty header', () => {
    expect(parseSignatureHeader(undefined)).toEqual({ timestamp: null, v1: [] });
    expect(parseSignatureHeader(null)).toEqual({ timestamp: null, v1: [] });
    expect(parseSignatureHeader('')).toEqual({ timestamp: null, v1: [] });
  });
});

describe('constantTimeEqual', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is true for identical strings', () => {
    expect(constantTimeEqual('3596f81bcc857199', '3596f81bcc857199')).toBe(true);
  });

  it('is false when any single character differs', () => {
    expect(constantTimeEqual('3596f81bcc857199', 'x596f81bcc857199')).toBe(false);
    expect(constantTimeEqual('3596f81bcc857199', '3596f81bcx857199')).toBe(false);
    expect(constantTimeEqual('3596f81bcc857199', '3596f81bcc85719x')).toBe(false);
  });

  it('is false for strings of different lengths, even when one is a prefix of the other', () => {
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abc', '')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });

  it('reads every character whether the first one differs or none does', () => {
    const expected = 'a'.repeat(64);
    const charCodeAt = vi.spyOn(String.prototype, 'charCodeAt');
    constantTimeEqual(expected, 'b'.repeat(64));
    const whenFirstDiffers = charCodeAt.mock.calls.length;
    charCodeAt.mockClear();
    constantTimeEqual(expected, 'a'.repeat(64));
    expect(charCodeAt.mock.calls.length).toBe(whenFirstDiffers);
    expect(whenFirstDiffers).toBe(128);
  });

  it('does as much work for a short guess as for a full-length one', () => {
    const expected = 'a'.repeat(64);
    const charCodeAt = vi.spyOn(String.prototype, 'charCodeAt');
    constantTimeEqual(expected, 'a');
    const forShortGuess = charCodeAt.mock.calls.length;
    charCodeAt.mockClear();
    constantTimeEqual(expected, 'a'.repeat(64));
    expect(forShortGuess).toBe(charCodeAt.mock.calls.length);
  });
});

describe('verifyStripeSignature', () => {
  it('accepts a delivery signed by Stripe for the exact body', () => {
    const { body, header } = delivery();
    expect(verify({ rawBody: body, header })).toMatchObject({ verification: 'valid', timestamp: T });
  });

  it('refuses a body changed by one character as invalid', () => {
    const { body, header } = delivery();
    const tampered = body.replace('"amount_paid": 1000', '"amount_paid": 9000');
    expect(tampered).not.toBe(body);
    expect(verify({ rawBody: tampered, header }).verification).toBe('invalid');
  });

  it('refuses a delivery signed with another secret as invalid', () => {
    const { body } = delivery();
    const header = stripeHeader(body, OTHER_SECRET, T);
    expect(verify({ rawBody: body, header }).verification).toBe('invalid');
  });

  it('accepts a delivery signed with the second of two configured secrets (a rolled secret)', () => {
    const { body } = delivery();
    const header = stripeHeader(body, OTHER_SECRET, T);
    const check = verify({ rawBody: body, header, secrets: [SECRET, OTHER_SECRET] });
    expect(check.verification).toBe('valid');
    expect(check.detail).toContain('secret 2 of 2');
  });

  it('accepts a header whose matching v1 is not the first one, as during a secret roll', () => {
    const { body } = delivery();
    const fromOld = stripeHeader(body, OTHER_SECRET, T);
    const fromNew = stripeHeader(body, SECRET, T);
    const header = `${fromOld},v1=${parseSignatureHeader(fromNew).v1[0]}`;
    expect(parseSignatureHeader(header).v1).toHaveLength(2);
    expect(verify({ rawBody: body, header }).verification).toBe('valid');
  });

  it('treats a header with only a v0 signature as missing', () => {
    const { body } = delivery();
    const header = stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: SECRET,
      timestamp: T,
      scheme: 'v0',
    });
    expect(header).toContain('v0=');
    expect(verify({ rawBody: body, header }).verification).toBe('missing');
  });

  it('treats an absent or blank header as missing', () => {
    const { body } = delivery();
    expect(verify({ rawBody: body, header: undefined }).verification).toBe('missing');
    expect(verify({ rawBody: body, header: '' }).verification).toBe('missing');
    expect(verify({ rawBody: body, header: '   ' }).verification).toBe('missing');
  });

  it('treats a header without a timestamp as missing', () => {
    const { body, header } = delivery();
    const withoutT = header.replace(/^t=\d+,/, '');
    expect(verify({ rawBody: body, header: withoutT })).toMatchObject({
      verification: 'missing',
      timestamp: null,
    });
  });

  it('refuses a genuine signature made 301 seconds ago as stale', () => {
    const { body, header } = delivery();
    const check = verify({ rawBody: body, header, nowSeconds: T + 301 });
    expect(check).toMatchObject({ verification: 'stale', timestamp: T });
    expect(check.detail).toContain('301 s');
  });

  it('still accepts a genuine signature made exactly 300 seconds ago', () => {
    const { body, header } = delivery();
    expect(verify({ rawBody: body, header, nowSeconds: T + 300 }).verification).toBe('valid');
  });

  it('honours a tolerance other than 300 seconds', () => {
    const { body, header } = delivery();
    expect(verify({ rawBody: body, header, nowSeconds: T + 61, toleranceSeconds: 60 }).verification).toBe(
      'stale',
    );
  });

  it('judges a forged old request invalid, not stale: age is checked only after the signature', () => {
    const { body } = delivery();
    const forged = `t=${T - 3600},v1=${'0'.repeat(64)}`;
    expect(verify({ rawBody: body, header: forged }).verification).toBe('invalid');
  });

  it('accepts a timestamp an hour ahead of the clock, as Stripe libraries do', () => {
    const { body, header } = signedDelivery(invoiceEvent('invoice.paid'), SECRET, T + 3600);
    expect(verify({ rawBody: body, header, nowSeconds: T }).verification).toBe('valid');
  });

  it('verifies a body with non-ASCII customer names, hashed as UTF-8', () => {
    const event = invoiceEvent('invoice.paid', { customerName: 'Zoë Ñúñez 山田' });
    const { body, header } = signedDelivery(event, SECRET, T);
    expect(body).toContain('Zoë Ñúñez 山田');
    expect(verify({ rawBody: body, header }).verification).toBe('valid');
  });

  it('verifies a 200 KB body', () => {
    const event = invoiceEvent('invoice.paid', { customerName: 'x'.repeat(200_000) });
    const { body, header } = signedDelivery(event, SECRET, T);
    expect(body.length).toBeGreaterThan(200_000);
    expect(verify({ rawBody: body, header }).verification).toBe('valid');
  });

  it('trims whitespace and newlines around configured secrets', () => {
    const { body, header } = delivery();
    expect(verify({ rawBody: body, header, secrets: [`  ${SECRET}\n`] }).verification).toBe('valid');
  });

  it('reports unconfigured when no secret, or only blank ones, is set', () => {
    const { body, header } = delivery();
    expect(verify({ rawBody: body, header, secrets: [] }).verification).toBe('unconfigured');
    expect(verify({ rawBody: body, header, secrets: [' ', ''] }).verification).toBe('unconfigured');
  });

  it('reports a request without a header as missing even when no secret is set', () => {
    expect(verify({ rawBody: '{}', header: undefined, secrets: [] }).verification).toBe('missing');
  });

  it('never puts a secret in its detail, whatever the outcome', () => {
    const { body, header } = delivery();
    const oddSecret = 'sk_live_pasted_by_mistake';
    const outcomes = [
      verify({ rawBody: body, header }),
      verify({ rawBody: `${body} `, header, secrets: [SECRET, oddSecret] }),
      verify({ rawBody: body, header, nowSeconds: T + 999 }),
      verify({ rawBody: body, header: undefined }),
      verify({ rawBody: body, header, secrets: [] }),
    ];
    expect(outcomes.map((o) => o.verification)).toEqual([
      'valid',
      'invalid',
      'stale',
      'missing',
      'unconfigured',
    ]);
    for (const { detail } of outcomes) {
      expect(detail).not.toContain(SECRET);
      expect(detail).not.toContain(oddSecret);
      expect(detail).not.toContain(SECRET.slice(6));
    }
  });

  it('agrees with stripe-node verifyHeader on arbitrary bodies, secrets, tampering and ages', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
        fc
          .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 })
          .filter((s) => s.trim() === s && s !== ''),
        fc.boolean(),
        fc.integer({ min: -1000, max: 1000 }),
        (body, secretTail, tamper, age) => {
          const secret = `whsec_${secretTail}`;
          const header = stripeHeader(body, secret, T);
          const received = tamper ? `${body}!` : body;
          const ours = verifyStripeSignature({
            rawBody: received,
            header,
            secrets: [secret],
            nowSeconds: T + age,
            hmac,
          });
          let stripeAccepts = true;
          try {
            stripe.webhooks.signature?.verifyHeader(
              received,
              header,
              secret,
              300,
              undefined,
              (T + age) * 1000,
            );
          } catch {
            stripeAccepts = false;
          }
          expect(ours.verification === 'valid').toBe(stripeAccepts);
        },
      ),
      { numRuns: 200 },
    );
  });
});
