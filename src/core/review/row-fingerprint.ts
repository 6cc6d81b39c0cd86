// A ledger row as a reviewer saw it, in a few characters. A match or a "not this row" names the row by its number and
// this fingerprint: if the row moved (someone inserted a row above it) or its own cells changed, the fingerprint no
// longer matches and the action is refused rather than applied to another row. The add-on's own columns and the
// `Stripe Invoice ID` are left out, so the row keeps its fingerprint while the add-on fills it.

import { LEDGER_CUSTOMER_COLUMN, LEDGER_KEY, LEDGER_MAINTAINED, LEDGER_STATE_COLUMN } from '../contract';
import { isDateValue } from '../sheet-rows';

const IGNORED = new Set(
  [LEDGER_KEY, ...LEDGER_MAINTAINED, LEDGER_STATE_COLUMN, LEDGER_CUSTOMER_COLUMN].map((name) =>
    name.toLowerCase(),
  ),
);

export function rowFingerprint(header: readonly unknown[], values: readonly unknown[]): string {
  const seen: string[] = [];
  header.forEach((name, i) => {
    const column = String(name ?? '')
      .trim()
      .toLowerCase();
    if (column === '' || IGNORED.has(column)) return;
    const value = values[i];
    seen.push(isDateValue(value) ? value.toISOString() : String(value ?? '').trim());
  });
  // FNV-1a over the cells, then a second pass seeded differently: 12 base-36 characters.
  const text = seen.join('\u0001');
  return `${hash(text, 0x811c9dc5)}${hash(text, 0x01000193)}`;
}

function hash(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, '0');
}
