// The two locks. The script lock is shared by every execution of the script: whoever holds it changes the books.
// The append lock is the owner's user lock: every delivery to the web app (deployed to execute as the owner) and every
// trigger the owner installed run as the owner and share it; it is held only while a `Stripe Events` row is reserved.
// (The document lock would not do: it is null in a web app, per the LockService reference.)

import type { ScriptLock } from '../core/ingest/ports';

/** Asked for when first tried, so that a failing lock service fails the try (a lock not had), not the execution. */
export function scriptLock(): ScriptLock {
  let lock: GoogleAppsScript.Lock.Lock | null = null;
  return {
    tryLock: (timeoutMs) => {
      lock ??= LockService.getScriptLock();
      return lock.tryLock(timeoutMs);
    },
    release: () => lock?.releaseLock(),
  };
}

export function appendLock(): GoogleAppsScript.Lock.Lock {
  return LockService.getUserLock();
}
