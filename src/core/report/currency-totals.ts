// Sums of major-unit amounts per currency, added in minor units so that 0.1 + 0.2 is 0.3 and JPY stays whole.

import { majorToMinor, minorToMajor } from '../money';

export class CurrencyTotals {
  private readonly minor = new Map<string, number>();

  add(currency: string, major: number): void {
    let amount: number;
    try {
      amount = majorToMinor(major, currency);
    } catch {
      return; // a cell that is no amount adds nothing
    }
    this.minor.set(currency, (this.minor.get(currency) ?? 0) + amount);
  }

  /** Major units by currency exponent; 0 for a currency never added. */
  total(currency: string): number {
    return minorToMajor(this.minor.get(currency) ?? 0, currency);
  }

  currencies(): string[] {
    return [...this.minor.keys()].sort();
  }
}
