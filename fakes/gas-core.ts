// Shared machinery of the Apps Script fakes: the clock, the realm that values are handed out in, the call counters
// and the counting proxy every service object is wrapped in.

/** Services whose calls are Spreadsheet-service round trips (the cost model in DESIGN.md counts them). */
const SPREADSHEET_KINDS = new Set([
  'SpreadsheetApp',
  'Spreadsheet',
  'Sheet',
  'Range',
  'TextFinder',
  'Protection',
  'Ui',
  'Menu',
]);

export interface GasCounters {
  /** Calls by `Kind.method`, e.g. `Range.getValues`, `TextFinder.findNext`, `UrlFetchApp.fetch`. */
  calls: Record<string, number>;
  /** Every method call on SpreadsheetApp, Spreadsheet, Sheet, Range, TextFinder, Protection, Ui and Menu objects. */
  spreadsheetCalls: number;
  /** Cells whose values, formulas or formats were handed back to the script. */
  cellsRead: number;
  cellsWritten: number;
  /** Cells a TextFinder examined server-side (never handed to the script). */
  cellsScanned: number;
  urlFetches: number;
  reset(): void;
}

export function createCounters(): GasCounters {
  const counters: GasCounters = {
    calls: {},
    spreadsheetCalls: 0,
    cellsRead: 0,
    cellsWritten: 0,
    cellsScanned: 0,
    urlFetches: 0,
    reset() {
      counters.calls = {};
      counters.spreadsheetCalls = 0;
      counters.cellsRead = 0;
      counters.cellsWritten = 0;
      counters.cellsScanned = 0;
      counters.urlFetches = 0;
    },
  };
  return counters;
}

/** The constructors values are created with, so that code running in a `node:vm` context sees its own `Date`/`Error`
 * (a host-realm Date fails `instanceof Date` inside the context). */
export interface Realm {
  Date: DateConstructor;
  Error: ErrorConstructor;
}

export interface Clock {
  now(): Date;
  nowMs(): number;
  /** True when time comes from opts.now: then sleeps and lock waits move it forward instead of blocking. */
  readonly fake: boolean;
  advance(ms: number): void;
}

export function createClock(now?: () => Date): Clock {
  let offset = 0;
  return {
    fake: now !== undefined,
    nowMs: () => (now ? now().getTime() : Date.now()) + offset,
    now() {
      return new Date(this.nowMs());
    },
    advance(ms: number) {
      if (now) offset += Math.max(0, ms);
    },
  };
}

/** One call a script makes on a service object, as a call hook sees it (before the call runs). */
export interface ServiceCall {
  /** The object's kind, as in the counters: `Range`, `Properties`, `Lock`, `UrlFetchApp`, `HTTPResponse`, … */
  kind: string;
  method: string;
  /** The arguments as the script passed them. */
  args: readonly unknown[];
  /** A Spreadsheet-service round trip (the kinds `spreadsheetCalls` counts). */
  spreadsheet: boolean;
  /** The service object called (the raw fake, e.g. a FakeRange with its sheet): for tests that ask which sheet. */
  target?: object;
}

/** Sees every script call after it is counted and before it runs; throwing makes the call fail with that error. */
export type CallHook = (call: ServiceCall) => void;

export class Env {
  readonly counters = createCounters();
  realm: Realm = { Date, Error };
  readonly logs: string[] = [];
  echoLogs = false;
  private readonly proxies = new WeakMap<object, object>();
  private hooks: CallHook[] = [];

  constructor(readonly clock: Clock) {}

  /** Adds a call hook (fault injection, tracing, latency); returns the function that removes it. */
  onCall(hook: CallHook): () => void {
    this.hooks = [...this.hooks, hook];
    return () => {
      this.hooks = this.hooks.filter((h) => h !== hook);
    };
  }

  count(kind: string, method: string): void {
    const key = `${kind}.${method}`;
    this.counters.calls[key] = (this.counters.calls[key] ?? 0) + 1;
    if (SPREADSHEET_KINDS.has(kind)) this.counters.spreadsheetCalls += 1;
  }

  /** An error shaped like the ones Apps Script services throw (`name` is `Exception` in the V8 runtime). */
  error(message: string): Error {
    const e = new this.realm.Error(message);
    e.name = 'Exception';
    return e;
  }

  date(ms: number): Date {
    return new this.realm.Date(ms);
  }

  log(line: string): void {
    this.logs.push(line);
    if (this.echoLogs) process.stdout.write(`${line}\n`);
  }

  /** The counting face of a service object; internal code keeps and calls the raw object, so only the script's own
   * calls are counted. */
  wrap<T extends object>(target: T): T {
    const known = this.proxies.get(target);
    if (known) return known as T;
    const kind = target instanceof GasObject ? target.kind : 'Unknown';
    const wrappers = new Map<string, unknown>();
    const proxy = new Proxy(target, {
      get: (t, prop) => {
        if (prop === RAW) return t;
        const value = Reflect.get(t, prop, t) as unknown;
        if (
          typeof value !== 'function' ||
          typeof prop !== 'string' ||
          prop.startsWith('_') ||
          prop === 'constructor'
        ) {
          return value;
        }
        let wrapper = wrappers.get(prop);
        if (!wrapper) {
          const fn = value as (...args: unknown[]) => unknown;
          wrapper = (...args: unknown[]) => {
            this.count(kind, prop);
            if (this.hooks.length > 0) {
              const call: ServiceCall = {
                kind,
                method: prop,
                args,
                spreadsheet: SPREADSHEET_KINDS.has(kind),
                target: t,
              };
              for (const hook of this.hooks) hook(call);
            }
            return this.export(fn.apply(t, args.map(unwrap)));
          };
          wrappers.set(prop, wrapper);
        }
        return wrapper;
      },
    });
    this.proxies.set(target, proxy);
    return proxy;
  }

  export(result: unknown): unknown {
    if (result instanceof GasObject) return this.wrap(result);
    if (Array.isArray(result) && result.length > 0 && result[0] instanceof GasObject) {
      return result.map((item) => (item instanceof GasObject ? this.wrap(item) : item));
    }
    return result;
  }
}

export const RAW: unique symbol = Symbol('gas-fake-raw');

/** The raw object behind a counting proxy (or the value itself). */
export function unwrap<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    const raw = (value as { [RAW]?: T })[RAW];
    if (raw !== undefined) return raw;
  }
  return value;
}

/** Base of every fake service object: its `kind` names it in the call counters. */
export abstract class GasObject {
  constructor(
    readonly _env: Env,
    readonly kind: string,
  ) {}
}

export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Builds an Apps Script enum: members are their own names, so `String(member)` and `===` behave as in Apps Script. */
export function gasEnum<const K extends string>(...names: K[]): { readonly [P in K]: P } {
  const result = {} as { [P in K]: P };
  for (const name of names) result[name] = name;
  return Object.freeze(result);
}

/** The Apps Script message for a call whose arguments match no overload. */
export function signatureError(env: Env, method: string, args: unknown[]): Error {
  const types = args.map((a) => {
    if (a === null || a === undefined) return 'null';
    if (Array.isArray(a)) return 'number[]';
    if (isDate(a)) return 'Date';
    if (typeof a === 'string') return 'String';
    if (typeof a === 'number') return 'number';
    if (typeof a === 'boolean') return 'Boolean';
    return 'Object';
  });
  return env.error(`The parameters (${types.join(',')}) don't match the method signature for ${method}.`);
}

// JSON with tagged Dates, for snapshot()/restore().

export function encodeState(value: unknown): unknown {
  if (isDate(value)) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(encodeState);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeState(v);
    return out;
  }
  return value;
}

export function decodeState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeState);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$date === 'string' && Object.keys(record).length === 1) return new Date(record.$date);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = decodeState(v);
    return out;
  }
  return value;
}
