// The routes that make GET / a trial rather than a picture: POST /cells (type into a cell), POST /rows (add a row),
// POST /menu (run a menu item), POST /outcome/dismiss. Each takes a plain HTML form (the page works without
// JavaScript) or JSON, and remembers its outcome for GET / to show, as Sheets shows a dialog or a toast.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScriptRuntime } from './runtime';
import { addRow, type Outcome, runMenuItem, typeIntoCell } from './user-actions';

export const TRIAL_PATHS = new Set(['/cells', '/rows', '/menu', '/outcome/dismiss']);

export interface ShownOutcome extends Outcome {
  /** Changes with every action, so the page can tell a new outcome from one already dismissed. */
  id: number;
  /** Where the page scrolls back to: the edited cell or the sheet. */
  anchor: string;
}

export interface OutcomeBoard {
  current: ShownOutcome | null;
  next: number;
}

type Fields = Record<string, string | string[]>;

export async function handleTrial(
  runtime: ScriptRuntime,
  board: OutcomeBoard,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
  log: (line: string) => void,
): Promise<void> {
  const json = String(request.headers['content-type'] ?? '').startsWith('application/json');
  const fields = json ? parseJson(body) : parseForm(body);
  if (fields === null)
    return answer(response, json, 400, { ok: false, problem: 'The body is not JSON.' }, '/');
  if (path === '/outcome/dismiss') {
    board.current = null;
    return answer(response, json, 200, { ok: true }, '/');
  }
  const text = (name: string): string => {
    const value = fields[name];
    return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  };
  const sheet = text('sheet');
  let outcome: Outcome;
  let anchor = '';
  if (path === '/cells') {
    const row = Number(text('row'));
    const column = Number(text('column'));
    outcome = typeIntoCell(runtime, { sheet, row, column, text: text('value') });
    anchor = cellAnchor(runtime, sheet, row, column);
  } else if (path === '/rows') {
    const values = fields.values;
    outcome = addRow(runtime, sheet, Array.isArray(values) ? values.map(String) : [String(values ?? '')]);
    anchor = sheetAnchor(runtime, sheet);
  } else {
    outcome = runMenuItem(runtime, text('function'));
  }
  board.next += 1;
  board.current = { ...outcome, id: board.next, anchor };
  log(`${outcome.title}: ${outcome.problem ?? 'done'}`);
  return answer(
    response,
    json,
    200,
    { ok: outcome.problem === null, ...outcome },
    anchor ? `/#${anchor}` : '/',
  );
}

/** The id GET / gives a cell: `s<sheet index>-<A1>`. */
export function cellAnchor(runtime: ScriptRuntime, sheet: string, row: number, column: number): string {
  const index = runtime.fakes.spreadsheet.sheetNames().indexOf(sheet);
  return index < 0 || !Number.isInteger(row) || !Number.isInteger(column)
    ? ''
    : `s${index}-r${row}c${column}`;
}

export function sheetAnchor(runtime: ScriptRuntime, sheet: string): string {
  const index = runtime.fakes.spreadsheet.sheetNames().indexOf(sheet);
  return index < 0 ? '' : `s${index}`;
}

function answer(
  response: ServerResponse,
  json: boolean,
  status: number,
  body: object,
  location: string,
): void {
  if (json) {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    response.end(text);
    return;
  }
  // Post/redirect/get: a reload of the page does not repeat the action.
  response.writeHead(303, { Location: location, 'Content-Length': 0, 'Cache-Control': 'no-store' });
  response.end();
}

function parseForm(body: string): Fields {
  const fields: Fields = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (name === 'values') {
      const list = fields.values;
      fields.values = Array.isArray(list) ? [...list, value] : [value];
    } else {
      fields[name] = value;
    }
  }
  return fields;
}

function parseJson(body: string): Fields | null {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const fields: Fields = {};
    for (const [name, value] of Object.entries(parsed)) {
      fields[name] = Array.isArray(value) ? value.map((v) => String(v ?? '')) : String(value ?? '');
    }
    return fields;
  } catch {
    return null;
  }
}
