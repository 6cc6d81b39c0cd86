// A sheet read in one call, as plain rows found by header text: the report, the settlement timers and the alerts
// compute from these. Columns are looked up by name, any case, and a column that is not there (yet) reads as blank,
// so a figure that needs `Owner` or `Stripe Fee` works on a sheet set up before those columns existed.

export type SheetCell = string | number | boolean | Date;

export interface SheetTable {
  /** Row 1 as read. */
  header: readonly unknown[];
  /** Rows 2…last as read, each as wide as it was read. */
  rows: readonly (readonly unknown[])[];
}

/** One row: `cell('Amount')` is the value under that header, '' when the sheet has no such column. */
export interface SheetRow {
  cell(column: string): SheetCell;
  text(column: string): string;
  number(column: string): number | null;
  date(column: string): Date | null;
}

export const EMPTY_TABLE: SheetTable = { header: [], rows: [] };

export function hasColumn(table: SheetTable, column: string): boolean {
  return indexOfHeader(table.header).has(normalise(column));
}

export function sheetRows(table: SheetTable): SheetRow[] {
  const index = indexOfHeader(table.header);
  return table.rows.map((values) => rowOver(values, index));
}

/** Rows added to a table after it was read (e.g. exceptions this run opened), in the table's column order. */
export function withRows(table: SheetTable, added: Record<string, SheetCell>[]): SheetTable {
  if (added.length === 0) return table;
  const index = indexOfHeader(table.header);
  const width = table.header.length;
  const rows = added.map((values) => {
    const row: SheetCell[] = new Array(width).fill('');
    for (const [name, value] of Object.entries(values)) {
      const column = index.get(normalise(name));
      if (column !== undefined) row[column] = value;
    }
    return row;
  });
  return { header: table.header, rows: [...table.rows, ...rows] };
}

export function isDateValue(value: unknown): value is Date {
  // `instanceof` fails for a Date made in another realm (a node:vm context, Apps Script's services).
  return (
    Object.prototype.toString.call(value) === '[object Date]' && !Number.isNaN((value as Date).getTime())
  );
}

/** A cell as a number: numbers as they are, text such as "1,250.50" parsed, anything else null. */
export function numberOfCell(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = Number(value.replace(/[,\s]/g, ''));
  return Number.isFinite(parsed) ? parsed : null;
}

function rowOver(values: readonly unknown[], index: ReadonlyMap<string, number>): SheetRow {
  const cell = (column: string): SheetCell => {
    const at = index.get(normalise(column));
    const value = at === undefined ? '' : values[at];
    if (value === null || value === undefined) return '';
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    return isDateValue(value) ? value : String(value);
  };
  return {
    cell,
    text: (column) => {
      const value = cell(column);
      return isDateValue(value) ? value.toISOString() : String(value).trim();
    },
    number: (column) => numberOfCell(cell(column)),
    date: (column) => {
      const value = cell(column);
      if (isDateValue(value)) return value;
      if (typeof value !== 'string' || value.trim() === '') return null;
      const parsed = new Date(value);
      return Number.isNaN(parsed.getTime()) ? null : parsed;
    },
  };
}

function indexOfHeader(header: readonly unknown[]): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    const key = normalise(String(name ?? ''));
    if (key && !index.has(key)) index.set(key, i);
  });
  return index;
}

function normalise(name: string): string {
  return name.trim().toLowerCase();
}
