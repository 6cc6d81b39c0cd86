// The number format of an amount cell follows the currency's decimals as Stripe states them.

import { describe, expect, it } from 'vitest';
import { amountFormat } from '../../src/core/amount-format';

describe('amountFormat', () => {
  it('gives USD and EUR two decimals, grouped', () => {
    expect(amountFormat('USD')).toBe('#,##0.00');
    expect(amountFormat('EUR')).toBe('#,##0.00');
  });

  it('gives zero-decimal currencies none: JPY, KRW', () => {
    expect(amountFormat('JPY')).toBe('#,##0');
    expect(amountFormat('KRW')).toBe('#,##0');
  });

  it('gives three-decimal currencies three: KWD, BHD', () => {
    expect(amountFormat('KWD')).toBe('#,##0.000');
    expect(amountFormat('BHD')).toBe('#,##0.000');
  });

  it("reads Stripe's lower-case codes and a user's cell with spaces", () => {
    expect(amountFormat('jpy')).toBe('#,##0');
    expect(amountFormat(' kwd ')).toBe('#,##0.000');
  });

  it('keeps ISK at two decimals, as Stripe states ISK amounts', () => {
    expect(amountFormat('ISK')).toBe('#,##0.00');
  });

  it('falls back to two decimals for a blank or unreadable currency', () => {
    expect(amountFormat('')).toBe('#,##0.00');
    expect(amountFormat(null)).toBe('#,##0.00');
    expect(amountFormat('yen')).toBe('#,##0.00');
  });
});
