// A conservative discrete-event simulation in virtual time. Executions run truly in parallel on worker threads; a
// service call blocks its execution until the call's completion time, when its effect is applied to the world.
// Virtual time moves only when every running execution is blocked (on a call, a lock or its end), and then to the
// earliest pending event. Events at one instant are ordered by keys that do not depend on thread timing, so a run
// repeats exactly.

import type { WorkerPool, WorkerSlot } from './pool';
import type { HandleRef, Report, ThrownError } from './protocol';

/** Apps Script stops any execution after 6 minutes (quotas: script runtime). */
export const MAX_RUNTIME_MS = 6 * 60_000;
/** Real time without any report from a running execution before the simulation calls it stuck. */
const STALL_MS = 20_000;

export type ExecutionContext = 'webapp' | 'trigger' | 'bound';

export interface ExecutionSpec {
  fn: string;
  args: unknown[];
  /** A web app request, a time trigger, or a run bound to the open spreadsheet (menu, editor). */
  context: ExecutionContext;
  /** The effective user: the deploying user for a web app executed as "me", the installer for a trigger. */
  user: string;
  /** The request class its figures are counted under (e.g. `stripe`, `forged`). */
  label: string;
  onDone?: (execution: Execution, outcome: Outcome) => void;
}

export interface Outcome {
  /** What the function returned, as a world object (a service object is the fake itself). */
  value?: unknown;
  error?: ThrownError;
  killed: boolean;
}

export type CallReport = Extract<Report, { type: 'call' }>;

/** What a completed call gives back; `pending` when something else (a lock) will resume the execution. */
export type CallResult =
  | { value?: unknown; error?: ThrownError; delay?: number; pending?: false }
  | { pending: true };

/** The world the executions call into (world-host.ts). */
export interface World {
  begin(execution: Execution): Record<string, HandleRef>;
  latency(execution: Execution, call: CallReport): number;
  apply(execution: Execution, call: CallReport): CallResult;
  /** The returned value as a world object; called before `end`. */
  decode(execution: Execution, value: unknown): unknown;
  end(execution: Execution): void;
}

export class Execution {
  startedAt: number;
  endedAt: number | null = null;
  killed = false;
  /** Calls made; numbers each call, so events about it have a stable key. */
  calls = 0;
  spreadsheetCalls = 0;
  /** The call this execution waits on, or 0 when it is running or done. */
  waitingOn = 0;

  constructor(
    readonly id: number,
    readonly spec: ExecutionSpec,
    readonly slot: WorkerSlot,
    now: number,
  ) {
    this.startedAt = now;
  }

  get done(): boolean {
    return this.endedAt !== null;
  }
}

interface Pending {
  time: number;
  /** Ties at one instant: actions first in the order they were scheduled, then executions' calls by id. */
  a: number;
  b: number;
  action: () => void;
}

export class Scheduler {
  now: number;
  private readonly agenda = new Agenda();
  private readonly running = new Set<Execution>();
  private nextExecution = 1;
  private order = 0;
  private world: World | null = null;
  /** Called when an execution ends or is stopped: its locks go (lock-manager.ts). */
  readonly onEnd: ((execution: Execution) => void)[] = [];

  constructor(
    private readonly pool: WorkerPool,
    start: number,
  ) {
    this.now = start;
  }

  attach(world: World): void {
    this.world = world;
  }

  /** Runs `action` at virtual time `time` (never before now). */
  at(time: number, action: () => void): void {
    this.agenda.push({ time: Math.max(time, this.now), a: 0, b: ++this.order, action });
  }

  start(spec: ExecutionSpec): Execution {
    const world = this.requireWorld();
    const execution = new Execution(this.nextExecution++, spec, this.pool.acquire(), this.now);
    const globals = world.begin(execution);
    execution.slot.send({
      type: 'run',
      execution: execution.id,
      fn: spec.fn,
      args: spec.args,
      globals,
      now: this.now,
      seed: execution.id,
    });
    this.running.add(execution);
    this.at(this.now + MAX_RUNTIME_MS, () => this.kill(execution));
    return execution;
  }

  /** Answers the call an execution waits on, now. */
  resume(execution: Execution, result: Exclude<CallResult, { pending: true }>): void {
    if (execution.done || execution.waitingOn === 0) return;
    execution.waitingOn = 0;
    this.running.add(execution);
    execution.slot.send({ type: 'reply', now: this.now, value: result.value, error: result.error });
  }

  /** Runs until nothing is left to do. */
  run(): void {
    for (;;) {
      this.settle();
      const next = this.agenda.peek();
      if (!next) return;
      this.now = next.time;
      while (this.agenda.peek()?.time === this.now) this.agenda.pop()?.action();
    }
  }

  /** Waits until every running execution has blocked: only then may virtual time move. */
  private settle(): void {
    while (this.running.size > 0) {
      const seen = this.pool.signal();
      let heard = false;
      for (const execution of [...this.running]) {
        const report = execution.slot.poll();
        if (!report) continue;
        heard = true;
        this.running.delete(execution);
        this.receive(execution, report);
      }
      if (!heard && !this.pool.waitForReport(seen, STALL_MS)) {
        const ids = [...this.running].map((e) => `${e.id} (${e.spec.fn})`).join(', ');
        throw new Error(`simulation stalled: no word from execution ${ids} in ${STALL_MS / 1000} s`);
      }
    }
  }

  /** Only keyed events come out of here: the order reports arrive in must not matter. */
  private receive(execution: Execution, report: Report): void {
    const key = { a: execution.id, b: ++execution.calls };
    if (report.type === 'crash') {
      throw new Error(`worker ${execution.slot.index} crashed: ${report.error.message}`);
    }
    if (report.type === 'done') {
      this.agenda.push({ time: this.now, ...key, action: () => this.finish(execution, report) });
      return;
    }
    if (execution.killed) {
      // Stopped: every further call fails at once and touches nothing.
      this.running.add(execution);
      execution.slot.send({ type: 'reply', now: this.now, killed: true });
      return;
    }
    const world = this.requireWorld();
    execution.waitingOn = key.b;
    const latency = world.latency(execution, report);
    this.agenda.push({
      time: this.now + latency,
      ...key,
      action: () => {
        if (execution.waitingOn !== key.b || execution.killed) return;
        const result = world.apply(execution, report);
        if (result.pending) return;
        const delay = result.delay ?? 0;
        if (delay > 0) {
          this.agenda.push({ time: this.now + delay, ...key, action: () => this.resume(execution, result) });
        } else {
          this.resume(execution, result);
        }
      },
    });
  }

  private kill(execution: Execution): void {
    if (execution.done || execution.killed) return;
    execution.killed = true;
    for (const hook of this.onEnd) hook(execution);
    if (execution.waitingOn !== 0) {
      execution.waitingOn = 0;
      this.running.add(execution);
      execution.slot.send({ type: 'reply', now: this.now, killed: true });
    }
    execution.endedAt = this.now;
  }

  private finish(execution: Execution, report: Extract<Report, { type: 'done' }>): void {
    const world = this.requireWorld();
    const killed = execution.killed;
    if (!killed) {
      execution.endedAt = this.now;
      for (const hook of this.onEnd) hook(execution);
    }
    const value = killed ? undefined : world.decode(execution, report.value);
    world.end(execution);
    this.pool.release(execution.slot);
    execution.spec.onDone?.(execution, { value, error: killed ? undefined : report.error, killed });
  }

  private requireWorld(): World {
    if (!this.world) throw new Error('Scheduler: attach a world before starting executions');
    return this.world;
  }
}

/** A binary heap of pending events, earliest (then smallest key) first. */
class Agenda {
  private readonly heap: Pending[] = [];

  peek(): Pending | undefined {
    return this.heap[0];
  }

  push(item: Pending): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): Pending | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before(x: Pending, y: Pending): boolean {
  if (x.time !== y.time) return x.time < y.time;
  if (x.a !== y.a) return x.a < y.a;
  return x.b < y.b;
}
