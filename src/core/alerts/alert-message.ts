// One message per channel per run: new exceptions (named, or counted when there are many), escalations and system
// trouble, in plain text that reads the same in a mail client, Slack and Telegram.

import { formatMoney, majorToMinor } from '../money';
import type { ExceptionEntry } from '../report/report-records';
import type { News } from './alert-news';
import type { Escalation } from './escalation';

/** Named one by one up to this many; beyond it the message counts the rest (a burst makes one short message). */
const LISTED = 10;
/** Telegram refuses a message over 4096 characters; Slack truncates at 40,000. One limit keeps both readable. */
export const MAX_MESSAGE_CHARACTERS = 3500;

export interface AlertMessage {
  subject: string;
  text: string;
}

export function alertMessage(news: News, sheetName: string): AlertMessage {
  const parts: string[] = [];
  const count = news.exceptions.length;
  if (count > 0) {
    parts.push(
      section(
        `${count} new ${count === 1 ? 'exception' : 'exceptions'}${totals(news.exceptions)}:`,
        news.exceptions.map(describeException),
      ),
    );
  }
  if (news.escalations.length > 0) {
    parts.push(
      section(
        `${news.escalations.length} open past ${news.escalations.length === 1 ? 'its' : 'their'} escalation age:`,
        news.escalations.map(describeEscalation),
      ),
    );
  }
  if (news.trouble.length > 0)
    parts.push(
      section(
        'System:',
        news.trouble.map((t) => t.text),
      ),
    );
  const text = truncate(
    `Stripe Ledger — ${sheetName}\n\n${parts.join('\n\n')}\n\nDetails in the Exceptions sheet.`,
  );
  return { subject: `Stripe Ledger: ${summary(news)}`, text };
}

function summary(news: News): string {
  const bits: string[] = [];
  const n = news.exceptions.length;
  if (n > 0) bits.push(`${n} new ${n === 1 ? 'exception' : 'exceptions'}`);
  const e = news.escalations.length;
  if (e > 0) bits.push(`${e} ${e === 1 ? 'escalation' : 'escalations'}`);
  const t = news.trouble.length;
  if (t > 0) bits.push(`${t} system ${t === 1 ? 'problem' : 'problems'}`);
  return bits.join(', ');
}

function section(title: string, lines: string[]): string {
  const shown = lines.slice(0, LISTED).map((line) => `• ${line}`);
  if (lines.length > LISTED) shown.push(`… and ${lines.length - LISTED} more`);
  return [title, ...shown].join('\n');
}

function describeException(exception: ExceptionEntry): string {
  const on = exception.invoiceKey ? ` on ${exception.invoiceKey}` : '';
  return `${exception.exceptionId}: ${exception.reason}${on}${money(exception)}${owner(exception)}`;
}

function describeEscalation(escalation: Escalation): string {
  const { exception, daysOpen } = escalation;
  return `${describeException(exception)} — open ${daysOpen} ${daysOpen === 1 ? 'day' : 'days'}${exception.owner ? '' : ', no owner yet'}`;
}

function money(exception: ExceptionEntry): string {
  if (exception.amount === null || !exception.currency) return '';
  try {
    return `, ${formatMoney({ minor: majorToMinor(exception.amount, exception.currency), currency: exception.currency })}`;
  } catch {
    return '';
  }
}

/**
 * The owner by the name part of their address only: messages go to chats and inboxes beyond the team, and a full
 * address (perhaps one of the alert recipients) has no business there.
 */
function owner(exception: ExceptionEntry): string {
  const name = exception.owner.split('@')[0]?.trim();
  return name ? ` — owner ${name}` : '';
}

/** ` (USD 1,450.00 in total)`, per currency, when the exceptions carry amounts. */
function totals(exceptions: readonly ExceptionEntry[]): string {
  const sums = new Map<string, number>();
  for (const exception of exceptions) {
    if (exception.amount === null || !exception.currency) continue;
    try {
      const minor = majorToMinor(exception.amount, exception.currency);
      sums.set(exception.currency, (sums.get(exception.currency) ?? 0) + minor);
    } catch {
      // not an amount: left out of the total
    }
  }
  if (sums.size === 0) return '';
  const listed = [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => formatMoney({ minor, currency }));
  return ` (${listed.join(', ')} in total)`;
}

function truncate(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARACTERS) return text;
  return `${text.slice(0, MAX_MESSAGE_CHARACTERS - 40)}\n… (cut; see the Exceptions sheet)`;
}
