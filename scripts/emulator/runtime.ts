// The emulated Apps Script project: the built dist/Code.js in a node:vm context whose globals are the in-memory
// Apps Script services (the same fakes as the tests), saved to a file after every execution. One emulator owns its
// state folder: a second one pointed at the same folder is refused rather than left to overwrite it.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { createGasFakes, type GasFakes, GLOBAL_NAMES, type MenuRecord, type UiLog } from '../../fakes/gas';
import { seedDemoLedger } from './demo-ledger';
import { StartupError } from './startup-error';
import { lockStateFolder } from './state-folder';
import { parseWebhookSecrets } from './webhook-secrets';

export const SECRETS_PROPERTY = 'STRIPE_WEBHOOK_SECRETS';

/** Clearly not a Stripe-issued secret: the emulator's default, printed at start, shared with `npm run demo`. */
export const DEMO_WEBHOOK_SECRET = 'whsec_demo_local_emulator_only_not_a_stripe_secret';

/** Globals the fakes put into the context; never callable from the sidebar or the menu. */
const SERVICE_NAMES = new Set<string>(GLOBAL_NAMES);

export interface RuntimeOptions {
  /** Folder holding `state.json` (created when missing). */
  stateDir: string;
  /** Folder holding `Code.js` and, once the sidebar exists, `Sidebar.html`. */
  distDir: string;
  /**
   * STRIPE_WEBHOOK_SECRETS for this run only, never saved: undefined keeps the saved value, '' runs without any.
   * A malformed value is refused (StartupError) before anything is read or written.
   */
  secrets?: string;
  /** Start a missing state with an empty spreadsheet instead of the demo ledger. */
  empty?: boolean;
}

/** What an execution showed the person at the spreadsheet. */
export interface UiOutput {
  alerts: UiLog['alerts'];
  dialogs: UiLog['dialogs'];
  sidebars: UiLog['sidebars'];
  toasts: UiLog['toasts'];
}

export interface Execution {
  value?: unknown;
  /** What Apps Script would show for an uncaught error, e.g. `Exception: Sheet "Ledger" is missing…`. */
  error?: { name: string; message: string };
  ui: UiOutput;
}

export interface ScriptRuntime {
  fakes: GasFakes;
  /** True when this start created the demo ledger (no saved state). */
  seeded: boolean;
  stateFile: string;
  /** Top-level functions of dist/Code.js: what triggers, menus and `google.script.run` can call. */
  functionNames: ReadonlySet<string>;
  /** Runs one execution of a top-level function, as Apps Script would, then saves the state; errors are thrown. */
  call(name: string, ...args: unknown[]): unknown;
  /** The same, keeping the error and what the execution showed (alerts, dialogs, sidebars, toasts). */
  execute(name: string, ...args: unknown[]): Execution;
  /** Saves a change made outside an execution (a person's edit) and tells open pages. */
  commit(): void;
  /** The menus `onOpen` built when the spreadsheet was opened (at start). */
  menus(): MenuRecord[];
  /** Bumped after every execution and edit, so an open page can tell that the sheets changed. */
  revision(): string;
  configuredSecrets(): string[];
  /** Where the secrets in use come from. */
  secretsSource: 'environment' | 'saved' | 'none';
  close(): void;
}

export function loadScriptRuntime(options: RuntimeOptions): ScriptRuntime {
  // Refused before anything is read or written: a typo must not leave a state behind.
  const override = options.secrets === undefined ? undefined : parseWebhookSecrets(options.secrets).join(',');
  const stateFile = join(options.stateDir, 'state.json');
  mkdirSync(options.stateDir, { recursive: true });
  const unlock = lockStateFolder(options.stateDir);
  try {
    return open(options, stateFile, override, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

function open(
  options: RuntimeOptions,
  stateFile: string,
  override: string | undefined,
  unlock: () => void,
): ScriptRuntime {
  const fakes = createGasFakes({
    spreadsheetId: 'emulated-ledger',
    spreadsheetName: 'Tuition Ledger (emulated)',
    // The reviewer is the spreadsheet's owner: Session.getActiveUser() and getEffectiveUser() are the same person.
    ownerEmail: 'owner@school.example',
    htmlFiles: (name) => {
      const file = join(options.distDir, `${name}.html`);
      return existsSync(file) ? readFileSync(file, 'utf8') : (undefined as unknown as string);
    },
    fetch: (request) => {
      // As Apps Script words a host it cannot reach: the emulator never leaves this machine.
      throw offline(request.url);
    },
  });
  const context = vm.createContext({}) as vm.Context & Record<string, unknown>;
  fakes.install(context);
  vm.runInContext(readFileSync(join(options.distDir, 'Code.js'), 'utf8'), context, { filename: 'Code.js' });
  const functionNames = new Set(
    Object.keys(context).filter((name) => typeof context[name] === 'function' && !SERVICE_NAMES.has(name)),
  );
  const properties = fakes.properties.script;

  // The environment's secrets live in memory only; the file keeps what was saved, unless a script changes it.
  let saved: string | undefined;
  let overlay: string | undefined;
  const save = (): void => {
    const current = properties.get(SECRETS_PROPERTY);
    if (overlay !== undefined && (current ?? '') !== overlay) {
      overlay = undefined;
      saved = current;
    }
    if (overlay !== undefined) setOrDelete(saved);
    const snapshot = fakes.snapshot();
    if (overlay !== undefined) setOrDelete(overlay || undefined);
    // Write then rename, so a crash mid-write never leaves half a ledger behind.
    const temporary = `${stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, snapshot);
    renameSync(temporary, stateFile);
  };
  const setOrDelete = (value: string | undefined): void => {
    if (value === undefined) properties.delete(SECRETS_PROPERTY);
    else properties.set(SECRETS_PROPERTY, value);
  };

  let executions = 0;
  const startedAt = Date.now().toString(36);
  const uiLog = fakes.ui;
  const call = (name: string, ...args: unknown[]): unknown => {
    const fn = context[name];
    if (typeof fn !== 'function' || !functionNames.has(name)) {
      throw new Error(`dist/Code.js has no top-level function ${name}`);
    }
    try {
      return fn(...args);
    } finally {
      // Apps Script releases every lock when an execution ends.
      fakes.lock.endExecution();
      executions += 1;
      save();
    }
  };
  const execute = (name: string, ...args: unknown[]): Execution => {
    const before = {
      alerts: uiLog.alerts.length,
      dialogs: uiLog.dialogs.length,
      sidebars: uiLog.sidebars.length,
      toasts: uiLog.toasts.length,
    };
    const shown = (): UiOutput => ({
      alerts: uiLog.alerts.slice(before.alerts),
      dialogs: uiLog.dialogs.slice(before.dialogs),
      sidebars: uiLog.sidebars.slice(before.sidebars),
      toasts: uiLog.toasts.slice(before.toasts),
    });
    try {
      return { value: call(name, ...args), ui: shown() };
    } catch (error) {
      const named = error instanceof Error || (error && typeof error === 'object' && 'message' in error);
      const { name: errorName, message } = named
        ? (error as Error)
        : { name: 'Error', message: String(error) };
      return { error: { name: String(errorName || 'Error'), message: String(message) }, ui: shown() };
    }
  };

  let seeded = false;
  if (existsSync(stateFile)) {
    try {
      fakes.restore(readFileSync(stateFile, 'utf8'));
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new StartupError(
        `${stateFile} cannot be read (${detail}): move it away for a fresh demo ledger, e.g. ` +
          `mv ${stateFile} ${stateFile}.broken`,
      );
    }
  } else if (!options.empty) {
    seedDemoLedger(fakes, (name) => call(name));
    properties.set(SECRETS_PROPERTY, DEMO_WEBHOOK_SECRET);
    seeded = true;
  }
  saved = properties.get(SECRETS_PROPERTY);
  if (override !== undefined) {
    overlay = override;
    setOrDelete(override || undefined);
  }
  save();

  // Sheets runs onOpen when the spreadsheet opens: that builds the menu the page shows.
  const opened = functionNames.has('onOpen')
    ? execute('onOpen', { authMode: 'LIMITED', source: fakes.globals.SpreadsheetApp.getActiveSpreadsheet() })
    : null;

  return {
    fakes,
    seeded,
    stateFile,
    functionNames,
    call,
    execute,
    commit: () => {
      executions += 1;
      save();
    },
    menus: () => (opened && !opened.error ? uiLog.menus : []),
    revision: () => `${startedAt}-${executions}`,
    configuredSecrets: () =>
      (properties.get(SECRETS_PROPERTY) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    secretsSource: override !== undefined ? 'environment' : saved ? 'saved' : 'none',
    close: unlock,
  };
}

function offline(url: string): Error {
  const host = /^[a-z]+:\/\/([^/?#]+)/i.exec(url)?.[1] ?? url;
  const error = new Error(
    `Address unavailable: ${host} (the local emulator makes no requests to the network; syncing with Stripe ` +
      'needs the add-on in Apps Script)',
  );
  error.name = 'Exception';
  return error;
}
