// Honest in-memory fakes of the Apps Script services this add-on uses. Where real Sheets or Apps Script bites
// (formulas from `=` text, 50,000-character cells, shape checks, signed HMAC bytes, lock timeouts, quotas), so do
// these. Used by the src/gas integration tests, the dist/Code.js bundle test (node:vm), the local emulator
// (snapshot/restore) and the benchmark (counters).

import * as vm from 'node:vm';
import type { FakeFetchHandler } from './fetch-types';
import { type ConditionalFormat, conditionalFormatAt } from './gas-conditional-formats';
import {
  type CallHook,
  createClock,
  decodeState,
  Env,
  encodeState,
  type GasCounters,
  type Realm,
} from './gas-core';
import { type DataValidationState, validationProblem } from './gas-data-validation';
import { FakeMailApp, type MailOptions, type SentMail } from './gas-mail';
import {
  createFakeConsole,
  FakeLogger,
  FakeScriptApp,
  FakeSession,
  type TriggerRecord,
  type TriggerStore,
} from './gas-script';
import { type Cell, type CellValue, displayOf, FakeSpreadsheet, type SpreadsheetState } from './gas-sheets';
import {
  type CacheEntry,
  FakeCacheService,
  FakeLockService,
  FakePropertiesService,
  type LockState,
} from './gas-stores';
import { createUiLog, FakeSpreadsheetApp, FakeUi, type UiLog } from './gas-ui';
import { editText, typeInto, type UserEdit } from './gas-user-edit';
import { FakeUtilities } from './gas-utilities';
import { FakeContentService, FakeHtmlService, FakeUrlFetchApp } from './gas-web';

export type { ConditionalFormat } from './gas-conditional-formats';
export type { CallHook, GasCounters, ServiceCall } from './gas-core';
export type { DataValidationState } from './gas-data-validation';
export type { SentMail } from './gas-mail';
export type { TriggerRecord } from './gas-script';
export type { MenuEntry, MenuRecord, UiLog } from './gas-ui';

export interface GasFakeOptions {
  spreadsheetId?: string;
  spreadsheetName?: string;
  /** Spreadsheet and script time zone; default America/New_York. */
  timeZone?: string;
  /** A fake clock: sleeps, lock waits, fetch timeouts and cache expiry move it forward. Default: the real clock. */
  now?: () => Date;
  /** false = web app or trigger context: getActiveSpreadsheet() returns null and getUi() throws. Default true. */
  activeSpreadsheet?: boolean;
  /** Session.getActiveUser(); default the owner. '' for an anonymous web-app visitor. */
  userEmail?: string;
  /** Spreadsheet owner and Session.getEffectiveUser() (the web app runs as the deploying user). */
  ownerEmail?: string;
  /** Who the spreadsheet is shared with for editing besides the owner; default: the active user. */
  editors?: string[];
  fetch?: FakeFetchHandler;
  htmlFiles?: Record<string, string> | ((name: string) => string);
  scriptId?: string;
  /** The name createAddonMenu() menus get. */
  addonName?: string;
  /** What getValues returns for a formula cell (the fake does not calculate); default `#ERROR!`. */
  formulaValue?: (formula: string) => CellValue;
  /** Also print Logger/console lines to stdout. */
  echoLogs?: boolean;
  /** MailApp's daily recipient quota and failures to simulate. */
  mail?: MailOptions;
}

export interface GasGlobals {
  SpreadsheetApp: GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  PropertiesService: GoogleAppsScript.Properties.PropertiesService;
  LockService: GoogleAppsScript.Lock.LockService;
  CacheService: GoogleAppsScript.Cache.CacheService;
  Utilities: GoogleAppsScript.Utilities.Utilities;
  ContentService: GoogleAppsScript.Content.ContentService;
  HtmlService: GoogleAppsScript.HTML.HtmlService;
  UrlFetchApp: GoogleAppsScript.URL_Fetch.UrlFetchApp;
  MailApp: GoogleAppsScript.Mail.MailApp;
  ScriptApp: GoogleAppsScript.Script.ScriptApp;
  Session: GoogleAppsScript.Base.Session;
  Logger: GoogleAppsScript.Base.Logger;
  console: Console;
}

/** Test-side reads of the spreadsheet, in the shapes Sheets would return; they are not counted. */
export interface SpreadsheetHelpers {
  /** Values of the used range (A1 to last row × last column); [] for an empty sheet. */
  sheetValues(sheetName: string): CellValue[][];
  formulas(sheetName: string): string[][];
  displayValues(sheetName: string): string[][];
  numberFormats(sheetName: string): string[][];
  notes(sheetName: string): string[][];
  sheetNames(): string[];
  /** What the conditional-format rules make of each cell of the used range (null: no rule applies). */
  conditionalFormats(sheetName: string): (ConditionalFormat | null)[][];
  /** The data-validation rule of each cell of the used range, and whether the cell breaks it. */
  dataValidations(sheetName: string): ({ rule: DataValidationState; problem: string | null } | null)[][];
  /** What the formula bar shows for each cell of the used range: typing it back stores the same value. */
  editTexts(sheetName: string): string[][];
}

/** A person's edit in the grid, as opposed to a script's write (see gas-user-edit.ts). */
export type TypedEdit =
  | { ok: true; range: GoogleAppsScript.Spreadsheet.Range; value?: string; oldValue?: string }
  | { ok: false; message: string };

export interface LockControls {
  /** Simulates another execution holding the script lock: true until told false, or a number of ms from now. */
  holdScriptLock(held: boolean | number): void;
  holdDocumentLock(held: boolean | number): void;
  /** The owner's user lock (the add-on's append lock), held by another execution. */
  holdUserLock(held: boolean | number): void;
  /** Whether this execution holds the script lock. */
  scriptLockHeld(): boolean;
  /** Ends the current execution: Apps Script releases every lock it held. */
  endExecution(): void;
}

export interface GasFakes {
  globals: GasGlobals;
  install(target?: object): void;
  uninstall(): void;
  counters: GasCounters;
  /**
   * Later executions run as this person, as a sidebar's server functions do: Session.getActiveUser() and
   * getEffectiveUser() are them, and protections hold their writes. `null` returns to the owner's own runs.
   */
  runAs(email: string | null): void;
  /** The spreadsheet itself, uncounted (for arranging and reading state in tests), plus helpers. */
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet & SpreadsheetHelpers;
  /** Spreadsheets the script made with SpreadsheetApp.create, uncounted, oldest first. */
  created(): GoogleAppsScript.Spreadsheet.Spreadsheet[];
  lock: LockControls;
  clock: { now(): Date; advance(ms: number): void };
  ui: UiLog;
  logs: string[];
  /** Mail MailApp accepted, oldest first. */
  mail: { sent: SentMail[] };
  triggers(): TriggerRecord[];
  properties: { script: Map<string, string>; user: Map<string, string>; document: Map<string, string> };
  snapshot(): string;
  restore(json: string): void;
  /**
   * Sees every call the script makes through the service globals (counted first), before it runs; a hook that
   * throws fails that call. Returns the function that removes the hook.
   */
  onCall(hook: CallHook): () => void;
  /** An error shaped like an Apps Script service's (`Exception`, in the realm the fakes are installed in). */
  error(message: string): Error;
  /**
   * The active user types `entries` into the sheet from (row, column), as in the Sheets grid: protections and
   * rejecting validation rules refuse it; the range comes back as the script sees it, for an onEdit event.
   */
  typeInto(sheetName: string, row: number, column: number, entries: string[][]): TypedEdit;
}

interface Snapshot {
  version: 1;
  spreadsheet: SpreadsheetState;
  properties: { script: [string, string][]; user: [string, string][]; document: [string, string][] };
  cache: { script: [string, CacheEntry][]; user: [string, CacheEntry][]; document: [string, CacheEntry][] };
  triggers: TriggerStore;
}

/** The Apps Script globals the fakes provide, in the order `install` assigns them. */
export const GLOBAL_NAMES = [
  'SpreadsheetApp',
  'PropertiesService',
  'LockService',
  'CacheService',
  'Utilities',
  'ContentService',
  'HtmlService',
  'UrlFetchApp',
  'MailApp',
  'ScriptApp',
  'Session',
  'Logger',
  'console',
] as const;

export function createGasFakes(opts: GasFakeOptions = {}): GasFakes {
  const clock = createClock(opts.now);
  const env = new Env(clock);
  env.echoLogs = opts.echoLogs === true;
  const timeZone = opts.timeZone ?? 'America/New_York';
  const owner = opts.ownerEmail ?? 'owner@example.com';
  const activeUser = opts.userEmail ?? owner;
  const active = opts.activeSpreadsheet !== false;
  const ui = createUiLog();

  const people = { owner, activeUser, effectiveUser: owner, editors: opts.editors ?? null };
  const spreadsheet = new FakeSpreadsheet(
    env,
    opts.spreadsheetId ?? 'fake-spreadsheet-id',
    opts.spreadsheetName ?? 'Stripe Ledger',
    timeZone,
    people,
    ui,
    { formulaValue: opts.formulaValue ?? (() => '#ERROR!') },
  );
  const properties = {
    script: new Map<string, string>(),
    user: new Map<string, string>(),
    document: new Map(),
  };
  const caches = {
    script: new Map<string, CacheEntry>(),
    user: new Map<string, CacheEntry>(),
    document: new Map<string, CacheEntry>(),
  };
  const locks: Record<'script' | 'document' | 'user', LockState> = {
    script: { otherUntil: 0, ours: false },
    document: { otherUntil: 0, ours: false },
    user: { otherUntil: 0, ours: false },
  };
  const triggerStore: TriggerStore = { triggers: [], nextId: 1 };

  const raw = {
    SpreadsheetApp: new FakeSpreadsheetApp(
      env,
      spreadsheet,
      active,
      new FakeUi(env, ui, opts.addonName ?? 'Stripe Ledger'),
      (id, name) =>
        new FakeSpreadsheet(env, id, name, timeZone, people, ui, {
          formulaValue: opts.formulaValue ?? (() => '#ERROR!'),
        }),
    ),
    PropertiesService: new FakePropertiesService(env, properties),
    LockService: new FakeLockService(env, locks),
    CacheService: new FakeCacheService(env, caches),
    Utilities: new FakeUtilities(env),
    ContentService: new FakeContentService(env),
    HtmlService: new FakeHtmlService(env, opts.htmlFiles),
    UrlFetchApp: new FakeUrlFetchApp(env, opts.fetch),
    MailApp: new FakeMailApp(env, opts.mail),
    ScriptApp: new FakeScriptApp(env, triggerStore, opts.scriptId ?? 'fake-script-id'),
    Session: new FakeSession(env, people, timeZone),
    Logger: new FakeLogger(env),
  };
  const wrapped = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, env.wrap(v)]));
  const globals = { ...wrapped, console: createFakeConsole(env) } as unknown as GasGlobals;

  const sheetNamed = (name: string) => {
    const sheet = spreadsheet._sheetByName(name);
    if (!sheet) throw new Error(`No sheet named ${name}`);
    return sheet;
  };
  const sheetRead = <T>(
    name: string,
    pick: (cell: Cell | undefined, timeZone: string, row: number, column: number) => T,
  ): T[][] => {
    const sheet = sheetNamed(name);
    const lastRow = sheet._lastRow();
    const lastColumn = sheet._lastColumn();
    const out: T[][] = [];
    for (let r = 1; r <= lastRow; r++) {
      const line: T[] = [];
      for (let c = 1; c <= lastColumn; c++) line.push(pick(sheet._cell(r, c), spreadsheet.timeZone, r, c));
      out.push(line);
    }
    return out;
  };
  const helpers: SpreadsheetHelpers = {
    sheetValues: (name) =>
      sheetRead(name, (cell) => {
        const v = cell?.v ?? '';
        return v instanceof Date ? new Date(v.getTime()) : v;
      }),
    formulas: (name) => sheetRead(name, (cell) => cell?.f ?? ''),
    displayValues: (name) => sheetRead(name, displayOf),
    numberFormats: (name) => sheetRead(name, (cell) => cell?.nf ?? '0.###############'),
    notes: (name) => sheetRead(name, (cell) => cell?.note ?? ''),
    sheetNames: () => spreadsheet.sheets.map((s) => s.name),
    conditionalFormats: (name) => {
      const sheet = sheetNamed(name);
      return sheetRead(name, (_, timeZone, r, c) =>
        conditionalFormatAt(sheet, r, c, (cell) => displayOf(cell, timeZone)),
      );
    },
    dataValidations: (name) =>
      sheetRead(name, (cell, timeZone) =>
        cell?.dv
          ? { rule: cell.dv, problem: validationProblem(cell.dv, cell, displayOf(cell, timeZone)) }
          : null,
      ),
    editTexts: (name) => {
      const sheet = sheetNamed(name);
      return sheetRead(name, (_, __, r, c) => editText(sheet, r, c));
    },
  };
  Object.assign(spreadsheet, helpers);

  const hold = (state: LockState, held: boolean | number): void => {
    state.otherUntil = held === true ? Number.POSITIVE_INFINITY : held === false ? 0 : clock.nowMs() + held;
  };

  let installed: {
    target: Record<string, unknown>;
    previous: Map<string, PropertyDescriptor | undefined>;
  } | null = null;

  const fakes: GasFakes = {
    globals,
    counters: env.counters,
    spreadsheet: spreadsheet as unknown as GasFakes['spreadsheet'],
    created: () => [...raw.SpreadsheetApp.created] as unknown as ReturnType<GasFakes['created']>,
    ui,
    logs: env.logs,
    mail: { sent: raw.MailApp.sent },
    clock: { now: () => clock.now(), advance: (ms) => clock.advance(ms) },
    properties,
    triggers: () => triggerStore.triggers.map((t) => ({ ...t, schedule: { ...t.schedule } })),
    onCall: (hook) => env.onCall(hook),
    runAs: (email) => {
      people.activeUser = email ?? activeUser;
      people.effectiveUser = email ?? owner;
    },
    error: (message) => env.error(message),
    lock: {
      holdScriptLock: (held) => hold(locks.script, held),
      holdDocumentLock: (held) => hold(locks.document, held),
      holdUserLock: (held) => hold(locks.user, held),
      scriptLockHeld: () => locks.script.ours,
      endExecution: () => {
        for (const state of Object.values(locks)) state.ours = false;
      },
    },
    install(target: object = globalThis) {
      if (installed) fakes.uninstall();
      const t = target as Record<string, unknown>;
      const previous = new Map<string, PropertyDescriptor | undefined>();
      for (const name of GLOBAL_NAMES) {
        // Replacing the test runner's own console would swallow its output; the fake console goes into vm contexts.
        if (name === 'console' && target === globalThis) continue;
        previous.set(name, Object.getOwnPropertyDescriptor(t, name));
        Object.defineProperty(t, name, {
          value: (globals as unknown as Record<string, unknown>)[name],
          configurable: true,
          writable: true,
          enumerable: false,
        });
      }
      env.realm = realmOf(target);
      installed = { target: t, previous };
    },
    uninstall() {
      if (!installed) return;
      for (const [name, descriptor] of installed.previous) {
        if (descriptor) Object.defineProperty(installed.target, name, descriptor);
        else delete installed.target[name];
      }
      env.realm = { Date, Error };
      installed = null;
    },
    snapshot() {
      const state: Snapshot = {
        version: 1,
        spreadsheet: spreadsheet._toState(),
        properties: {
          script: [...properties.script],
          user: [...properties.user],
          document: [...properties.document],
        },
        cache: { script: [...caches.script], user: [...caches.user], document: [...caches.document] },
        triggers: triggerStore,
      };
      return JSON.stringify(encodeState(state));
    },
    restore(json: string) {
      const state = decodeState(JSON.parse(json)) as Snapshot;
      if (state.version !== 1) throw new Error(`Unknown fake state version ${String(state.version)}`);
      spreadsheet._fromState(state.spreadsheet);
      for (const key of ['script', 'user', 'document'] as const) {
        properties[key].clear();
        for (const [k, v] of state.properties[key]) properties[key].set(k, v);
        caches[key].clear();
        for (const [k, v] of state.cache[key]) caches[key].set(k, v);
      }
      triggerStore.triggers = state.triggers.triggers;
      triggerStore.nextId = state.triggers.nextId;
    },
    typeInto(sheetName, row, column, entries) {
      const edit: UserEdit = typeInto(sheetNamed(sheetName), row, column, entries, people.activeUser);
      if (!edit.ok) return edit;
      return { ...edit, range: env.wrap(edit.range) as unknown as GoogleAppsScript.Spreadsheet.Range };
    },
  };
  return fakes;
}

/** The Date and Error that code in `target` sees: a vm context has its own. */
function realmOf(target: object): Realm {
  if (target !== globalThis && vm.isContext(target)) {
    return {
      Date: vm.runInContext('Date', target) as DateConstructor,
      Error: vm.runInContext('Error', target) as ErrorConstructor,
    };
  }
  return { Date, Error };
}
