// GET / : the emulated spreadsheet as server-rendered HTML, one <table> per sheet under a heading with its name, the
// first row being the sheet's header row (CONTRACT.md). Cells show what Sheets would show: display values (number
// formats, Dates in the spreadsheet's time zone), the colours of the sheet's conditional-format rules, drop-downs
// where a data-validation list sits, a mark on cells that break their rule. Everything is escaped.
// Around the tables: the menu `onOpen` built, a formula bar to edit the selected cell, an "Add a row" form under
// each sheet, hints on empty sheets, and what the last action showed (render-outcome.ts).

import { cellA1 } from '../../fakes/gas-a1';
import type { CellValue } from '../../fakes/gas-sheets';
import { escapeHtml } from './escape-html';
import { CLIENT_SCRIPT, STYLE } from './page-assets';
import { renderOutcome } from './render-outcome';
import type { ScriptRuntime } from './runtime';
import type { ShownOutcome } from './trial-routes';
import { menuItems } from './user-actions';

/** What a sheet with a header and no rows below it says, so an empty table is not a puzzle. */
const EMPTY_HINTS: Record<string, string> = {
  Ledger:
    'No invoices yet. Add a row below for each invoice you expect to be paid: its Stripe Invoice ID (in_…), ' +
    'and if you like the Expected Amount and Currency. The add-on fills the other columns.',
  'Stripe Events':
    'No deliveries yet. Run <code>npm run demo</code> in a second terminal, or ' +
    '<code>stripe listen --forward-to</code> this address followed by <code>/webhook</code>.',
  Exceptions: 'Nothing to review: every delivery so far fitted the ledger.',
  Audit:
    'No changes yet: every cell the add-on changes will be listed here, with the value before and after.',
};

/** Drop-down lists of the page, one <datalist> per distinct list. */
class DropDownLists {
  private readonly ids = new Map<string, string>();
  private readonly lists: string[][] = [];

  idFor(values: unknown): string | null {
    if (!Array.isArray(values)) return null;
    const items = values.map(String);
    const key = JSON.stringify(items);
    let id = this.ids.get(key);
    if (!id) {
      id = `dv${this.ids.size}`;
      this.ids.set(key, id);
      this.lists.push(items);
    }
    return id;
  }

  html(): string {
    return [...this.ids.values()]
      .map(
        (id, i) =>
          `<datalist id="${id}">${(this.lists[i] ?? []).map((v) => `<option value="${escapeHtml(v)}">`).join('')}</datalist>`,
      )
      .join('\n');
  }
}

function listOf(rule: { criteria: string; values: unknown[] } | undefined | null): unknown {
  return rule?.criteria === 'VALUE_IN_LIST' && rule.values[1] !== false ? rule.values[0] : null;
}

function renderSheet(runtime: ScriptRuntime, name: string, index: number, lists: DropDownLists): string {
  const ss = runtime.fakes.spreadsheet;
  const sheet = ss.getSheetByName(name)!;
  const display = ss.displayValues(name);
  const values = ss.sheetValues(name);
  const edits = ss.editTexts(name);
  const looks = ss.conditionalFormats(name);
  const validations = ss.dataValidations(name);
  const width = display[0]?.length ?? 0;
  const backgrounds = display.length > 0 ? sheet.getRange(1, 1, display.length, width).getBackgrounds() : [];
  const hidden = Array.from({ length: width }, (_, i) => sheet.isColumnHiddenByUser(i + 1));

  const cell = (tag: 'th' | 'td', r: number, c: number): string => {
    const text = display[r]?.[c] ?? '';
    const edit = edits[r]?.[c] ?? '';
    const value: CellValue | undefined = values[r]?.[c];
    const look = looks[r]?.[c];
    const validation = validations[r]?.[c];
    const list = lists.idFor(listOf(validation?.rule));
    const classes = [
      hidden[c] ? 'hidden-column' : '',
      typeof value === 'number' || value instanceof Date ? 'num' : '',
      list ? 'dropdown' : '',
      validation?.problem ? 'invalid' : '',
    ].filter(Boolean);
    const background =
      look?.background ?? (backgrounds[r]?.[c] !== '#ffffff' ? backgrounds[r]?.[c] : undefined);
    const style = [
      background ? `background:${background}` : '',
      look?.fontColor ? `color:${look.fontColor}` : '',
      look?.bold ? 'font-weight:bold' : '',
      look?.italic ? 'font-style:italic' : '',
      look?.strikethrough ? 'text-decoration:line-through' : '',
    ].filter(Boolean);
    const attributes = [
      tag === 'th' ? ' scope="col"' : '',
      ` id="s${index}-r${r + 1}c${c + 1}" data-r="${r + 1}" data-c="${c + 1}"`,
      edit !== text ? ` data-edit="${escapeHtml(edit)}"` : '',
      list ? ` data-list="${list}"` : '',
      classes.length > 0 ? ` class="${classes.join(' ')}"` : '',
      style.length > 0 ? ` style="${escapeHtml(style.join(';'))}"` : '',
      validation?.problem ? ` title="${escapeHtml(`Invalid: ${validation.problem}`)}"` : '',
    ].join('');
    return `<${tag}${attributes}>${escapeHtml(text)}</${tag}>`;
  };

  const [header = [], ...body] = display;
  const headerRow = header.map((_, c) => cell('th', 0, c)).join('');
  const bodyRows = body
    .map((row, r) => `<tr>${row.map((_, c) => cell('td', r + 1, c)).join('')}</tr>`)
    .join('\n');
  const count = body.length === 1 ? '1 row' : `${body.length} rows`;
  const hint =
    width === 0
      ? '<p class="hint">This sheet is empty: type its header row into the first row below.</p>'
      : body.length === 0
        ? `<p class="hint">${EMPTY_HINTS[name] ?? 'No rows below the header yet.'}</p>`
        : '';
  return `<section class="sheet" id="s${index}" data-sheet="${escapeHtml(name)}" aria-labelledby="s${index}-name">
<h2 id="s${index}-name">${escapeHtml(name)} <small>${count}</small></h2>
<div class="grid"><table>
<thead><tr>${headerRow}</tr></thead>
<tbody>
${bodyRows}
</tbody>
</table></div>
${hint}
${addRowForm(runtime, name, header, hidden, display.length + 1, lists)}
</section>`;
}

/** Below each sheet: one input per column, typed in as the next row (the first row of an empty sheet). */
function addRowForm(
  runtime: ScriptRuntime,
  name: string,
  header: string[],
  hidden: boolean[],
  row: number,
  lists: DropDownLists,
): string {
  const sheet = runtime.fakes.spreadsheet.getSheetByName(name)!;
  const columns = header.length > 0 ? header : ['A', 'B', 'C', 'D', 'E', 'F'];
  const inputs = columns
    .map((label, i) => {
      const ruleAtRow = row <= sheet.getMaxRows() ? sheet.getRange(row, i + 1).getDataValidation() : null;
      const list = lists.idFor(
        ruleAtRow && String(ruleAtRow.getCriteriaType()) === 'VALUE_IN_LIST'
          ? ruleAtRow.getCriteriaValues()[0]
          : null,
      );
      const title = header.length > 0 ? label || cellA1(1, i + 1).replace(/\d+$/, '') : label;
      return `<label${hidden[i] ? ' class="hidden-column"' : ''}>${escapeHtml(title)}<input name="values"${list ? ` list="${list}"` : ''} autocomplete="off"></label>`;
    })
    .join('');
  const summary = header.length > 0 ? 'Add a row' : 'Type the first row';
  return `<details class="add-row"><summary>${summary}</summary>
<form method="post" action="/rows"><input type="hidden" name="sheet" value="${escapeHtml(name)}">${inputs}<button type="submit">Add</button></form>
</details>`;
}

function renderMenus(runtime: ScriptRuntime): string {
  const menus = runtime.menus();
  if (menus.length === 0 || menuItems(menus).length === 0) {
    return '<span class="meta">no menu: onOpen built none</span>';
  }
  return menus
    .map((menu) => {
      const entries = menu.items
        .map((entry) => {
          if ('separator' in entry) return '<hr>';
          if ('subMenu' in entry) {
            return `<strong>${escapeHtml(entry.subMenu.name)}</strong>${menuItems([entry.subMenu])
              .map(menuButton)
              .join('')}`;
          }
          return menuButton(entry);
        })
        .join('');
      return `<details class="menu"><summary>${escapeHtml(menu.name)}</summary><form method="post" action="/menu" class="menu-items">${entries}</form></details>`;
    })
    .join('');
}

function menuButton(item: { caption: string; functionName: string }): string {
  return `<button type="submit" name="function" value="${escapeHtml(item.functionName)}">${escapeHtml(item.caption)}</button>`;
}

/**
 * The sidebar as Sheets shows it: a 300-pixel pane at the right of the sheets, the real Sidebar.html in a frame,
 * wired to the emulated server. Opened by the menu's Review exceptions (or the link above the sheets); it stays open
 * while the sheets beside it refresh.
 */
function sidebarPane(openedNow: boolean): string {
  return `<aside id="sidebar-pane" class="sidebar-pane" hidden aria-label="Review exceptions sidebar"${openedNow ? ' data-opened="1"' : ''}>
<div class="pane-head"><strong>Review exceptions</strong><button type="button" id="close-sidebar" aria-label="Close the sidebar">×</button></div>
<iframe title="Review exceptions" name="review-sidebar"></iframe>
</aside>`;
}

export function renderSpreadsheet(
  runtime: ScriptRuntime,
  outcome: ShownOutcome | null,
  revision: string,
): string {
  const ss = runtime.fakes.spreadsheet;
  const names = ss.sheetNames();
  const lists = new DropDownLists();
  const sheets = names.map((n, i) => renderSheet(runtime, n, i, lists)).join('\n');
  const nav = names.map((n, i) => `<a href="#s${i}">${escapeHtml(n)}</a>`).join('');
  const noLedger = !names.some((n) => n.toLowerCase() === 'ledger')
    ? '<p class="hint">This spreadsheet has no <code>Ledger</code> sheet yet: choose <b>Set up ledger</b> from ' +
      'the menu above, then add your invoices to the Ledger.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(ss.getName())} · Stripe Ledger emulator</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${STYLE}</style>
</head>
<body data-revision="${escapeHtml(revision)}">
<header>
<div class="title-row">
<h1>${escapeHtml(ss.getName())}</h1>
<nav class="menubar" aria-label="Menus">${renderMenus(runtime)}</nav>
<nav class="sheets" aria-label="Sheets">${nav}<a href="/sidebar" id="open-sidebar">Review sidebar</a></nav>
<label class="toggle"><input type="checkbox" id="show-hidden"> hidden columns</label>
<span class="meta">local emulator · ${escapeHtml(ss.getSpreadsheetTimeZone())}</span>
</div>
<form id="formula-bar" method="post" action="/cells" autocomplete="off">
<output id="name-box" aria-label="Selected cell">—</output>
<input type="hidden" name="sheet"><input type="hidden" name="row"><input type="hidden" name="column">
<input name="value" id="formula" aria-label="Cell value" placeholder="Select a cell, type, press Enter" disabled>
<button type="submit" disabled>Enter</button>
</form>
</header>
${outcome ? renderOutcome(outcome) : ''}
<main>
${noLedger}
${sheets}
</main>
${lists.html()}
${sidebarPane(outcome !== null && outcome.ui.sidebars.length > 0)}
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
