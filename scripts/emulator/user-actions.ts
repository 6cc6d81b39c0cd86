// What a person does at the emulated spreadsheet: types into a cell, adds a row, picks a menu item. Edits go through
// the fake spreadsheet as a person's typing (protections and drop-downs bite; a script's writes are never refused),
// then fire onEdit as Sheets does; a menu item runs the function `onOpen` put in the menu, as its own execution.

import type { MenuEntry, MenuRecord } from '../../fakes/gas';
import { cellA1 } from '../../fakes/gas-a1';
import type { ScriptRuntime, UiOutput } from './runtime';

/** What the page shows after an action: its title, what went wrong, and what the add-on showed. */
export interface Outcome {
  title: string;
  /** A refusal (protection, drop-down) or an uncaught error, in the words Sheets or Apps Script would use. */
  problem: string | null;
  ui: UiOutput;
}

const NOTHING: UiOutput = { alerts: [], dialogs: [], sidebars: [], toasts: [] };

export interface CellEntry {
  sheet: string;
  /** 1-based. */
  row: number;
  column: number;
  text: string;
}

/** Types `text` into one cell. */
export function typeIntoCell(runtime: ScriptRuntime, entry: CellEntry): Outcome {
  const { sheet, row, column, text } = entry;
  const target = runtime.fakes.spreadsheet.getSheetByName(sheet);
  const title = `Edit ${sheet}!${cellA1(row, column)}`;
  if (!target) return refused(title, `There is no sheet named "${sheet}".`);
  if (!fits(row, target.getMaxRows()) || !fits(column, target.getMaxColumns())) {
    return refused(title, `${sheet} has no cell ${cellA1(row, column)}.`);
  }
  return typeAndTrigger(runtime, title, sheet, row, column, [[text]]);
}

/** Types a new row below the sheet's last one, adding a grid row first when the sheet is full (as "Add rows"). */
export function addRow(runtime: ScriptRuntime, sheet: string, texts: string[]): Outcome {
  const target = runtime.fakes.spreadsheet.getSheetByName(sheet);
  const title = `Add a row to ${sheet}`;
  if (!target) return refused(title, `There is no sheet named "${sheet}".`);
  const width = lastFilled(texts);
  if (width === 0) return refused(title, 'Type something into at least one cell of the new row.');
  if (width > target.getMaxColumns())
    return refused(title, `${sheet} has only ${target.getMaxColumns()} columns.`);
  const row = target.getLastRow() + 1;
  if (row > target.getMaxRows()) target.insertRowsAfter(target.getMaxRows(), 1);
  return typeAndTrigger(runtime, title, sheet, row, 1, [texts.slice(0, width)]);
}

/** Runs a menu item's function by name; only functions `onOpen` put in the menu can be run this way. */
export function runMenuItem(runtime: ScriptRuntime, functionName: string): Outcome {
  const item = menuItems(runtime.menus()).find((entry) => entry.functionName === functionName);
  if (!item) return refused('Menu', `No menu item runs ${functionName}.`);
  const title = item.caption;
  // Apps Script's own words when a menu names a function the script does not have.
  if (!runtime.functionNames.has(functionName))
    return refused(title, `Script function not found: ${functionName}`);
  const execution = runtime.execute(functionName);
  return { title, problem: describe(execution.error), ui: execution.ui };
}

/** Every item of the menus, submenus included, in menu order. */
export function menuItems(menus: MenuRecord[]): { caption: string; functionName: string }[] {
  const items: { caption: string; functionName: string }[] = [];
  const walk = (entries: MenuEntry[]): void => {
    for (const entry of entries) {
      if ('functionName' in entry) items.push(entry);
      else if ('subMenu' in entry) walk(entry.subMenu.items);
    }
  };
  for (const menu of menus) walk(menu.items);
  return items;
}

function typeAndTrigger(
  runtime: ScriptRuntime,
  title: string,
  sheet: string,
  row: number,
  column: number,
  entries: string[][],
): Outcome {
  const edit = runtime.fakes.typeInto(sheet, row, column, entries);
  if (!edit.ok) return refused(title, edit.message);
  runtime.commit();
  // The simple trigger, then any installed on-edit triggers, each an execution of its own.
  const handlers = [
    ...(runtime.functionNames.has('onEdit') ? ['onEdit'] : []),
    ...runtime.fakes
      .triggers()
      .filter((trigger) => trigger.eventType === 'ON_EDIT')
      .map((trigger) => trigger.handler),
  ];
  const ui: UiOutput = { alerts: [], dialogs: [], sidebars: [], toasts: [] };
  const problems: string[] = [];
  for (const handler of handlers) {
    const event = {
      authMode: handler === 'onEdit' ? 'LIMITED' : 'FULL',
      range: edit.range,
      source: runtime.fakes.globals.SpreadsheetApp.getActiveSpreadsheet(),
      user: runtime.fakes.globals.Session.getActiveUser(),
      ...(edit.value !== undefined ? { value: edit.value } : {}),
      ...(edit.oldValue !== undefined ? { oldValue: edit.oldValue } : {}),
    };
    const execution = runtime.execute(handler, event);
    for (const key of Object.keys(ui) as (keyof UiOutput)[]) ui[key].push(...(execution.ui[key] as never[]));
    const problem = describe(execution.error);
    if (problem) problems.push(`${handler}: ${problem}`);
  }
  return { title, problem: problems.length > 0 ? problems.join(' ') : null, ui };
}

function refused(title: string, problem: string): Outcome {
  return { title, problem, ui: NOTHING };
}

function describe(error: { name: string; message: string } | undefined): string | null {
  if (!error) return null;
  return error.name === 'Exception' || error.name === 'Error'
    ? `${error.name}: ${error.message}`
    : error.message;
}

function fits(position: number, max: number): boolean {
  return Number.isInteger(position) && position >= 1 && position <= max;
}

function lastFilled(texts: string[]): number {
  for (let i = texts.length - 1; i >= 0; i--) if ((texts[i] ?? '') !== '') return i + 1;
  return 0;
}
