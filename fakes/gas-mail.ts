// MailApp: sendEmail in its three shapes and the daily recipient quota, with Apps Script's messages where it bites.
// Sent mail is kept for tests to read (GasFakes.mail.sent); nothing leaves the process.

import { type Env, GasObject, isDate, signatureError } from './gas-core';

/**
 * Apps Script quotas (https://developers.google.com/apps-script/guides/services/quotas): 100 recipients a day on a
 * consumer account (1,500 on Workspace), 50 recipients per message, a 200 KB body (400 KB on Workspace).
 */
export const MAIL_DAILY_RECIPIENTS = 100;
export const MAIL_RECIPIENTS_PER_MESSAGE = 50;
export const MAIL_BODY_BYTES = 200 * 1024;

export interface SentMail {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  htmlBody: string | null;
  name: string | null;
  replyTo: string | null;
  noReply: boolean;
  sentAt: Date;
}

export interface MailOptions {
  /** Recipients a day; default MAIL_DAILY_RECIPIENTS. */
  dailyRecipients?: number;
  /** Makes a send fail with this message (e.g. a transient service error); null lets it through. */
  fail?: (mail: SentMail) => string | null;
}

interface MessageFields {
  to?: unknown;
  cc?: unknown;
  bcc?: unknown;
  subject?: unknown;
  body?: unknown;
  htmlBody?: unknown;
  name?: unknown;
  replyTo?: unknown;
  noReply?: unknown;
}

/** Loose, like Apps Script's own check: one `@`, something on both sides, a dot in the domain. */
const ADDRESS = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

export class FakeMailApp extends GasObject {
  readonly sent: SentMail[] = [];
  private used = { day: '', recipients: 0 };

  constructor(
    env: Env,
    private readonly options: MailOptions = {},
  ) {
    super(env, 'MailApp');
  }

  getRemainingDailyQuota(): number {
    return Math.max(0, this.limit() - this.usedToday());
  }

  sendEmail(...args: unknown[]): void {
    const fields = this.fieldsOf(args);
    const mail: SentMail = {
      to: this.addresses(fields.to),
      cc: this.addresses(fields.cc),
      bcc: this.addresses(fields.bcc),
      subject: fields.subject === undefined ? '' : String(fields.subject),
      body: fields.body === undefined ? '' : String(fields.body),
      htmlBody: fields.htmlBody === undefined ? null : String(fields.htmlBody),
      name: fields.name === undefined ? null : String(fields.name),
      replyTo: fields.replyTo === undefined ? null : String(fields.replyTo),
      noReply: fields.noReply === true,
      sentAt: this._env.clock.now(),
    };
    const recipients = mail.to.length + mail.cc.length + mail.bcc.length;
    if (recipients === 0) throw this._env.error('Failed to send email: no recipient');
    // ASSUMPTION (unverified wording): Apps Script refuses a message to more than 50 recipients.
    if (recipients > MAIL_RECIPIENTS_PER_MESSAGE)
      throw this._env.error('Limit Exceeded: Email Recipients Per Message.');
    const bytes = Buffer.byteLength(mail.body, 'utf8') + Buffer.byteLength(mail.htmlBody ?? '', 'utf8');
    // ASSUMPTION (unverified wording): the body limit's message.
    if (bytes > MAIL_BODY_BYTES) throw this._env.error('Limit Exceeded: Email Body Size.');
    if (this.usedToday() + recipients > this.limit()) {
      throw this._env.error('Service invoked too many times for one day: email.');
    }
    const failure = this.options.fail?.(mail) ?? null;
    if (failure !== null) throw this._env.error(failure);
    this.used.recipients += recipients;
    this.sent.push(mail);
  }

  private fieldsOf(args: unknown[]): MessageFields {
    const [first, second, third, fourth] = args;
    if (args.length === 1 && first !== null && typeof first === 'object' && !isDate(first)) {
      return first as MessageFields;
    }
    if (args.length === 3 || (args.length === 4 && typeof fourth === 'object' && fourth !== null)) {
      if (typeof first === 'string' && typeof second === 'string' && typeof third === 'string') {
        return { ...((fourth as MessageFields | undefined) ?? {}), to: first, subject: second, body: third };
      }
    }
    if (args.length === 4 && [first, second, third, fourth].every((a) => typeof a === 'string')) {
      return { to: first, replyTo: second, subject: third, body: fourth };
    }
    throw signatureError(this._env, 'MailApp.sendEmail', args);
  }

  private addresses(value: unknown): string[] {
    if (value === undefined || value === null || value === '') return [];
    const list = String(value)
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean);
    for (const address of list)
      if (!ADDRESS.test(address)) throw this._env.error(`Invalid email: ${address}`);
    return list;
  }

  private limit(): number {
    return this.options.dailyRecipients ?? MAIL_DAILY_RECIPIENTS;
  }

  /** Google counts the quota over a rolling day; the fake resets it at each UTC midnight of its clock. */
  private usedToday(): number {
    const day = this._env.clock.now().toISOString().slice(0, 10);
    if (this.used.day !== day) this.used = { day, recipients: 0 };
    return this.used.recipients;
  }
}
