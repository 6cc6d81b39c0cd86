// LockService across executions, in virtual time. Apps Script's reference (LockService):
// - getScriptLock(): one lock for every execution of the script, whoever runs it;
// - getUserLock(): one lock per user the script runs as; a web app deployed "execute as me" and the triggers its
//   owner installed all run as the owner, so they share one;
// - getDocumentLock(): null outside a containing document ("e.g. from a standalone script or web app"); one lock
//   per document for a bound execution.
// The lock is not taken until tryLock/waitLock. Waiters are served first come, first served; a wait times out in
// virtual time; every lock an execution holds is released when it ends (Apps Script does the same).

import { LOCK_TIMEOUT_MESSAGE } from '../../fakes/gas-stores';
import type { CallResult, Execution, Scheduler } from './scheduler';

export type LockKind = 'script' | 'user' | 'document';

/** One stretch of time an execution held a lock. */
export interface LockHold {
  kind: LockKind;
  execution: number;
  label: string;
  from: number;
  to: number;
}

interface Waiter {
  execution: Execution;
  handle: SimLock;
  deadline: number;
  throws: boolean;
}

interface LockState {
  kind: LockKind;
  holder: Execution | null;
  since: number;
  waiters: Waiter[];
}

/** The methods of Apps Script's Lock class. */
export const LOCK_METHODS = ['tryLock', 'waitLock', 'hasLock', 'releaseLock'];

/** What `LockService.get…Lock()` hands out: a world-side object the world host turns into a handle. */
export class SimLock {
  readonly kind = 'Lock';
  /** This object took the lock (Apps Script's hasLock() answers for the object). */
  mine = false;

  constructor(
    readonly key: string,
    readonly lockKind: LockKind,
    readonly owner: Execution,
  ) {}
}

export class LockManager {
  readonly holds: LockHold[] = [];
  private readonly locks = new Map<string, LockState>();

  constructor(private readonly scheduler: Scheduler) {
    scheduler.onEnd.push((execution) => this.releaseAll(execution));
  }

  /** `LockService.getScriptLock/getUserLock/getDocumentLock` for this execution. */
  lockFor(execution: Execution, method: string, documentId: string): SimLock | null {
    switch (method) {
      case 'getScriptLock':
        return new SimLock('script', 'script', execution);
      case 'getUserLock':
        return new SimLock(`user:${execution.spec.user}`, 'user', execution);
      case 'getDocumentLock':
        return execution.spec.context === 'webapp'
          ? null
          : new SimLock(`document:${documentId}`, 'document', execution);
      default:
        throw new Error(`LockService.${method} is not simulated`);
    }
  }

  /** A call on a lock object, at its completion time. */
  call(lock: SimLock, method: string, args: unknown[]): CallResult {
    const execution = lock.owner;
    const state = this.state(lock);
    switch (method) {
      case 'tryLock':
      case 'waitLock': {
        const throws = method === 'waitLock';
        if (state.holder === execution || (state.holder === null && state.waiters.length === 0)) {
          this.grant(state, execution);
          lock.mine = true;
          return { value: throws ? undefined : true };
        }
        const timeout = Math.max(0, Number(args[0]) || 0);
        if (timeout === 0) return throws ? { error: timeoutError() } : { value: false };
        const waiter: Waiter = { execution, handle: lock, deadline: this.scheduler.now + timeout, throws };
        state.waiters.push(waiter);
        this.scheduler.at(waiter.deadline, () => this.expire(state, waiter));
        return { pending: true };
      }
      case 'hasLock':
        return { value: lock.mine && state.holder === execution };
      case 'releaseLock':
        if (lock.mine && state.holder === execution) this.release(state);
        lock.mine = false;
        return { value: undefined };
      default:
        return { error: { name: 'Exception', message: `Lock.${method} is not a function` } };
    }
  }

  private state(lock: SimLock): LockState {
    let state = this.locks.get(lock.key);
    if (!state) {
      state = { kind: lock.lockKind, holder: null, since: 0, waiters: [] };
      this.locks.set(lock.key, state);
    }
    return state;
  }

  private grant(state: LockState, execution: Execution): void {
    if (state.holder === execution) return;
    state.holder = execution;
    state.since = this.scheduler.now;
  }

  private release(state: LockState): void {
    const holder = state.holder;
    if (!holder) return;
    this.holds.push({
      kind: state.kind,
      execution: holder.id,
      label: holder.spec.label,
      from: state.since,
      to: this.scheduler.now,
    });
    state.holder = null;
    const next = state.waiters.shift();
    if (next) {
      this.grant(state, next.execution);
      next.handle.mine = true;
      this.scheduler.resume(next.execution, { value: next.throws ? undefined : true });
    }
  }

  private expire(state: LockState, waiter: Waiter): void {
    const at = state.waiters.indexOf(waiter);
    if (at < 0) return;
    state.waiters.splice(at, 1);
    this.scheduler.resume(waiter.execution, waiter.throws ? { error: timeoutError() } : { value: false });
  }

  private releaseAll(execution: Execution): void {
    for (const state of this.locks.values()) {
      state.waiters = state.waiters.filter((w) => w.execution !== execution);
      if (state.holder === execution) this.release(state);
    }
  }
}

function timeoutError() {
  return { name: 'Exception', message: LOCK_TIMEOUT_MESSAGE };
}
