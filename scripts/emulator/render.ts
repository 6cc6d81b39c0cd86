// GET / : the emulated spreadsheet as server-rendered HTML, one <table> per sheet under a heading with its name, the
// first row being the sheet's header row. Cells show display values (Dates in the spreadsheet's time zone) and are
// escaped: the sheets hold text from outside (customer names, payloads), and `<script>` there must stay text.

import type { GasFakes } from '../../fakes/gas';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Columns whose values get a colour, so a finance user sees at a glance what turned and what needs a look. */
const TAGGED_COLUMNS = new Set(['payment status', 'status', 'result', 'verification']);

function tagClass(value: string): string {
  return `tag tag-${value.toLowerCase().replace(/[^a-z0-9_]+/g, '-')}`;
}

function renderSheet(fakes: GasFakes, name: string): string {
  const sheet = fakes.spreadsheet.getSheetByName(name);
  const values = fakes.spreadsheet.displayValues(name);
  const [header = [], ...body] = values;
  const hidden = header.map((_, i) => sheet?.isColumnHiddenByUser(i + 1) === true);
  const tagged = header.map((h) => TAGGED_COLUMNS.has(h.trim().toLowerCase()));
  const cellAttributes = (i: number, value: string): string => {
    const classes: string[] = [];
    if (hidden[i]) classes.push('hidden-column');
    if (tagged[i] && value !== '') classes.push(tagClass(value));
    return classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
  };
  const headerRow = header
    .map((h, i) => `<th scope="col"${cellAttributes(i, '')}>${escapeHtml(h)}</th>`)
    .join('');
  const bodyRows = body
    .map(
      (row) => `<tr>${row.map((v, i) => `<td${cellAttributes(i, v)}>${escapeHtml(v)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const id = `sheet-${encodeURIComponent(name)}`;
  const count = body.length === 1 ? '1 row' : `${body.length} rows`;
  return `<section class="sheet" data-sheet="${escapeHtml(name)}" aria-labelledby="${escapeHtml(id)}">
<h2 id="${escapeHtml(id)}">${escapeHtml(name)} <small>${count}</small></h2>
<div class="grid"><table>
<thead><tr>${headerRow}</tr></thead>
<tbody>
${bodyRows}
</tbody>
</table></div>
</section>`;
}

const STYLE = `
:root { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", sans-serif;
  color: #202124; background: #f8f9fa; }
body { margin: 0; }
header { position: sticky; top: 0; z-index: 3; display: flex; gap: 1.5em; align-items: baseline; flex-wrap: wrap;
  padding: .6em 1.2em; background: #fff; border-bottom: 1px solid #dadce0; }
header h1 { font-size: 1.15em; margin: 0; color: #188038; }
header nav a { margin-right: 1em; color: #1a73e8; text-decoration: none; }
header .meta { color: #5f6368; margin-left: auto; }
main { padding: .4em 1.2em 2em; }
h2 { font-size: 1em; margin: 1.2em 0 .4em; }
h2 small { color: #5f6368; font-weight: normal; margin-left: .5em; }
.grid { overflow: auto; max-height: 70vh; background: #fff; border: 1px solid #dadce0; }
table { border-collapse: separate; border-spacing: 0; }
th, td { padding: 3px 6px; border-right: 1px solid #e8eaed; border-bottom: 1px solid #e8eaed; text-align: left;
  white-space: nowrap; max-width: 22em; overflow: hidden; text-overflow: ellipsis; }
thead th { position: sticky; top: 0; z-index: 1; background: #f1f3f4; font-weight: 600; }
tbody tr:hover td { background: #e8f0fe; }
.hidden-column { display: none; }
body:has(#show-hidden:checked) .hidden-column { display: table-cell; color: #80868b; }
.tag { font-weight: 600; }
.tag-paid, .tag-processed, .tag-valid, .tag-resolved { color: #137333; background: #e6f4ea; }
.tag-partially_paid, .tag-processing, .tag-partially_refunded, .tag-duplicate, .tag-snoozed { color: #8a5300;
  background: #fef7e0; }
.tag-payment_failed, .tag-refunded, .tag-disputed, .tag-rejected, .tag-error, .tag-invalid, .tag-stale,
.tag-missing, .tag-unconfigured { color: #a50e0e; background: #fce8e6; }
section[data-sheet="Exceptions"] .tag-open { color: #a50e0e; background: #fce8e6; }
.tag-ignored, .tag-void, .tag-dismissed { color: #5f6368; }
`;

// Reloads the page when an execution changed the sheets, so `npm run demo` can be watched live. Optional: the page
// is complete without it.
const LIVE_RELOAD = `
(() => {
  let seen = document.body.dataset.revision;
  setInterval(async () => {
    try {
      const now = await (await fetch('/revision', { cache: 'no-store' })).text();
      if (now !== seen) { seen = now; location.reload(); }
    } catch {}
  }, 2000);
})();
`;

export function renderSpreadsheet(fakes: GasFakes, revision: string): string {
  const names = fakes.spreadsheet.sheetNames();
  const nav = names
    .map((n) => `<a href="#sheet-${escapeHtml(encodeURIComponent(n))}">${escapeHtml(n)}</a>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(fakes.spreadsheet.getName())} · Stripe Ledger emulator</title>
<style>${STYLE}</style>
</head>
<body data-revision="${escapeHtml(revision)}">
<header>
<h1>${escapeHtml(fakes.spreadsheet.getName())}</h1>
<nav>${nav}<a href="/sidebar">Review sidebar</a></nav>
<label><input type="checkbox" id="show-hidden"> hidden columns</label>
<span class="meta">local emulator · ${escapeHtml(fakes.spreadsheet.getSpreadsheetTimeZone())}</span>
</header>
<main>
${names.map((n) => renderSheet(fakes, n)).join('\n')}
</main>
<script>${LIVE_RELOAD}</script>
</body>
</html>
`;
}
