// What each channel is told: a burst once, nothing while nothing changes, small amounts out of chats, trouble once
// per fingerprint, escalations only where they belong.

import { describe, expect, it } from 'vitest';
import { type ChannelMemory, isNews, type NewsInput, newsFor } from '../../../src/core/alerts/alert-news';
import type { Escalation } from '../../../src/core/alerts/escalation';
import type { Trouble } from '../../../src/core/alerts/system-trouble';
import type { ExceptionEntry } from '../../../src/core/report/report-records';

function exception(id: string, openedAt: string, amount: number | null, status = 'open'): ExceptionEntry {
  return {
    exceptionId: id,
    openedAt: new Date(openedAt),
    reason: 'UNDERPAID',
    invoiceKey: `in_${id}`,
    eventIds: [`evt_${id}`],
    amount,
    currency: amount === null ? null : 'USD',
    status,
    resolvedAt: null,
    owner: '',
  };
}

const burst = [
  exception('EX-1', '2026-03-10T10:00:00Z', 450),
  exception('EX-2', '2026-03-10T10:00:00Z', 20),
  exception('EX-3', '2026-03-10T10:00:01Z', null),
];
const input = (over: Partial<NewsInput> = {}): NewsInput => ({
  exceptions: burst,
  trouble: [],
  troubleChecked: [],
  escalations: [],
  minAmount: 100,
  ...over,
});
const ids = (list: ExceptionEntry[]) => list.map((e) => e.exceptionId);

describe('news for a channel', () => {
  it('is every open exception the channel has not been told, the burst at once', () => {
    const { news } = newsFor('email', undefined, input());
    expect(ids(news.exceptions)).toEqual(['EX-1', 'EX-2', 'EX-3']);
  });

  it('is nothing on the next run while nothing changes', () => {
    const first = newsFor('email', undefined, input());
    const second = newsFor('email', first.next, input());
    expect(isNews(second.news)).toBe(false);
    expect(second.next).toEqual(first.next);
  });

  it('is only the exception opened since, even at the same second as a told one', () => {
    const { next } = newsFor('email', undefined, input());
    const later = [...burst, exception('EX-4', '2026-03-10T10:00:01Z', 300)];
    expect(ids(newsFor('email', next, input({ exceptions: later })).news.exceptions)).toEqual(['EX-4']);
  });

  it('leaves exceptions below ALERT_MIN_AMOUNT out of Slack and Telegram but not out of the e-mail digest', () => {
    expect(ids(newsFor('slack', undefined, input()).news.exceptions)).toEqual(['EX-1', 'EX-3']);
    expect(ids(newsFor('telegram', undefined, input()).news.exceptions)).toEqual(['EX-1', 'EX-3']);
    expect(ids(newsFor('email', undefined, input()).news.exceptions)).toEqual(['EX-1', 'EX-2', 'EX-3']);
  });

  it('leaves out exceptions already closed by the time the channel hears of them', () => {
    const closed = [exception('EX-9', '2026-03-10T10:00:00Z', 500, 'resolved')];
    expect(isNews(newsFor('email', undefined, input({ exceptions: closed })).news)).toBe(false);
  });

  it('tells system trouble once until its fingerprint changes, and again after it went away', () => {
    const signature = (fingerprint: string): Trouble => ({
      kind: 'signature',
      fingerprint,
      text: 'signature',
    });
    const checked = ['signature'];
    let memory: ChannelMemory | undefined;
    const run = (trouble: Trouble[]) => {
      const result = newsFor('slack', memory, input({ exceptions: [], trouble, troubleChecked: checked }));
      memory = result.next;
      return result.news.trouble.map((t) => t.fingerprint);
    };
    expect(run([signature('signature:1')])).toEqual(['signature:1']);
    expect(run([signature('signature:1')])).toEqual([]);
    expect(run([signature('signature:10')])).toEqual(['signature:10']);
    expect(run([])).toEqual([]);
    expect(run([signature('signature:1')])).toEqual(['signature:1']);
  });

  it('keeps what it told of trouble not looked at in this run', () => {
    const quota: Trouble = { kind: 'quota', fingerprint: 'quota:2026-03-10:1', text: 'quota' };
    const first = newsFor('email', undefined, input({ trouble: [quota], troubleChecked: ['quota'] }));
    const second = newsFor('email', first.next, input({ trouble: [], troubleChecked: ['sync-failing'] }));
    expect(second.next.trouble).toEqual({ quota: 'quota:2026-03-10:1' });
  });

  it('carries escalations to Telegram and the digest, not to Slack', () => {
    const escalations: Escalation[] = [{ exception: burst[0]!, daysOpen: 3, ageDays: 3 }];
    expect(newsFor('telegram', undefined, input({ escalations })).news.escalations).toHaveLength(1);
    expect(newsFor('email', undefined, input({ escalations })).news.escalations).toHaveLength(1);
    expect(newsFor('slack', undefined, input({ escalations })).news.escalations).toHaveLength(0);
  });
});
