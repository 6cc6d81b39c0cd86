// What is news for each alert channel in this run, and what that channel will have seen once told. Each channel keeps
// its own memory (kept in a script property between runs), so a channel that failed is told again next run while
// the others are not: exceptions by a watermark of `Opened At`, system trouble by fingerprint.

import type { ExceptionEntry } from '../report/report-records';
import type { Escalation } from './escalation';
import type { Trouble } from './system-trouble';

export const ALERT_CHANNELS = ['email', 'slack', 'telegram'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export interface ChannelMemory {
  /** `Opened At` (ms) of the newest exception told, and the ids opened at exactly that instant. */
  seenUpTo: number;
  seenIds: string[];
  /** The fingerprint told per trouble kind; a kind absent is not troubled. */
  trouble: Record<string, string>;
}

export interface AlertMemory {
  v: 1;
  channels: Partial<Record<AlertChannel, ChannelMemory>>;
}

export interface News {
  exceptions: ExceptionEntry[];
  escalations: Escalation[];
  trouble: Trouble[];
}

export interface NewsInput {
  exceptions: readonly ExceptionEntry[];
  trouble: readonly Trouble[];
  /** Trouble kinds looked at in this run: others keep their fingerprints. */
  troubleChecked: readonly string[];
  escalations: readonly Escalation[];
  minAmount: number | null;
}

/** Chat channels leave small exceptions out; the e-mail digest is the complete record. Only Telegram and the digest
 * carry escalations (CONTRACT.md, "Alerts"). */
const CHAT: ReadonlySet<AlertChannel> = new Set(['slack', 'telegram']);
const ESCALATES: ReadonlySet<AlertChannel> = new Set(['email', 'telegram']);

export function parseAlertMemory(raw: string | null): AlertMemory {
  try {
    const value = raw ? (JSON.parse(raw) as Partial<AlertMemory>) : null;
    if (value && value.v === 1 && value.channels && typeof value.channels === 'object') {
      return { v: 1, channels: value.channels };
    }
  } catch {
    // a hand-edited property starts afresh
  }
  return { v: 1, channels: {} };
}

export function isNews(news: News): boolean {
  return news.exceptions.length > 0 || news.escalations.length > 0 || news.trouble.length > 0;
}

export function newsFor(
  channel: AlertChannel,
  memory: ChannelMemory | undefined,
  input: NewsInput,
): { news: News; next: ChannelMemory } {
  const open = input.exceptions.filter((e) => e.status === 'open' && e.exceptionId);
  const unseen = open.filter((e) => isUnseen(e, memory));
  const bigEnough = (e: ExceptionEntry) =>
    !CHAT.has(channel) || input.minAmount === null || e.amount === null || e.amount >= input.minAmount;

  const told = { ...(memory?.trouble ?? {}) };
  for (const kind of input.troubleChecked) delete told[kind];
  const trouble: Trouble[] = [];
  for (const item of input.trouble) {
    if (memory?.trouble[item.kind] !== item.fingerprint) trouble.push(item);
    told[item.kind] = item.fingerprint;
  }

  return {
    news: {
      exceptions: unseen.filter(bigEnough),
      escalations: ESCALATES.has(channel) ? input.escalations.filter((e) => bigEnough(e.exception)) : [],
      trouble,
    },
    next: { ...watermark(open, memory), trouble: told },
  };
}

function isUnseen(exception: ExceptionEntry, memory: ChannelMemory | undefined): boolean {
  if (!memory) return true;
  const at = exception.openedAt?.getTime();
  // An exception with no Opened At cannot be placed after the watermark: told on a channel's first run only.
  if (at === undefined) return false;
  return at > memory.seenUpTo || (at === memory.seenUpTo && !memory.seenIds.includes(exception.exceptionId));
}

function watermark(
  open: readonly ExceptionEntry[],
  memory: ChannelMemory | undefined,
): Pick<ChannelMemory, 'seenUpTo' | 'seenIds'> {
  let seenUpTo = memory?.seenUpTo ?? 0;
  let seenIds = memory?.seenIds ?? [];
  for (const exception of open) {
    const at = exception.openedAt?.getTime();
    if (at === undefined) continue;
    if (at > seenUpTo) {
      seenUpTo = at;
      seenIds = [exception.exceptionId];
    } else if (at === seenUpTo && !seenIds.includes(exception.exceptionId)) {
      seenIds = [...seenIds, exception.exceptionId];
    }
  }
  return { seenUpTo, seenIds };
}
