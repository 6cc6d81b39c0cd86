// Sheets turns a string that starts with `=` into a formula and parses "0012", "TRUE" or "1/2" into other types.
// A leading apostrophe makes Sheets store the rest as text, and it is not part of the value read back.

/** Text from outside (Stripe ids, names, payloads): always stored as the exact text. */
export function asSheetText(text: string): string {
  return text === '' ? '' : `'${text}`;
}

/** A value for a cell: strings become literal text; numbers, booleans and Dates stay typed. */
export function asCellValue(value: unknown): string | number | boolean | Date {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return asSheetText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  return asSheetText(String(value));
}

/** Column number (1-based) to its letters: 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** `'Stripe Events'!C:C` — sheet names are quoted, with inner quotes doubled, as A1 notation requires. */
export function a1(sheetName: string, range: string): string {
  return `'${sheetName.replace(/'/g, "''")}'!${range}`;
}
