// The emulated Apps Script project: the built dist/Code.js in a node:vm context whose globals are the in-memory
// Apps Script services (the same fakes as the tests), saved to a file after every execution.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { createGasFakes, type GasFakes, GLOBAL_NAMES } from '../../fakes/gas';
import { seedDemoLedger } from './demo-ledger';

export const SECRETS_PROPERTY = 'STRIPE_WEBHOOK_SECRETS';

/** Clearly not a Stripe-issued secret: the emulator's default, printed at start, shared with `npm run demo`. */
export const DEMO_WEBHOOK_SECRET = 'whsec_demo_local_emulator_only_not_a_stripe_secret';

/** Globals the fakes put into the context; never callable from the sidebar. */
const SERVICE_NAMES = new Set<string>(GLOBAL_NAMES);

export interface RuntimeOptions {
  /** Folder holding `state.json` (created when missing). */
  stateDir: string;
  /** Folder holding `Code.js` and, once the sidebar exists, `Sidebar.html`. */
  distDir: string;
  /** Overrides the saved `STRIPE_WEBHOOK_SECRETS`; '' removes it. Undefined keeps the saved value. */
  secrets?: string;
}

export interface ScriptRuntime {
  fakes: GasFakes;
  /** True when this start created the demo ledger (no saved state). */
  seeded: boolean;
  stateFile: string;
  /** Top-level functions of dist/Code.js: what triggers, menus and `google.script.run` can call. */
  functionNames: ReadonlySet<string>;
  /** Runs one execution of a top-level function, as Apps Script would, then saves the state. */
  call(name: string, ...args: unknown[]): unknown;
  /** Bumped after every execution, so an open page can tell that the sheets changed. */
  revision(): string;
  configuredSecrets(): string[];
}

export function loadScriptRuntime(options: RuntimeOptions): ScriptRuntime {
  const stateFile = join(options.stateDir, 'state.json');
  const fakes = createGasFakes({
    spreadsheetId: 'emulated-ledger',
    spreadsheetName: 'Tuition Ledger (emulated)',
    // The reviewer is the spreadsheet's owner: Session.getActiveUser() and getEffectiveUser() are the same person.
    ownerEmail: 'owner@school.example',
    htmlFiles: (name) => {
      const file = join(options.distDir, `${name}.html`);
      return existsSync(file) ? readFileSync(file, 'utf8') : (undefined as unknown as string);
    },
  });
  const context = vm.createContext({}) as vm.Context & Record<string, unknown>;
  fakes.install(context);
  vm.runInContext(readFileSync(join(options.distDir, 'Code.js'), 'utf8'), context, { filename: 'Code.js' });
  const functionNames = new Set(
    Object.keys(context).filter((name) => typeof context[name] === 'function' && !SERVICE_NAMES.has(name)),
  );

  const save = (): void => {
    mkdirSync(options.stateDir, { recursive: true });
    // Write then rename, so a crash mid-write never leaves half a ledger behind.
    const temporary = `${stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, fakes.snapshot());
    renameSync(temporary, stateFile);
  };

  let executions = 0;
  const startedAt = Date.now().toString(36);
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

  let seeded = false;
  if (existsSync(stateFile)) {
    try {
      fakes.restore(readFileSync(stateFile, 'utf8'));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Cannot read ${stateFile} (${detail}). Move it away to start with a fresh demo ledger.`,
      );
    }
  } else {
    seedDemoLedger(fakes, (name) => call(name));
    fakes.properties.script.set(SECRETS_PROPERTY, DEMO_WEBHOOK_SECRET);
    seeded = true;
  }
  if (options.secrets !== undefined) {
    if (options.secrets.trim() === '') fakes.properties.script.delete(SECRETS_PROPERTY);
    else fakes.properties.script.set(SECRETS_PROPERTY, options.secrets);
  }
  save();

  return {
    fakes,
    seeded,
    stateFile,
    functionNames,
    call,
    revision: () => `${startedAt}-${executions}`,
    configuredSecrets: () =>
      (fakes.properties.script.get(SECRETS_PROPERTY) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
  };
}
