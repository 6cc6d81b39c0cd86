// The worker threads that run executions, and the main thread's end of their synchronous channel. Workers start
// on demand (one per execution running at the same time) and are reused; each compiles the script once.

import { join } from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { type Command, controlLength, type Report, SIGNAL, toMainFlag, toWorkerFlag } from './protocol';

let workerBundle: string | null = null;

/** test/sim/worker.ts as one CommonJS script a Worker can evaluate (TypeScript needs a loader otherwise). */
function workerSource(): string {
  if (workerBundle === null) {
    const built = esbuild.buildSync({
      entryPoints: [join(import.meta.dirname, 'worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
    });
    workerBundle = built.outputFiles[0]?.text ?? '';
  }
  return workerBundle;
}

export class WorkerSlot {
  constructor(
    readonly index: number,
    private readonly control: Int32Array,
    private readonly port: MessagePort,
    readonly worker: Worker,
  ) {}

  send(command: Command): void {
    this.port.postMessage(command);
    Atomics.store(this.control, toWorkerFlag(this.index), 1);
    Atomics.notify(this.control, toWorkerFlag(this.index));
  }

  /** The worker's report, if it has sent one since the last poll. */
  poll(): Report | undefined {
    if (Atomics.load(this.control, toMainFlag(this.index)) === 0) return undefined;
    Atomics.store(this.control, toMainFlag(this.index), 0);
    const received = receiveMessageOnPort(this.port);
    if (!received) throw new Error(`worker ${this.index} flagged a report that is not there`);
    return received.message as Report;
  }
}

export class WorkerPool {
  private readonly control: Int32Array;
  private readonly slots: WorkerSlot[] = [];
  private readonly idle: WorkerSlot[] = [];

  constructor(
    private readonly source: string,
    private readonly filename: string,
    private readonly globalNames: readonly string[],
    private readonly maxWorkers = 64,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(4 * controlLength(maxWorkers)));
  }

  get size(): number {
    return this.slots.length;
  }

  acquire(): WorkerSlot {
    // The longest idle first: it has had the most time to prepare its next context.
    const ready = this.idle.shift();
    if (ready) return ready;
    if (this.slots.length >= this.maxWorkers) {
      throw new Error(`more than ${this.maxWorkers} executions at once: raise the pool size`);
    }
    const index = this.slots.length;
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData: {
        control: this.control,
        slot: index,
        port: port2,
        source: this.source,
        filename: this.filename,
        globalNames: this.globalNames,
      },
      transferList: [port2],
    });
    const slot = new WorkerSlot(index, this.control, port1, worker);
    this.slots.push(slot);
    return slot;
  }

  release(slot: WorkerSlot): void {
    this.idle.push(slot);
  }

  /** The wake-up counter: read it before polling, then wait on it, and no report is missed. */
  signal(): number {
    return Atomics.load(this.control, SIGNAL);
  }

  /** Blocks until some worker reports after `seen`; false after `timeoutMs` without one. */
  waitForReport(seen: number, timeoutMs: number): boolean {
    return Atomics.wait(this.control, SIGNAL, seen, timeoutMs) !== 'timed-out';
  }

  async close(): Promise<void> {
    for (const slot of this.slots) slot.send({ type: 'quit' });
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
    this.idle.length = 0;
  }
}
