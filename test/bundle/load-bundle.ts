// Loads the built dist/Code.js into a fresh node:vm context with the Apps Script fakes as its globals, the way
// Apps Script runs it: one plain script whose top-level functions are the entry points.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { createGasFakes, type GasFakeOptions, type GasFakes } from '../../fakes/gas';

export const DIST = join(import.meta.dirname, '..', '..', 'dist');

export interface LoadedBundle {
  fakes: GasFakes;
  context: vm.Context & Record<string, unknown>;
  /** Calls a top-level function by name, as a trigger, menu or web request would. */
  call<T = unknown>(name: string, ...args: unknown[]): T;
}

export function loadBundle(options: GasFakeOptions = {}): LoadedBundle {
  const fakes = createGasFakes(options);
  const context = vm.createContext({}) as vm.Context & Record<string, unknown>;
  fakes.install(context);
  vm.runInContext(readFileSync(join(DIST, 'Code.js'), 'utf8'), context, { filename: 'Code.js' });
  return {
    fakes,
    context,
    call(name, ...args) {
      const fn = context[name];
      if (typeof fn !== 'function') throw new Error(`dist/Code.js has no top-level function ${name}`);
      try {
        return fn(...args);
      } finally {
        fakes.lock.endExecution();
      }
    },
  };
}
