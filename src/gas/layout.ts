import { asCellValue } from './sheet-text';

// Columns are found by their header text in row 1, in any order, case-insensitively (CONTRACT.md).

export type Cell = string | number | boolean | Date;

export class SheetLayout {
  private readonly index = new Map<string, number>();

  /** @param header row 1 as read; trailing blanks are ignored. */
  constructor(
    readonly sheetName: string,
    readonly header: string[],
  ) {
    header.forEach((name, i) => {
      const key = normaliseHeader(name);
      if (key && !this.index.has(key)) this.index.set(key, i + 1);
    });
  }

  static fromRow(sheetName: string, row: unknown[]): SheetLayout {
    const header = row.map((cell) => (cell === null || cell === undefined ? '' : String(cell)));
    while (header.length > 0 && header[header.length - 1]!.trim() === '') header.pop();
    return new SheetLayout(sheetName, header);
  }

  /** Number of columns up to the last named one. */
  get width(): number {
    return this.header.length;
  }

  /** 1-based column of a header, or 0 when absent. */
  column(name: string): number {
    return this.index.get(normaliseHeader(name)) ?? 0;
  }

  /** 1-based column of a header the add-on needs; a clear error names the fix. */
  require(name: string): number {
    const column = this.column(name);
    if (!column) {
      throw new Error(
        `Sheet "${this.sheetName}" has no "${name}" column: run Stripe Ledger → Set up ledger.`,
      );
    }
    return column;
  }

  /** Values in a row ordered as this sheet's columns; absent names are left blank. */
  rowOf(values: Record<string, Cell>): Cell[] {
    const row: Cell[] = new Array(this.width).fill('');
    for (const [name, value] of Object.entries(values)) {
      const column = this.column(name);
      if (column) row[column - 1] = value;
    }
    return row;
  }
}

function normaliseHeader(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Writes some cells of one row in a single call: the span from the first to the last changed column. Cells inside
 * the span keep their value; a cell that is not the add-on's own (`own`) keeps its formula too, which costs one read.
 */
export function writeRowCells(
  row: GoogleAppsScript.Spreadsheet.Range,
  current: Cell[],
  updates: Map<number, Cell>,
  own: ReadonlySet<number> = new Set(),
  formats: ReadonlyMap<number, string> = new Map(),
): void {
  if (updates.size === 0) return;
  const columns = [...updates.keys()];
  const first = Math.min(...columns);
  const last = Math.max(...columns);
  const span = row.offset(0, first - 1, 1, last - first + 1);
  const foreign = range(first, last).some((column) => !updates.has(column) && !own.has(column));
  const formulas = foreign ? span.getFormulas()[0] : undefined;
  const values = range(first, last).map((column) => {
    if (updates.has(column)) return updates.get(column)!;
    const formula = formulas?.[column - first];
    // A text cell read back as "0012" would be parsed as a number if written back plain.
    return formula ? formula : asCellValue(current[column - 1] ?? '');
  });
  span.setValues([values]);
  if (formats.size > 0) {
    // Other cells of the span keep their formats: read them, change only the amounts'.
    const current = span.getNumberFormats()[0] ?? [];
    span.setNumberFormats([
      range(first, last).map((column) => formats.get(column) ?? current[column - first] ?? ''),
    ]);
  }
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
