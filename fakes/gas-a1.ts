// A1 notation as Sheets reads it: `A1`, `A1:C3`, `C:C`, `A:C`, `2:2`, `2:5`, `A2:C` (open to the last row), with an
// optional sheet name (`'Stripe Events'!C:C`, `Ledger!2:2`).

export interface A1Reference {
  sheetName: string | undefined;
  startRow: number | undefined;
  startColumn: number | undefined;
  endRow: number | undefined;
  endColumn: number | undefined;
  single: boolean;
}

export function columnToIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function indexToColumn(index: number): string {
  let n = index;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

const PART = /^\$?([A-Za-z]*)\$?(\d*)$/;

/** Null when the text is not A1 notation (Apps Script then throws `Range not found`). */
export function parseA1(text: string): A1Reference | null {
  let rest = text.trim();
  let sheetName: string | undefined;
  const bang = rest.lastIndexOf('!');
  if (bang >= 0) {
    let name = rest.slice(0, bang);
    rest = rest.slice(bang + 1);
    if (name.startsWith("'") && name.endsWith("'") && name.length >= 2)
      name = name.slice(1, -1).replace(/''/g, "'");
    sheetName = name;
  }
  if (rest === '') return null;
  const pieces = rest.split(':');
  if (pieces.length > 2) return null;
  const parsed = pieces.map((p) => {
    const m = PART.exec(p);
    if (!m || (m[1] === '' && m[2] === '')) return null;
    const col = m[1] ? columnToIndex(m[1]) : undefined;
    const row = m[2] ? Number(m[2]) : undefined;
    if (row === 0) return null;
    return { row, col };
  });
  const first = parsed[0];
  if (!first) return null;
  if (parsed.length === 1) {
    if (first.row === undefined || first.col === undefined) return null;
    return {
      sheetName,
      startRow: first.row,
      startColumn: first.col,
      endRow: first.row,
      endColumn: first.col,
      single: true,
    };
  }
  const second = parsed[1];
  if (!second) return null;
  // `C:C` and `2:5` name whole columns or rows; `A2:C` is open to the last row.
  if (first.row === undefined && second.row !== undefined && first.col === undefined) return null;
  return {
    sheetName,
    startRow: first.row,
    startColumn: first.col,
    endRow: second.row,
    endColumn: second.col,
    single: false,
  };
}

export function cellA1(row: number, column: number): string {
  return `${indexToColumn(column)}${row}`;
}
