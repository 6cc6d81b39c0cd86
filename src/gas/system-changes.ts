// The changes to the books that the report's periodic checks make: opening SETTLEMENT_OVERDUE exceptions and recording
// escalations. Through the one apply step, under the one lock helper, like every other change.

import { ESCALATION_ACTION } from '../core/alerts/escalation';
import { applyChanges } from '../core/apply/apply-step';
import { SYSTEM_ACTOR } from '../core/apply/exception-plan';
import { withLock } from '../core/ingest/lock-scope';
import type { ExceptionDraft } from '../core/ledger-row';
import { ledgerContext } from './context';
import type { Workbook } from './workbook';

/** A webhook is recorded as queued when the lock is held; these checks can wait for the next run instead. */
const LOCK_WAIT_MS = 20_000;

export interface Escalated {
  exceptionId: string;
  /** What was escalated and where, for the Audit row: e.g. `open 3 days; told Telegram, e-mail`. */
  note: string;
}

export interface SystemChanges {
  exceptions?: ExceptionDraft[];
  escalations?: Escalated[];
}

export interface SystemChangesResult {
  /** False when the lock was not had: nothing was changed, the next run tries again. */
  applied: boolean;
  opened: { exceptionId: string; draft: ExceptionDraft; openedAt: Date }[];
  /** Drafts whose (reason, invoice) already had an open exception, or whose cause was settled: nothing opened twice. */
  alreadyOpen: number;
  escalationsRecorded: number;
}

export function applySystemChanges(changes: SystemChanges, book: Workbook): SystemChangesResult {
  const result: SystemChangesResult = { applied: false, opened: [], alreadyOpen: 0, escalationsRecorded: 0 };
  const drafts = changes.exceptions ?? [];
  const escalations = changes.escalations ?? [];
  if (drafts.length === 0 && escalations.length === 0) return { ...result, applied: true };
  const context = ledgerContext({ book });
  const outcome = withLock(context.lockedWork(), LOCK_WAIT_MS, (books) =>
    applyChanges(books, [], {
      findings: drafts.map((draft) => ({ draft, actor: SYSTEM_ACTOR })),
      notes: escalations.map((escalation) => ({
        actor: SYSTEM_ACTOR,
        action: ESCALATION_ACTION,
        target: `Exceptions:${escalation.exceptionId}`,
        field: 'Escalation',
        before: '',
        after: escalation.note,
        evidence: escalation.exceptionId,
      })),
    }),
  );
  if (!outcome.held) return result;
  const openedAt = context.clock.now();
  outcome.value.findings.forEach((finding, i) => {
    const draft = drafts[i] as ExceptionDraft;
    if (finding.opened && finding.exceptionId)
      result.opened.push({ exceptionId: finding.exceptionId, draft, openedAt });
    else result.alreadyOpen += 1;
  });
  result.escalationsRecorded = escalations.length;
  result.applied = true;
  return result;
}
