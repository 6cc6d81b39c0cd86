import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMoney,
  majorToMinor,
  minorToMajor,
  normaliseCurrency,
} from '../../src/core/money';

const ZERO_DECIMAL = 'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' ');
const THREE_DECIMAL = 'BHD JOD KWD OMR TND'.split(' ');

/** The decimal text of `minor` with the point moved `exponent` places: the value a finance user reads. */
function decimalText(minor: number, exponent: number): string {
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return minor < 0 ? `-${text}` : text;
}

describe('currencyExponent', () => {
  it.each(ZERO_DECIMAL)('counts %s as zero-decimal, as Stripe lists it', (code) => {
    expect(currencyExponent(code)).toBe(0);
  });

  it.each(THREE_DECIMAL)('counts %s as three-decimal, as Stripe lists it', (code) => {
    expect(currencyExponent(code)).toBe(3);
  });

  it('counts USD, EUR and GBP as two-decimal', () => {
    expect([currencyExponent('USD'), currencyExponent('EUR'), currencyExponent('GBP')]).toEqual([2, 2, 2]);
  });

  it("keeps ISK, HUF and TWD two-decimal, as Stripe's API states their amounts", () => {
    expect([currencyExponent('ISK'), currencyExponent('HUF'), currencyExponent('TWD')]).toEqual([2, 2, 2]);
  });

  it('reads lower-case codes as Stripe sends them', () => {
    expect([currencyExponent('jpy'), currencyExponent('kwd'), currencyExponent('usd')]).toEqual([0, 3, 2]);
  });

  it('treats a code Stripe does not list as two-decimal', () => {
    expect(currencyExponent('ZZZ')).toBe(2);
  });
});

describe('minorToMajor', () => {
  it('turns 125050 USD cents into 1250.5 dollars', () => {
    expect(minorToMajor(125050, 'USD')).toBe(1250.5);
  });

  it('leaves 5000 JPY as 5000 yen', () => {
    expect(minorToMajor(5000, 'JPY')).toBe(5000);
  });

  it('turns 12345 KWD fils into 12.345 dinars', () => {
    expect(minorToMajor(12345, 'kwd')).toBe(12.345);
  });

  it('gives 0.3 for 30 cents, not a float sum such as 0.30000000000000004', () => {
    expect(minorToMajor(30, 'USD')).toBe(0.3);
    expect(minorToMajor(30, 'USD')).not.toBe(0.1 + 0.2);
  });

  it('gives exactly the number the decimal text denotes, for any amount and currency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'BHD'),
        (minor, currency) => {
          expect(minorToMajor(minor, currency)).toBe(Number(decimalText(minor, currencyExponent(currency))));
        },
      ),
    );
  });

  it('refuses an amount that is not a whole number of minor units', () => {
    expect(() => minorToMajor(10.5, 'USD')).toThrow(RangeError);
    expect(() => minorToMajor(Number.NaN, 'USD')).toThrow(RangeError);
  });
});

describe('majorToMinor', () => {
  it('turns 1250.5 dollars into 125050 cents', () => {
    expect(majorToMinor(1250.5, 'USD')).toBe(125050);
  });

  it('turns 5000 yen into 5000 and 12.345 dinars into 12345 fils', () => {
    expect(majorToMinor(5000, 'JPY')).toBe(5000);
    expect(majorToMinor(12.345, 'KWD')).toBe(12345);
  });

  it('absorbs float drift: 0.1 + 0.2 dollars is 30 cents', () => {
    expect(majorToMinor(0.1 + 0.2, 'USD')).toBe(30);
  });

  it('rounds a half cent away from zero as written, where multiplying by 100 would not', () => {
    expect(Math.round(1.005 * 100)).toBe(100);
    expect(majorToMinor(1.005, 'USD')).toBe(101);
    expect(majorToMinor(-1.005, 'USD')).toBe(-101);
    expect(majorToMinor(1.004, 'USD')).toBe(100);
  });

  it('rounds half a yen away from zero', () => {
    expect(majorToMinor(0.5, 'JPY')).toBe(1);
    expect(majorToMinor(-0.5, 'JPY')).toBe(-1);
    expect(majorToMinor(2.4, 'JPY')).toBe(2);
  });

  it('rounds KWD to three places', () => {
    expect(majorToMinor(12.3455, 'KWD')).toBe(12346);
    expect(majorToMinor(12.3454, 'KWD')).toBe(12345);
  });

  it('handles amounts JavaScript writes in exponent form', () => {
    expect(majorToMinor(1e-7, 'USD')).toBe(0);
    expect(majorToMinor(5e-3, 'USD')).toBe(1);
    expect(majorToMinor(1e15, 'JPY')).toBe(1e15);
  });

  it('gives zero, not minus zero, for a tiny negative amount', () => {
    expect(Object.is(majorToMinor(-0.001, 'USD'), 0)).toBe(true);
  });

  it('refuses NaN and infinities', () => {
    expect(() => majorToMinor(Number.NaN, 'USD')).toThrow(RangeError);
    expect(() => majorToMinor(Number.POSITIVE_INFINITY, 'USD')).toThrow(RangeError);
    expect(() => majorToMinor(Number.NEGATIVE_INFINITY, 'JPY')).toThrow(RangeError);
  });

  it('refuses an amount too large to count in minor units exactly', () => {
    expect(() => majorToMinor(1e20, 'USD')).toThrow(RangeError);
  });

  it('round-trips every minor amount through major units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e13, max: 1e13 }),
        fc.constantFrom('USD', 'JPY', 'KWD', 'CLP', 'OMR'),
        (minor, currency) => {
          expect(majorToMinor(minorToMajor(minor, currency), currency)).toBe(minor);
        },
      ),
    );
  });
});

describe('normaliseCurrency', () => {
  it("upper-cases Stripe's lower-case code", () => {
    expect(normaliseCurrency('usd')).toBe('USD');
  });

  it('trims a code typed into a cell', () => {
    expect(normaliseCurrency(' eur\n')).toBe('EUR');
  });

  it('gives null for blank, short, long, non-letter or non-string values', () => {
    for (const value of ['', '   ', 'US', 'USDX', 'U$D', '12A', null, undefined, 840]) {
      expect(normaliseCurrency(value)).toBeNull();
    }
  });
});

describe('formatMoney', () => {
  it('writes USD with two places and thousands separators', () => {
    expect(formatMoney({ minor: 125050, currency: 'USD' })).toBe('USD 1,250.50');
  });

  it('writes JPY without a decimal point and KWD with three places', () => {
    expect(formatMoney({ minor: 5000, currency: 'JPY' })).toBe('JPY 5,000');
    expect(formatMoney({ minor: 12345, currency: 'KWD' })).toBe('KWD 12.345');
  });

  it('writes small and negative amounts with their leading zero and sign', () => {
    expect(formatMoney({ minor: 5, currency: 'USD' })).toBe('USD 0.05');
    expect(formatMoney({ minor: -123456789, currency: 'USD' })).toBe('USD -1,234,567.89');
  });
});
