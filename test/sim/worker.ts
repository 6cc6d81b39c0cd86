// A worker thread: runs one execution at a time, each in a fresh node:vm context that evaluates the script (compiled
// once per worker), the way Apps Script starts every execution from a fresh global scope. The context's Apps Script
// globals are stand-ins whose every method is a synchronous call to the world on the main thread; its clock is the
// virtual one (virtual-clock.ts). Bundled by esbuild when the pool starts
// (test/sim/pool.ts), so it can share protocol.ts.

import * as vm from 'node:vm';
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  type Command,
  type HandleRef,
  isHandleRef,
  KILLED_MESSAGE,
  type Report,
  type Shape,
  SIGNAL,
  type ThrownError,
  toMainFlag,
  toWorkerFlag,
} from './protocol';
import { installVirtualClock, seededRandom } from './virtual-clock';

interface WorkerInput {
  control: Int32Array;
  slot: number;
  port: MessagePort;
  source: string;
  filename: string;
  /** The Apps Script globals every run installs (for preparing the next context ahead). */
  globalNames: string[];
}

const { control, slot, port, source, filename, globalNames } = workerData as WorkerInput;

const script = new vm.Script(source, { filename });
/** Shapes by id, kept for the worker's life: the main thread sends each shape once. */
const shapes = new Map<number, Shape>();

function nextCommand(): Command {
  // A notify meant for an earlier message can arrive late and wake this wait: only the flag says a message is there.
  while (Atomics.load(control, toWorkerFlag(slot)) === 0) Atomics.wait(control, toWorkerFlag(slot), 0);
  Atomics.store(control, toWorkerFlag(slot), 0);
  const received = receiveMessageOnPort(port);
  if (!received) throw new Error(`worker ${slot} was woken without a message`);
  return received.message as Command;
}

function post(report: Report): void {
  port.postMessage(report);
  Atomics.store(control, toMainFlag(slot), 1);
  Atomics.add(control, SIGNAL, 1);
  Atomics.notify(control, SIGNAL);
}

/** Sends a report and blocks until the main thread answers. */
function exchange(report: Report): Command {
  post(report);
  return nextCommand();
}

interface Realm {
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Error: ErrorConstructor;
  Date: DateConstructor;
}

type RunCommand = Extract<Command, { type: 'run' }>;

class Execution {
  private now = 0;
  private random: () => number = () => 0;
  private killed = false;
  private readonly context = vm.createContext({});
  private readonly realm: Realm;
  private readonly handles = new Map<number, object>();
  private readonly ids = new WeakMap<object, number>();
  /** Set while the script's top level runs ahead of the run: any use of a global, the clock or random spoils it. */
  private preparing = false;
  private spoiled = false;
  /** The script's top level has run, touching nothing that belongs to a run. */
  prepared = false;

  constructor() {
    const RealDate = installVirtualClock(
      this.context,
      () => this.tick(this.now),
      () => this.tick(this.random()),
    );
    const own = vm.runInContext('({ Array, Object, Error })', this.context) as Omit<Realm, 'Date'>;
    this.realm = { ...own, Date: RealDate };
  }

  /**
   * Creating a context and running a script's top level take milliseconds: done while the worker waits for its next
   * run, they cost the simulation nothing. A top level that uses an Apps Script global, the clock or Math.random is
   * not prepared ahead (the run starts from a fresh context instead), since those belong to the run.
   */
  prepare(): void {
    const context = this.context as Record<string, unknown>;
    for (const name of globalNames) {
      Object.defineProperty(context, name, {
        configurable: true,
        get: () => this.tick(undefined),
      });
    }
    this.preparing = true;
    try {
      script.runInContext(this.context);
    } catch {
      this.spoiled = true;
    }
    this.preparing = false;
    this.prepared = !this.spoiled;
  }

  run(command: RunCommand): Report {
    const context = this.context as Record<string, unknown>;
    this.now = command.now;
    this.random = seededRandom(command.seed);
    try {
      for (const [name, ref] of Object.entries(command.globals)) {
        Object.defineProperty(context, name, { value: this.handle(ref), writable: true, configurable: true });
      }
      if (!this.prepared) script.runInContext(this.context);
      const fn = context[command.fn];
      if (typeof fn !== 'function') throw new Error(`${filename} has no top-level function ${command.fn}`);
      const value = (fn as (...args: unknown[]) => unknown)(...command.args.map((a) => this.import(a)));
      return { type: 'done', value: this.export(value) };
    } catch (error) {
      return { type: 'done', error: thrown(error) };
    }
  }

  private tick<T>(value: T): T {
    if (this.preparing) this.spoiled = true;
    return value;
  }

  private call(handle: number, method: string, args: unknown[]): unknown {
    if (this.killed) throw this.error({ name: 'Error', message: KILLED_MESSAGE });
    const reply = exchange({ type: 'call', handle, method, args: args.map((a) => this.export(a)) });
    if (reply.type !== 'reply') throw new Error(`worker ${slot} expected a reply, got ${reply.type}`);
    this.now = reply.now;
    if (reply.killed) {
      this.killed = true;
      throw this.error({ name: 'Error', message: KILLED_MESSAGE });
    }
    if (reply.error) throw this.error(reply.error);
    return this.import(reply.value);
  }

  private handle(ref: HandleRef): object {
    const known = this.handles.get(ref.$handle);
    if (known) return known;
    if (ref.def) shapes.set(ref.shape, ref.def);
    const shape = shapes.get(ref.shape);
    if (!shape) throw new Error(`worker ${slot} does not know shape ${ref.shape}`);
    const object = new this.realm.Object() as Record<string, unknown>;
    for (const method of shape.methods) {
      object[method] = (...args: unknown[]) => this.call(ref.$handle, method, args);
    }
    for (const [name, value] of Object.entries(shape.constants)) object[name] = this.import(value);
    if (!shape.methods.includes('toString')) object.toString = () => shape.kind;
    this.handles.set(ref.$handle, object);
    this.ids.set(object, ref.$handle);
    return object;
  }

  /** A value from the world, rebuilt in the context's realm so that `instanceof Array`/`Date` hold there. */
  private import(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (isHandleRef(value)) return this.handle(value);
    if (value instanceof Date) return new this.realm.Date(value.getTime());
    if (Array.isArray(value)) {
      const out = new this.realm.Array();
      for (const item of value) out.push(this.import(item));
      return out;
    }
    const out = new this.realm.Object() as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) out[key] = this.import(item);
    return out;
  }

  /** A value from the context, for the world: service objects go back as their handles. */
  private export(value: unknown): unknown {
    if (typeof value === 'function')
      throw this.error({ name: 'Exception', message: 'Cannot pass a function' });
    if (value === null || typeof value !== 'object') return value;
    const id = this.ids.get(value);
    if (id !== undefined) return { $handle: id };
    if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as Date).getTime());
    if (Array.isArray(value)) return value.map((item) => this.export(item));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.export(item);
    return out;
  }

  private error(e: ThrownError): Error {
    const error = new this.realm.Error(e.message);
    error.name = e.name;
    return error;
  }
}

function thrown(error: unknown): ThrownError {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const e = error as { name?: unknown; message?: unknown };
    return { name: String(e.name ?? 'Error'), message: String(e.message) };
  }
  return { name: 'Error', message: String(error) };
}

try {
  let next = new Execution();
  next.prepare();
  let command = nextCommand();
  while (command.type === 'run') {
    const execution = next.prepared ? next : new Execution();
    post(execution.run(command));
    next = new Execution();
    next.prepare();
    command = nextCommand();
  }
} catch (error) {
  post({ type: 'crash', error: thrown(error) });
}
