// The clock a script sees inside a node:vm context: `new Date()` and `Date.now()` read virtual time; Dates made
// with arguments, `instanceof Date` and the prototype stay the context's own. `Math.random` is seeded, so that a
// run repeats. Used by the workers and by the in-process runs (setup, reference).

import * as vm from 'node:vm';

const PRELUDE = new vm.Script(`(function installVirtualClock(now, random) {
  'use strict';
  const RealDate = Date;
  function VirtualDate(...args) {
    if (!new.target) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Object.setPrototypeOf(VirtualDate, RealDate);
  VirtualDate.prototype = RealDate.prototype;
  VirtualDate.now = () => now();
  Object.defineProperty(RealDate.prototype, 'constructor', { value: VirtualDate, writable: true, configurable: true });
  Object.defineProperty(globalThis, 'Date', { value: VirtualDate, writable: true, configurable: true });
  Math.random = random;
  return RealDate;
})`);

/** Installs the virtual clock in `context`; returns the context's own Date constructor (for building values). */
export function installVirtualClock(
  context: vm.Context,
  now: () => number,
  random: () => number,
): DateConstructor {
  const install = PRELUDE.runInContext(context) as (
    now: () => number,
    random: () => number,
  ) => DateConstructor;
  return install(now, random);
}

/** mulberry32: small, fast and good enough to make runs repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
