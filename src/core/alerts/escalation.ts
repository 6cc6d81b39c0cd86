// Escalation: an exception left open past its reason's age is named once more, louder — to Telegram and in the
// e-mail digest — so that complex cases reach a person before month-end. Once per exception: the escalation is
// recorded in `Audit`, and an exception with such a row is never escalated again.

import type { AuditLine, ExceptionEntry } from '../report/report-records';

export interface EscalationAges {
  /** Days open before an exception of any other reason escalates. */
  defaultDays: number;
  /** Shorter (or longer) ages for some reasons, in days. */
  byReason: Readonly<Record<string, number>>;
}

/** No exception waits longer than two weeks for its escalation, whatever the settings say (CONTRACT.md, "Alerts"). */
export const MAX_ESCALATION_DAYS = 14;

/** A dispute has a deadline for evidence in Stripe: one day, not three. */
export const DEFAULT_ESCALATION_AGES: EscalationAges = { defaultDays: 3, byReason: { DISPUTED: 1 } };

/** The `Action` of the Audit row that records an escalation. */
export const ESCALATION_ACTION = 'escalate_exception';

const DAY_MS = 24 * 60 * 60_000;

export interface Escalation {
  exception: ExceptionEntry;
  /** Whole days open, rounded down. */
  daysOpen: number;
  ageDays: number;
}

/**
 * `ALERT_ESCALATE_AFTER_DAYS` (e.g. `3`) and `ALERT_ESCALATE_AFTER_DAYS_BY_REASON` (e.g. `DISPUTED=1, UNDERPAID=5`)
 * over the defaults. Days may be fractions (0.5 is twelve hours); anything above 14 is held at 14; entries that are
 * not `REASON=days` with days above zero are ignored and named in `ignored`.
 */
export function parseEscalationAges(
  defaultText: string | null,
  byReasonText: string | null,
): { ages: EscalationAges; ignored: string[] } {
  const ignored: string[] = [];
  let defaultDays = DEFAULT_ESCALATION_AGES.defaultDays;
  if (defaultText !== null && defaultText.trim() !== '') {
    const days = Number(defaultText.trim());
    if (Number.isFinite(days) && days > 0) defaultDays = Math.min(days, MAX_ESCALATION_DAYS);
    else ignored.push(defaultText.trim());
  }
  const byReason: Record<string, number> = { ...DEFAULT_ESCALATION_AGES.byReason };
  for (const entry of (byReasonText ?? '').split(',')) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const match = /^([A-Za-z_]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(trimmed);
    const days = match ? Number(match[2]) : Number.NaN;
    if (!match || !(days > 0)) {
      ignored.push(trimmed);
      continue;
    }
    byReason[(match[1] ?? '').toUpperCase()] = Math.min(days, MAX_ESCALATION_DAYS);
  }
  return { ages: { defaultDays, byReason }, ignored };
}

export function escalationAgeDays(ages: EscalationAges, reason: string): number {
  const listed = ages.byReason[reason] as unknown;
  return Math.min(typeof listed === 'number' ? listed : ages.defaultDays, MAX_ESCALATION_DAYS);
}

/** Exception ids the Audit shows as escalated already. */
export function escalatedExceptionIds(audit: readonly AuditLine[]): Set<string> {
  const ids = new Set<string>();
  for (const line of audit) {
    if (line.action === ESCALATION_ACTION && line.target.startsWith('Exceptions:')) {
      ids.add(line.target.slice('Exceptions:'.length));
    }
  }
  return ids;
}

/** Open exceptions (snoozed ones are parked on purpose) past their age and not escalated before; oldest first. */
export function dueEscalations(
  exceptions: readonly ExceptionEntry[],
  now: Date,
  ages: EscalationAges,
  escalated: ReadonlySet<string>,
): Escalation[] {
  const due: Escalation[] = [];
  for (const exception of exceptions) {
    if (exception.status !== 'open' || !exception.openedAt || !exception.exceptionId) continue;
    if (escalated.has(exception.exceptionId)) continue;
    const ageDays = escalationAgeDays(ages, exception.reason);
    const openMs = now.getTime() - exception.openedAt.getTime();
    if (openMs < ageDays * DAY_MS) continue;
    due.push({ exception, daysOpen: Math.floor(openMs / DAY_MS), ageDays });
  }
  return due.sort((a, b) => (a.exception.openedAt?.getTime() ?? 0) - (b.exception.openedAt?.getTime() ?? 0));
}
