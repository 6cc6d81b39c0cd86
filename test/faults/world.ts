// The built dist/Code.js on the Apps Script fakes, run the way Apps Script runs it: every request or trigger is one
// execution in a fresh global scope (nothing survives in memory between executions), the web app and triggers have
// no active spreadsheet, and every lock an execution held is released when it ends. Time is virtual: the script's
// `Date`, the fakes' clock and the signatures all read one clock that tests move on between executions.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { createGasFakes, type GasFakes } from '../../fakes/gas';
import type { CellValue } from '../../fakes/gas-sheets';
import { DOUBLE_SECRET_KEY, type StripeDouble } from '../../fakes/stripe-double';
import { DIST } from '../bundle/load-bundle';
import { signedDelivery, TEST_WEBHOOK_SECRET } from '../fixtures/events';

/** 2026-02-01T00:00:00Z: later than every Stripe time in the scenarios, so "a time of this run" is recognisable. */
export const WORLD_START_MS = Date.UTC(2026, 1, 1);

let compiled: vm.Script | null = null;

/** dist/Code.js compiled once per process; each execution runs it in a context of its own. */
function bundle(): vm.Script {
  compiled ??= new vm.Script(readFileSync(join(DIST, 'Code.js'), 'utf8'), { filename: 'Code.js' });
  return compiled;
}

export interface LedgerSeed {
  invoiceId: string;
  expected?: number;
  currency?: string;
}

export interface World {
  fakes: GasFakes;
  stripe: StripeDouble;
  /** Runs a top-level function of dist/Code.js as one execution; throws what it throws. Locks end with it. */
  execute(name: string, ...args: unknown[]): unknown;
  /** A doPost event for this body, signed now with the endpoint's secret (a new delivery: fresh signature). */
  webhookEvent(body: string): GoogleAppsScript.Events.DoPost;
  /** Moves the shared clock on (Stripe's retry delay, the trigger interval). */
  advance(ms: number): void;
  /** The shared clock, epoch ms. */
  nowMs(): number;
  /** A sheet's used range as Sheets would return it; [] when there is no such sheet. Not counted, not hooked. */
  sheet(name: string): CellValue[][];
  snapshot(): string;
}

export interface WorldOptions {
  /** Restore this state (from `snapshot()`) instead of starting empty. */
  snapshot?: string;
  /** true only for menu-run set-up: the web app and triggers have no active spreadsheet. */
  activeSpreadsheet?: boolean;
}

export function createWorld(stripe: StripeDouble, options: WorldOptions = {}): World {
  const fakes = createGasFakes({
    now: () => new Date(WORLD_START_MS),
    activeSpreadsheet: options.activeSpreadsheet ?? false,
    fetch: (request) => stripe.handler(request),
  });
  if (options.snapshot) fakes.restore(options.snapshot);
  const nowMs = () => fakes.clock.now().getTime();

  return {
    fakes,
    stripe,
    execute(name, ...args) {
      const context = vm.createContext({}) as vm.Context & Record<string, unknown>;
      fakes.install(context);
      context.Date = virtualDate(context, nowMs);
      try {
        bundle().runInContext(context);
        const fn = context[name];
        if (typeof fn !== 'function') throw new Error(`dist/Code.js has no top-level function ${name}`);
        return fn(...args);
      } finally {
        fakes.lock.endExecution();
        fakes.uninstall();
      }
    },
    webhookEvent(body) {
      const { header } = signedDelivery(body, TEST_WEBHOOK_SECRET, Math.floor(nowMs() / 1000));
      const length = Buffer.byteLength(body, 'utf8');
      return {
        postData: { contents: body, length, type: 'application/json', name: 'postData' },
        parameter: { stripe_signature: header },
        parameters: { stripe_signature: [header] },
        queryString: `stripe_signature=${encodeURIComponent(header)}`,
        contextPath: '',
        contentLength: length,
        pathInfo: '',
      } as unknown as GoogleAppsScript.Events.DoPost;
    },
    advance: (ms) => fakes.clock.advance(ms),
    nowMs,
    sheet(name) {
      return fakes.spreadsheet.sheetNames().includes(name) ? fakes.spreadsheet.sheetValues(name) : [];
    },
    snapshot: () => fakes.snapshot(),
  };
}

/**
 * A ledger set up as the owner would from the menu (rows, then Set up ledger), with the webhook secret and a Stripe
 * key configured; returns its state for worlds of web-app and trigger executions.
 */
export function setUpLedger(stripe: StripeDouble, seeds: LedgerSeed[]): string {
  const world = createWorld(stripe, { activeSpreadsheet: true });
  const rows: string[][] = [['Student', 'Stripe Invoice ID', 'Expected Amount', 'Currency']];
  seeds.forEach((seed, i) => {
    rows.push([`Student ${i + 1}`, `'${seed.invoiceId}`, String(seed.expected ?? ''), seed.currency ?? '']);
  });
  world.fakes.spreadsheet.insertSheet('Ledger').getRange(1, 1, rows.length, 4).setValues(rows);
  world.execute('setupLedger');
  world.fakes.properties.script.set('STRIPE_WEBHOOK_SECRETS', TEST_WEBHOOK_SECRET);
  world.fakes.properties.script.set('STRIPE_API_KEY', DOUBLE_SECRET_KEY);
  return world.snapshot();
}

/**
 * The context's own Date, with "now" read from the shared clock: `new Date()`, `Date()` and `Date.now()`. Dates
 * the fakes hand out are of the same intrinsic, so `instanceof Date` holds for both.
 */
function virtualDate(context: vm.Context, nowMs: () => number): DateConstructor {
  const Intrinsic = vm.runInContext('Date', context) as DateConstructor;
  const now = () => nowMs();
  const virtual: DateConstructor = new Proxy(Intrinsic, {
    construct(target, args, newTarget) {
      const actual = newTarget === virtual ? target : newTarget;
      return Reflect.construct(target, args.length === 0 ? [now()] : args, actual);
    },
    apply(target) {
      return new target(now()).toString();
    },
    get(target, property) {
      if (property === 'now') return now;
      return Reflect.get(target, property, target);
    },
  });
  return virtual;
}
