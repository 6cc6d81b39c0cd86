// Stripe's side and the relay's: each event is delivered when it is created, at most 30 deliveries in flight (the
// rest wait their turn, first come first served), each signed with the endpoint's secret at the moment it is sent;
// the relay (src/relay/relay.ts) forwards it to the web app and answers Stripe with RELAY_STATUS of doPost's verdict,
// or 503 when the verdict is unreadable or later than its timeout; any non-2xx answer makes Stripe try again later,
// as a new delivery (new timestamp and signature, same event).
//
// Stripe's retry schedule. Stripe documents only the envelope: "In live mode, Stripe attempts to deliver a given
// event to your webhook endpoint for up to 3 days with an exponential back off" (docs.stripe.com/webhooks, "Automatic
// retries"); the individual intervals are not published (the Dashboard shows the next attempt). Observed schedules
// reported by integrators (e.g. sentryforge.royalruby.io/webhook/blog/retry-behavior, nwos.com "Stripe Webhooks: The
// Retry Quirks…") agree on retries about 5 min, 30 min, 2 h, 4–5 h, 8–10 h and 16 h after the first attempt, then
// about daily until 72 h. Those are the offsets used here, from the first attempt.

import { unwrap } from '../../fakes/gas-core';
import { RELAY_STATUS, type WebhookResult } from '../../src/core/contract';
import { type JsonObject, type StripeEventJson, signedDelivery } from '../fixtures/events';
import type { Outcome, Scheduler } from './scheduler';
import type { WebApp } from './web-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** When Stripe tries again after a failed delivery, counted from the first attempt. */
export const STRIPE_RETRY_OFFSETS_MS = [
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  16 * HOUR,
  40 * HOUR,
  64 * HOUR,
];

/** The relay's default wait for Apps Script (src/relay/relay.ts DEFAULT_TIMEOUT_MS): then it answers 503. */
export const RELAY_TIMEOUT_MS = 9_000;
/** Deliveries Stripe has on the way to the endpoint at once; further ones wait. */
export const MAX_DELIVERIES_IN_FLIGHT = 30;

export interface StripeModelOptions {
  secret: string;
  retryOffsetsMs?: number[];
  relayTimeoutMs?: number;
  maxInFlight?: number;
}

/** One POST that reached the relay: a Stripe attempt, or a forged request to the public URL. */
export interface Delivery {
  id: number;
  label: 'stripe' | 'forged';
  /** The Stripe event it carries (null for a forged request). */
  eventId: string | null;
  /** 0 for Stripe's first attempt. */
  attempt: number;
  /** When Stripe meant to send it, and when it did (after waiting for a place among those in flight). */
  dueAt: number;
  sentAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** doPost's `result`; `unreadable` when there was none to read (it threw, or was stopped). */
  verdict: WebhookResult | 'unreadable' | null;
  /** What the relay answered Stripe, and when. */
  status: number | null;
  answeredAt: number | null;
  relayTimedOut: boolean;
}

export interface EventFate {
  event: StripeEventJson;
  firstSentAt: number;
  attempts: number;
  /** When Stripe got a 2xx for it; null if it never did. */
  deliveredAt: number | null;
}

export class StripeModel {
  readonly deliveries: Delivery[] = [];
  readonly events = new Map<string, EventFate>();
  private readonly retryOffsets: number[];
  private readonly relayTimeout: number;
  private readonly maxInFlight: number;
  /** Attempts due and waiting for a place in flight: the event, and when it was due. */
  private readonly due: { eventId: string; dueAt: number }[] = [];
  private inFlight = 0;
  peakDue = 0;
  /** After this virtual time Stripe sends nothing more (a run's horizon); what is on its way still arrives. */
  stopSendingAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly webApp: WebApp,
    private readonly options: StripeModelOptions,
  ) {
    this.retryOffsets = options.retryOffsetsMs ?? STRIPE_RETRY_OFFSETS_MS;
    this.relayTimeout = options.relayTimeoutMs ?? RELAY_TIMEOUT_MS;
    this.maxInFlight = options.maxInFlight ?? MAX_DELIVERIES_IN_FLIGHT;
  }

  /** Stripe sends `event` at `sendAt` (epoch ms), and retries until a 2xx or the schedule's end. */
  send(event: StripeEventJson, sendAt: number): void {
    this.events.set(event.id, { event, firstSentAt: sendAt, attempts: 0, deliveredAt: null });
    this.scheduler.at(sendAt, () => this.queue(event.id));
  }

  /** Someone POSTs `body` to the relay at `at` with a signature made with the wrong secret. */
  forge(body: StripeEventJson | JsonObject, at: number): void {
    this.scheduler.at(at, () => {
      if (this.scheduler.now > this.stopSendingAt) return;
      const delivery = this.newDelivery('forged', null, 0, this.scheduler.now);
      const signed = signedDelivery(
        body,
        'whsec_not_the_endpoint_secret',
        Math.floor(this.scheduler.now / 1000),
      );
      this.post(delivery, signed.body, signed.header);
    });
  }

  private queue(eventId: string): void {
    if (this.scheduler.now > this.stopSendingAt) return;
    this.due.push({ eventId, dueAt: this.scheduler.now });
    this.peakDue = Math.max(this.peakDue, this.due.length);
    this.sendDue();
  }

  private sendDue(): void {
    while (this.inFlight < this.maxInFlight && this.scheduler.now <= this.stopSendingAt) {
      const next = this.due.shift();
      if (!next) return;
      const fate = this.events.get(next.eventId);
      if (!fate) continue;
      this.inFlight += 1;
      const delivery = this.newDelivery('stripe', next.eventId, fate.attempts, next.dueAt);
      fate.attempts += 1;
      const signed = signedDelivery(fate.event, this.options.secret, Math.floor(this.scheduler.now / 1000));
      this.post(delivery, signed.body, signed.header);
    }
  }

  private newDelivery(
    label: Delivery['label'],
    eventId: string | null,
    attempt: number,
    dueAt: number,
  ): Delivery {
    const delivery: Delivery = {
      id: this.deliveries.length + 1,
      label,
      eventId,
      attempt,
      dueAt,
      sentAt: this.scheduler.now,
      startedAt: null,
      endedAt: null,
      verdict: null,
      status: null,
      answeredAt: null,
      relayTimedOut: false,
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  /** The relay: forward, wait at most its timeout, answer Stripe. */
  private post(delivery: Delivery, body: string, signature: string): void {
    this.scheduler.at(this.scheduler.now + this.relayTimeout, () => {
      if (delivery.status !== null) return;
      delivery.relayTimedOut = true;
      this.answer(delivery, 503);
    });
    this.webApp.submit({
      label: delivery.label,
      event: doPostEvent(body, signature),
      onStart: () => {
        delivery.startedAt = this.scheduler.now;
      },
      onDone: (_execution, outcome) => {
        delivery.endedAt = this.scheduler.now;
        delivery.verdict = verdictOf(outcome);
        if (delivery.status === null) {
          this.answer(delivery, delivery.verdict === 'unreadable' ? 503 : RELAY_STATUS[delivery.verdict]);
        }
      },
    });
  }

  private answer(delivery: Delivery, status: number): void {
    delivery.status = status;
    delivery.answeredAt = this.scheduler.now;
    if (delivery.label !== 'stripe' || delivery.eventId === null) return;
    this.inFlight -= 1;
    this.sendDue();
    const fate = this.events.get(delivery.eventId);
    if (!fate || fate.deliveredAt !== null) return;
    if (status >= 200 && status < 300) {
      fate.deliveredAt = this.scheduler.now;
      return;
    }
    const offset = this.retryOffsets[delivery.attempt];
    if (offset === undefined) return;
    const eventId = delivery.eventId;
    this.scheduler.at(Math.max(this.scheduler.now, fate.firstSentAt + offset), () => this.queue(eventId));
  }
}

/** What doPost receives for the relay's POST: the raw body, and the signature header as a query parameter. */
export function doPostEvent(body: string, signature: string): Record<string, unknown> {
  const length = Buffer.byteLength(body);
  return {
    postData: { contents: body, length, type: 'application/json', name: 'postData' },
    parameter: { stripe_signature: signature },
    parameters: { stripe_signature: [signature] },
    queryString: `stripe_signature=${encodeURIComponent(signature)}`,
    contextPath: '',
    contentLength: length,
  };
}

/** doPost's verdict as the relay reads it from the TextOutput's JSON. */
function verdictOf(outcome: Outcome): WebhookResult | 'unreadable' {
  if (outcome.killed || outcome.error || outcome.value === null || typeof outcome.value !== 'object') {
    return 'unreadable';
  }
  const output = unwrap(outcome.value) as { getContent?: () => string };
  try {
    const result = (JSON.parse(output.getContent?.() ?? '') as { result?: unknown }).result;
    return typeof result === 'string' && Object.hasOwn(RELAY_STATUS, result)
      ? (result as WebhookResult)
      : 'unreadable';
  } catch {
    return 'unreadable';
  }
}
