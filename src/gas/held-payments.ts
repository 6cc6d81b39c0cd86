// Sync's decision on held payments (money whose invoice was not known when it arrived): after the grace window, each
// is read back from its log row and decided through the apply step, with whatever Stripe has said about it since.
// Runs with or without an API key; only while a payment is held (a property says so), so an idle run reads nothing.

import { applyChanges } from '../core/apply/apply-step';
import { withLock } from '../core/ingest/lock-scope';
import { heldPaymentsDue } from '../core/sync/held-payments-due';
import type { LedgerContext } from './context';

/** Held rows decided per run at most: each may ask Stripe once. */
const HELD_PER_RUN = 100;
const LOCK_WAIT_MS = 20_000;

export interface HeldDecision {
  decided: number;
  waiting: number;
}

export function decideHeldPayments(context: LedgerContext): HeldDecision {
  const none = { decided: 0, waiting: 0 };
  if (!context.log.heldNoted()) return none;
  const outcome = withLock(context.lockedWork(), LOCK_WAIT_MS, (books) => {
    const held = context.log.held(HELD_PER_RUN);
    if (held.length === 0) {
      context.log.clearHeld();
      return none;
    }
    const due = heldPaymentsDue(
      held,
      Math.floor(context.nowMs() / 1000),
      context.settings.unmatchedGraceMinutes,
    );
    if (due.length === 0) return { decided: 0, waiting: held.length };
    const result = applyChanges(books, [], { releases: due });
    const decided = result.releases.filter((r) => r.result !== 'error').length;
    return { decided, waiting: held.length - decided };
  });
  return outcome.held ? outcome.value : none;
}
