// Reads the emulator's GET / back into records: each <h2> names a sheet, the <table> after it holds the sheet, its
// first row the header row. A reader of this page only, not a general HTML parser.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? '');
}

/** Sheet name → rows of cell texts, the header row first. */
export function parseSheets(html: string): Map<string, string[][]> {
  const sheets = new Map<string, string[][]>();
  const section = /<h2[^>]*>([\s\S]*?)<\/h2>[\s\S]*?<table>([\s\S]*?)<\/table>/g;
  for (const [, heading = '', table = ''] of html.matchAll(section)) {
    const name = text(heading.replace(/<small>[\s\S]*?<\/small>/, '')).trim();
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row = '']) =>
      [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell = '']) => text(cell)),
    );
    sheets.set(name, rows);
  }
  return sheets;
}

/** A sheet as records keyed by header text. */
export function records(html: string, sheet: string): Record<string, string>[] {
  const rows = parseSheets(html).get(sheet);
  if (!rows) throw new Error(`GET / shows no sheet named ${sheet}`);
  const [header = [], ...body] = rows;
  return body.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}
