// Puts the pieces together: one fake world on the main thread, a pool of workers running a script against it, the
// scheduler that keeps virtual time and the lock manager. Any script works: dist/Code.js, or a few lines in a test.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGasFakes, type GasFakeOptions, type GasFakes, GLOBAL_NAMES } from '../../fakes/gas';
import { DEFAULT_LATENCIES, type Latencies } from './latency';
import { LockManager } from './lock-manager';
import { WorkerPool } from './pool';
import { Scheduler } from './scheduler';
import { WorldHost } from './world-host';

export const CODE_JS = join(import.meta.dirname, '..', '..', 'dist', 'Code.js');

export interface SimulationOptions {
  /** The script every execution evaluates; default the built dist/Code.js. */
  source?: string;
  filename?: string;
  /** Virtual time the simulation starts at (epoch ms). */
  start: number;
  latencies?: Partial<Latencies>;
  /** Options of the fake world; its clock is always the simulation's. */
  fakes?: Omit<GasFakeOptions, 'now'>;
  maxWorkers?: number;
}

export interface Simulation {
  fakes: GasFakes;
  scheduler: Scheduler;
  locks: LockManager;
  world: WorldHost;
  close(): Promise<void>;
}

export function createSimulation(options: SimulationOptions): Simulation {
  let world: WorldHost | null = null;
  const fakes = createGasFakes({ ...options.fakes, now: WorldHost.clockOf(() => world, options.start) });
  const source = options.source ?? readFileSync(CODE_JS, 'utf8');
  const pool = new WorkerPool(source, options.filename ?? 'Code.js', GLOBAL_NAMES, options.maxWorkers);
  const scheduler = new Scheduler(pool, options.start);
  const locks = new LockManager(scheduler);
  world = new WorldHost(fakes, scheduler, locks, { ...DEFAULT_LATENCIES, ...options.latencies });
  return { fakes, scheduler, locks, world, close: () => pool.close() };
}
