// The one shared world every execution calls into: the Apps Script fakes (fakes/gas.ts) on the main thread. Service
// objects cross to the workers as handles (per execution, as Apps Script's objects live only as long as the run);
// values cross as themselves; an error a fake throws is re-thrown in the execution with its name and message.
// The host adds what the fakes cannot know alone: which execution calls (LockService is the lock manager's, a web
// app has no active spreadsheet), what a call costs in virtual time, and the clock the fakes read.

import { type GasFakes, GLOBAL_NAMES } from '../../fakes/gas';
import { GasObject, unwrap } from '../../fakes/gas-core';
import { type Latencies, latencyOf, SPREADSHEET_KINDS } from './latency';
import { LOCK_METHODS, type LockManager, SimLock } from './lock-manager';
import { type HandleRef, isHandleRef, type Shape, type ThrownError } from './protocol';
import type { CallReport, CallResult, Execution, Scheduler, World } from './scheduler';

/** Sees every call the world applies, e.g. to note when the books change (books-watch.ts). */
export interface CallObserver {
  observe<T>(kind: string, target: object, method: string, call: () => T): T;
}

interface HandleTable {
  objects: Map<number, object>;
  ids: Map<object, number>;
}

/** Calls that need an open document: a web app or trigger execution has none (the fakes' `activeSpreadsheet`). */
const NEEDS_ACTIVE_DOCUMENT = new Set([
  'getActiveSpreadsheet',
  'getActive',
  'getActiveSheet',
  'getActiveRange',
]);

export class WorldHost implements World {
  private readonly tables = new Map<number, HandleTable>();
  private readonly shapeIds = new Map<string, number>();
  private readonly shapes: Shape[] = [];
  /** Shapes each worker has been sent. */
  private readonly shapesSent = new Map<number, Set<number>>();
  private nextHandle = 1;
  /** Virtual time the fakes' clock has been moved by (sleeps, fetch timeouts) and handed back as call latency. */
  private clockCorrection = 0;
  private readonly observers: CallObserver[] = [];

  constructor(
    private readonly fakes: GasFakes,
    private readonly scheduler: Scheduler,
    private readonly locks: LockManager,
    private readonly latencies: Latencies,
  ) {
    scheduler.attach(this);
  }

  /** The clock the fakes are created with: the scheduler's virtual time. */
  static clockOf(host: () => WorldHost | null, start: number): () => Date {
    return () => {
      const world = host();
      return new Date(world ? world.scheduler.now - world.clockCorrection : start);
    };
  }

  addObserver(observer: CallObserver): void {
    this.observers.push(observer);
  }

  begin(execution: Execution): Record<string, HandleRef> {
    this.tables.set(execution.id, { objects: new Map(), ids: new Map() });
    const globals = this.fakes.globals as unknown as Record<string, object>;
    const refs: Record<string, HandleRef> = {};
    for (const name of GLOBAL_NAMES) refs[name] = this.ref(execution, globals[name]!);
    return refs;
  }

  latency(execution: Execution, call: CallReport): number {
    const target = this.table(execution).objects.get(call.handle);
    return target ? latencyOf(this.latencies, kindOf(target), call.method) : 0;
  }

  apply(execution: Execution, call: CallReport): CallResult {
    const target = this.table(execution).objects.get(call.handle);
    if (!target)
      return { error: { name: 'Exception', message: 'Invalid argument: object is no longer valid' } };
    const kind = kindOf(target);
    if (SPREADSHEET_KINDS.has(kind)) execution.spreadsheetCalls += 1;
    const args = call.args.map((arg) => this.decode(execution, arg));

    if (target instanceof SimLock) {
      this.count(kind, call.method);
      return this.locks.call(target, call.method, args);
    }
    if (kind === 'LockService') {
      this.count(kind, call.method);
      const lock = this.locks.lockFor(execution, call.method, this.fakes.spreadsheet.getId());
      return { value: lock ? this.ref(execution, lock) : null };
    }
    if (kind === 'SpreadsheetApp' && execution.spec.context !== 'bound') {
      if (NEEDS_ACTIVE_DOCUMENT.has(call.method)) {
        this.count(kind, call.method);
        return { value: null };
      }
      if (call.method === 'getUi') {
        this.count(kind, call.method);
        return {
          error: { name: 'Exception', message: 'Cannot call SpreadsheetApp.getUi() from this context.' },
        };
      }
    }

    const fn = (target as Record<string, unknown>)[call.method];
    if (typeof fn !== 'function') {
      return { error: { name: 'TypeError', message: `${kind}.${call.method} is not a function` } };
    }
    let result: unknown;
    try {
      result = this.observed(kind, target, call.method, () => fn.apply(target, args));
    } catch (error) {
      return { error: thrown(error), delay: this.clockMoved() };
    }
    return { value: this.encode(execution, result), delay: this.clockMoved() };
  }

  decode(execution: Execution, value: unknown): unknown {
    if (value === null || typeof value !== 'object' || value instanceof Date) return value;
    if (isHandleRef(value)) return this.table(execution).objects.get(value.$handle) ?? null;
    if (Array.isArray(value)) return value.map((item) => this.decode(execution, item));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.decode(execution, item);
    return out;
  }

  end(execution: Execution): void {
    this.tables.delete(execution.id);
  }

  private observed<T>(kind: string, target: object, method: string, call: () => T): T {
    let run = call;
    for (const observer of this.observers) {
      const inner = run;
      run = () => observer.observe(kind, target, method, inner);
    }
    return run();
  }

  /** How far a call moved the fakes' clock (Utilities.sleep, a fetch timeout): that much longer it takes. */
  private clockMoved(): number {
    // The fakes read `now - correction` plus what they advanced themselves: keep the sum at the virtual time.
    const moved = this.fakes.clock.now().getTime() - this.scheduler.now;
    if (moved <= 0) return 0;
    this.clockCorrection += moved;
    return moved;
  }

  /** The fakes count the calls they see; these are answered here instead. */
  private count(kind: string, method: string): void {
    const counters = this.fakes.counters;
    const key = `${kind}.${method}`;
    counters.calls[key] = (counters.calls[key] ?? 0) + 1;
    if (SPREADSHEET_KINDS.has(kind)) counters.spreadsheetCalls += 1;
  }

  private encode(execution: Execution, value: unknown): unknown {
    if (value === null || typeof value !== 'object' || value instanceof Date) return value;
    if (isServiceObject(value)) return this.ref(execution, value);
    if (Array.isArray(value)) return value.map((item) => this.encode(execution, item));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.encode(execution, item);
    return out;
  }

  private ref(execution: Execution, target: object): HandleRef {
    const table = this.table(execution);
    let id = table.ids.get(target);
    if (id === undefined) {
      id = this.nextHandle++;
      table.ids.set(target, id);
      table.objects.set(id, target);
    }
    const kind = kindOf(target);
    let shape = this.shapeIds.get(kind);
    if (shape === undefined) {
      shape = this.shapes.length;
      this.shapes.push(shapeOf(kind, target));
      this.shapeIds.set(kind, shape);
    }
    let sent = this.shapesSent.get(execution.slot.index);
    if (!sent) {
      sent = new Set();
      this.shapesSent.set(execution.slot.index, sent);
    }
    if (sent.has(shape)) return { $handle: id, shape };
    sent.add(shape);
    return { $handle: id, shape, def: this.shapes[shape] };
  }

  private table(execution: Execution): HandleTable {
    const table = this.tables.get(execution.id);
    if (!table) throw new Error(`execution ${execution.id} has no handle table`);
    return table;
  }
}

function isServiceObject(value: object): boolean {
  return unwrap(value) instanceof GasObject || value instanceof SimLock;
}

/** The Apps Script class name: the fake's `kind`; `console` for the console object. */
function kindOf(target: object): string {
  const raw = unwrap(target) as { kind?: unknown };
  return typeof raw.kind === 'string' ? raw.kind : 'console';
}

/** Methods a script may call (the fakes keep `_`-prefixed ones to themselves) and enum-like constants. */
function shapeOf(kind: string, target: object): Shape {
  if (target instanceof SimLock) return { kind, methods: LOCK_METHODS, constants: {} };
  const raw = unwrap(target) as Record<string, unknown>;
  const methods = new Set<string>();
  for (
    let proto: object | null = raw;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name.startsWith('_') || name === 'constructor' || methods.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof descriptor?.value === 'function') methods.add(name);
    }
  }
  const constants: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith('_') || value === null || typeof value !== 'object') continue;
    if (Object.isFrozen(value)) constants[name] = value;
  }
  return { kind, methods: [...methods], constants };
}

function thrown(error: unknown): ThrownError {
  if (error instanceof Error || (error !== null && typeof error === 'object' && 'message' in error)) {
    const e = error as { name?: unknown; message?: unknown };
    return { name: String(e.name ?? 'Error'), message: String(e.message) };
  }
  return { name: 'Error', message: String(error) };
}
