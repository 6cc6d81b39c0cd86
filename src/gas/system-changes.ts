// The changes to the books that the report's periodic checks make: opening SETTLEMENT_OVERDUE exceptions and recording
// escalations. ONE function, so that it can be moved onto the lead's apply step (issue 7) in one place: until then it
// does what the drift check does (src/gas/sync.ts, runDriftCheck) — under the script lock, `findOpen` then `open`,
// and an Audit row for each change.

import { ESCALATION_ACTION } from '../core/alerts/escalation';
import type { ExceptionDraft } from '../core/ledger-row';
import { SYSTEM_ACTOR } from '../core/pipeline';
import type { AuditEntry } from '../core/ports';
import { SheetAuditTrail } from './audit';
import { SheetExceptionQueue } from './exceptions';
import { scriptLock, systemClock } from './services';
import type { Workbook } from './workbook';

/** A webhook waits 10 s for the lock; these checks can wait for the next run rather than queue long behind it. */
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
  /** Drafts whose (reason, invoice) already had an open exception: nothing opened twice. */
  alreadyOpen: number;
  escalationsRecorded: number;
}

export function applySystemChanges(changes: SystemChanges, book: Workbook): SystemChangesResult {
  const result: SystemChangesResult = { applied: false, opened: [], alreadyOpen: 0, escalationsRecorded: 0 };
  const drafts = changes.exceptions ?? [];
  const escalations = changes.escalations ?? [];
  if (drafts.length === 0 && escalations.length === 0) return { ...result, applied: true };
  const lock = scriptLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) return result;
  try {
    const exceptions = new SheetExceptionQueue(book);
    const at = systemClock.now();
    const entries: AuditEntry[] = [];
    for (const draft of drafts) {
      // At most one open exception per reason and invoice (CONTRACT.md, "Exceptions").
      if (exceptions.findOpen(draft.reason, draft.invoiceKey)) {
        result.alreadyOpen += 1;
        continue;
      }
      const exceptionId = exceptions.open(draft, at);
      result.opened.push({ exceptionId, draft, openedAt: at });
      entries.push(audit(at, 'open_exception', exceptionId, 'Status', '', 'open', draft.eventId));
    }
    for (const escalation of escalations) {
      entries.push(
        audit(
          at,
          ESCALATION_ACTION,
          escalation.exceptionId,
          'Escalation',
          '',
          escalation.note,
          escalation.exceptionId,
        ),
      );
    }
    new SheetAuditTrail(book).append(entries);
    // Other executions read the sheets as soon as the lock is free: the writes must land first.
    SpreadsheetApp.flush();
    result.escalationsRecorded = escalations.length;
    result.applied = true;
    return result;
  } finally {
    lock.release();
  }
}

function audit(
  at: Date,
  action: string,
  exceptionId: string,
  field: string,
  before: string,
  after: string,
  evidence: string,
): AuditEntry {
  return {
    at,
    actor: SYSTEM_ACTOR,
    action,
    target: `Exceptions:${exceptionId}`,
    field,
    before,
    after,
    evidence,
  };
}
