// Escalation ages and which open exceptions are due: once each, past their reason's age, never beyond 14 days.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ESCALATION_AGES,
  dueEscalations,
  ESCALATION_ACTION,
  escalatedExceptionIds,
  parseEscalationAges,
} from '../../../src/core/alerts/escalation';
import type { ExceptionEntry } from '../../../src/core/report/report-records';

const NOW = new Date('2026-03-10T16:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

function exception(id: string, reason: string, openedAt: Date, status = 'open'): ExceptionEntry {
  return {
    exceptionId: id,
    openedAt,
    reason,
    invoiceKey: `in_${id}`,
    eventIds: [],
    amount: 100,
    currency: 'USD',
    status,
    resolvedAt: null,
    owner: '',
  };
}

describe('escalation ages', () => {
  it('default to 3 days, 1 day for a dispute', () => {
    expect(parseEscalationAges(null, null)).toEqual({ ages: DEFAULT_ESCALATION_AGES, ignored: [] });
  });

  it('take the owner’s ages per reason and hold every age at 14 days at most', () => {
    const { ages, ignored } = parseEscalationAges('30', 'underpaid=5, SETTLEMENT_OVERDUE=0.5, DRIFT=never');
    expect(ages).toEqual({
      defaultDays: 14,
      byReason: { DISPUTED: 1, UNDERPAID: 5, SETTLEMENT_OVERDUE: 0.5 },
    });
    expect(ignored).toEqual(['DRIFT=never']);
  });
});

describe('due escalations', () => {
  const exceptions = [
    exception('EX-DISPUTE', 'DISPUTED', hoursAgo(24)),
    exception('EX-UNDER-2D', 'UNDERPAID', hoursAgo(47)),
    exception('EX-UNDER-3D', 'UNDERPAID', hoursAgo(72)),
    exception('EX-SNOOZED', 'UNDERPAID', hoursAgo(200), 'snoozed'),
    exception('EX-RESOLVED', 'UNDERPAID', hoursAgo(200), 'resolved'),
  ];

  it('are the open exceptions past their reason’s age, oldest first', () => {
    const due = dueEscalations(exceptions, NOW, DEFAULT_ESCALATION_AGES, new Set());
    expect(due.map((d) => [d.exception.exceptionId, d.daysOpen, d.ageDays])).toEqual([
      ['EX-UNDER-3D', 3, 3],
      ['EX-DISPUTE', 1, 1],
    ]);
  });

  it('leave out exceptions the Audit shows as escalated', () => {
    const escalated = escalatedExceptionIds([
      { at: NOW, action: ESCALATION_ACTION, target: 'Exceptions:EX-DISPUTE', field: 'Escalation' },
      { at: NOW, action: 'open_exception', target: 'Exceptions:EX-UNDER-3D', field: 'Status' },
    ]);
    expect(escalated).toEqual(new Set(['EX-DISPUTE']));
    const due = dueEscalations(exceptions, NOW, DEFAULT_ESCALATION_AGES, escalated);
    expect(due.map((d) => d.exception.exceptionId)).toEqual(['EX-UNDER-3D']);
  });
});
