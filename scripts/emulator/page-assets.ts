// How GET / looks and behaves in the browser. The page is complete without the script (forms post, the server
// redirects back); the script adds what a grid needs: select a cell, edit it in the formula bar (double-click,
// Enter, F2, or just start typing), and reload when an execution changed the sheets, without losing what is typed.

export const STYLE = `
:root { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", sans-serif;
  color: #202124; background: #f8f9fa; }
body { margin: 0; }
header { position: sticky; top: 0; z-index: 3; background: #fff; border-bottom: 1px solid #dadce0; }
.title-row { display: flex; gap: 1.2em; align-items: center; flex-wrap: wrap; padding: .5em 1.2em .3em; }
header h1 { font-size: 1.15em; margin: 0; color: #188038; }
nav.sheets a { margin-right: 1em; color: #1a73e8; text-decoration: none; }
.meta { color: #5f6368; margin-left: auto; }
.menu { position: relative; }
.menu summary { cursor: pointer; padding: .2em .6em; border-radius: 4px; list-style: none; font-weight: 600; }
.menu summary::after { content: " ▾"; color: #5f6368; }
.menu[open] summary, .menu summary:hover { background: #e8f0fe; }
.menu-items { position: absolute; z-index: 5; top: 1.9em; left: 0; min-width: 17em; padding: .3em 0; background: #fff;
  border: 1px solid #dadce0; border-radius: 4px; box-shadow: 0 2px 6px rgba(60,64,67,.3); }
.menu-items button { display: block; width: 100%; text-align: left; padding: .45em 1.2em; border: 0;
  background: none; font: inherit; cursor: pointer; }
.menu-items button:hover, .menu-items button:focus { background: #f1f3f4; }
.menu-items hr { border: 0; border-top: 1px solid #dadce0; margin: .3em 0; }
.menu-items strong { display: block; padding: .45em 1.2em .2em; color: #5f6368; font-weight: 600; }
#formula-bar { display: flex; gap: .5em; align-items: center; padding: .3em 1.2em .5em; }
#name-box { min-width: 9em; padding: .2em .5em; border: 1px solid #dadce0; border-radius: 3px; color: #5f6368; }
#formula { flex: 1; font: inherit; padding: .25em .5em; border: 1px solid #dadce0; border-radius: 3px; }
#formula:focus { outline: 2px solid #1a73e8; outline-offset: -1px; }
main { padding: .4em 1.2em 2em; }
h2 { font-size: 1em; margin: 1.2em 0 .4em; }
h2 small { color: #5f6368; font-weight: normal; margin-left: .5em; }
section.sheet { scroll-margin-top: 6em; }
.grid { overflow: auto; max-height: 70vh; background: #fff; border: 1px solid #dadce0; }
table { border-collapse: separate; border-spacing: 0; }
th, td { padding: 3px 6px; border-right: 1px solid #e8eaed; border-bottom: 1px solid #e8eaed; text-align: left;
  white-space: nowrap; max-width: 22em; overflow: hidden; text-overflow: ellipsis; cursor: cell;
  scroll-margin-top: 7em; }
thead th { position: sticky; top: 0; z-index: 1; background: #f1f3f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.dropdown::after { content: " ▾"; color: #80868b; font-weight: normal; }
td.invalid { background-image: linear-gradient(225deg, #d93025 5px, transparent 5px); }
td.selected, th.selected { outline: 2px solid #1a73e8; outline-offset: -2px; }
tbody tr:hover td:not([style]) { background: #e8f0fe; }
.hidden-column { display: none; }
body:has(#show-hidden:checked) .hidden-column { display: table-cell; color: #80868b; }
body:has(#show-hidden:checked) label.hidden-column { display: inline-flex; }
.hint { color: #5f6368; background: #fff; border: 1px dashed #dadce0; padding: .6em .9em; margin: .5em 0; }
.add-row summary { cursor: pointer; color: #1a73e8; margin: .4em 0; }
.add-row form { display: flex; flex-wrap: wrap; gap: .5em; align-items: flex-end; }
.add-row label { display: inline-flex; flex-direction: column; font-size: .9em; color: #5f6368; }
.add-row input { font: inherit; width: 9em; padding: .2em .4em; border: 1px solid #dadce0; border-radius: 3px; }
.outcome { position: fixed; top: 6.5em; left: 50%; transform: translateX(-50%); z-index: 4;
  width: min(62em, calc(100vw - 3em)); box-sizing: border-box; padding: .6em 1em; background: #fff;
  border: 1px solid #dadce0; border-left: 4px solid #1a73e8; border-radius: 4px;
  box-shadow: 0 4px 16px rgba(60,64,67,.35); max-height: calc(100vh - 9em); overflow: auto; }
.outcome.failed { border-left-color: #d93025; }
.outcome h3 { margin: 0 0 .4em; font-size: 1em; }
.outcome .close { float: right; border: 0; background: none; font-size: 1.3em; cursor: pointer; color: #5f6368; }
.outcome .problem { color: #a50e0e; }
.outcome .pressed, .outcome .quiet { color: #5f6368; font-size: .9em; }
.outcome .alert, .outcome .dialog { border-top: 1px solid #e8eaed; padding-top: .4em; }
.outcome iframe { width: 100%; height: 22em; border: 1px solid #e8eaed; background: #fff; }
.toasts { position: fixed; right: 1.2em; bottom: 1.2em; z-index: 6; display: flex; flex-direction: column;
  gap: .5em; max-width: 28em; }
.toast { background: #323232; color: #fff; padding: .7em 1em; border-radius: 4px;
  box-shadow: 0 2px 6px rgba(0,0,0,.3); }
.sidebar-pane { position: fixed; top: 0; right: 0; bottom: 0; width: 300px; z-index: 7; display: flex;
  flex-direction: column; background: #fff; border-left: 1px solid #dadce0; box-shadow: -2px 0 6px rgba(60,64,67,.15); }
.sidebar-pane[hidden] { display: none; }
.pane-head { display: flex; justify-content: space-between; align-items: center; padding: .6em .8em;
  border-bottom: 1px solid #dadce0; }
.pane-head button { border: 0; background: none; font-size: 1.4em; line-height: 1; cursor: pointer; color: #5f6368; }
.sidebar-pane iframe { flex: 1; border: 0; width: 100%; }
body.with-sidebar header, body.with-sidebar main { margin-right: 300px; }
body.with-sidebar .toasts { right: calc(300px + 1.2em); }
`;

export const CLIENT_SCRIPT = `
(() => {
  const bar = document.getElementById('formula-bar');
  const input = bar.elements.value;
  const nameBox = document.getElementById('name-box');
  const letters = (n) => { let s = ''; for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s; return s; };
  const original = (cell) => cell.dataset.edit ?? cell.textContent;
  let selected = null;
  const select = (cell) => {
    if (selected) selected.classList.remove('selected');
    selected = cell;
    cell.classList.add('selected');
    const sheet = cell.closest('section').dataset.sheet;
    bar.elements.sheet.value = sheet;
    bar.elements.row.value = cell.dataset.r;
    bar.elements.column.value = cell.dataset.c;
    nameBox.textContent = sheet + '!' + letters(Number(cell.dataset.c)) + cell.dataset.r;
    input.value = original(cell);
    input.disabled = false;
    bar.querySelector('button').disabled = false;
    if (cell.dataset.list) input.setAttribute('list', cell.dataset.list); else input.removeAttribute('list');
  };
  const edit = (fresh) => { if (fresh !== undefined) input.value = fresh; input.focus(); if (fresh === undefined) input.select(); };
  document.addEventListener('click', (event) => {
    const cell = event.target.closest('[data-r]');
    if (cell) select(cell);
    for (const menu of document.querySelectorAll('details.menu[open]')) if (!menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener('dblclick', (event) => {
    const cell = event.target.closest('[data-r]');
    if (cell) { select(cell); edit(); }
  });
  document.addEventListener('keydown', (event) => {
    if (!selected || event.target.closest('input, textarea, select, button, summary')) return;
    if (event.key === 'Enter' || event.key === 'F2') { event.preventDefault(); edit(); }
    else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) { event.preventDefault(); edit(event.key); }
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && selected) { input.value = original(selected); input.blur(); }
  });
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.dataset.r) select(target);

  const hiddenToggle = document.getElementById('show-hidden');
  hiddenToggle.checked = sessionStorage.getItem('show-hidden') === '1';
  hiddenToggle.addEventListener('change', () => sessionStorage.setItem('show-hidden', hiddenToggle.checked ? '1' : ''));
  addEventListener('beforeunload', () => sessionStorage.setItem('scroll', String(scrollY)));
  if (!location.hash) { const y = Number(sessionStorage.getItem('scroll')); if (y) scrollTo(0, y); }

  // The review sidebar at the right, as Sheets shows it: opened by the menu (the page says so) or the link, and kept
  // open across reloads of the page.
  const pane = document.getElementById('sidebar-pane');
  const frame = pane.querySelector('iframe');
  const showPane = (open) => {
    pane.hidden = !open;
    document.body.classList.toggle('with-sidebar', open);
    sessionStorage.setItem('sidebar', open ? '1' : '');
    if (open && !frame.getAttribute('src')) frame.setAttribute('src', '/sidebar');
  };
  document.getElementById('open-sidebar').addEventListener('click', (event) => { event.preventDefault(); showPane(true); });
  document.getElementById('close-sidebar').addEventListener('click', () => showPane(false));
  if (pane.dataset.opened === '1' || sessionStorage.getItem('sidebar') === '1') showPane(true);

  // Refresh when an execution changed the sheets (npm run demo can be watched live), but never under a person
  // who is typing. With the sidebar open only the sheets are redrawn, so the sidebar keeps its place.
  const busy = () => document.activeElement && document.activeElement.matches('input:not([type=checkbox]), textarea, select');
  let seen = document.body.dataset.revision;
  const redrawSheets = async () => {
    const fresh = new DOMParser().parseFromString(await (await fetch('/', { cache: 'no-store' })).text(), 'text/html');
    document.querySelector('main').replaceWith(fresh.querySelector('main'));
    for (const old of document.querySelectorAll('.outcome, .toasts')) old.remove();
    document.body.dataset.revision = fresh.body.dataset.revision;
  };
  setInterval(async () => {
    try {
      const now = await (await fetch('/revision', { cache: 'no-store' })).text();
      if (now === seen || busy()) return;
      seen = now;
      if (pane.hidden) location.reload();
      else await redrawSheets();
    } catch {}
  }, 2000);
})();
`;
