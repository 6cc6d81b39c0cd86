// A thin event's full event, read with the API key: the v1 snapshot event it names (`GET /v1/events/:id`, rendered
// in the API version of its time, its `data` never changing), else its object's current state at `related_object.url`.
// One request either way.

import type { FullEvent, StripeEvents } from '../core/apply/ports';
import { SETTING } from '../core/settings';
import { eventFromObject } from '../core/thin-event';
import { errorMessage } from '../shared/error-message';
import { StripeApiError, type StripeClient } from './stripe-client';

export function stripeEventsVia(client: () => StripeClient | null): StripeEvents {
  return {
    fullEvent(thin): FullEvent {
      let stripe: StripeClient | null;
      try {
        stripe = client();
      } catch (error) {
        return { kind: 'unavailable', message: errorMessage(error) };
      }
      if (!stripe) {
        return {
          kind: 'unconfigured',
          message: `${thin.type} is a thin event: set ${SETTING.apiKey} (a restricted key with Events read) so the add-on can fetch the event it stands for; Stripe will retry, and syncStripe() catches up once the key is set.`,
        };
      }
      try {
        if (thin.snapshotEvent) {
          const event = stripe.get(`/v1/events/${encodeURIComponent(thin.snapshotEvent)}`);
          return { kind: 'found', payload: JSON.stringify(event) };
        }
        const url = thin.relatedObject?.url ?? '';
        if (!/^\/v1\/[a-z_]+\/[A-Za-z0-9_]+$/.test(url)) {
          return {
            kind: 'missing',
            message: `Thin event ${thin.id} names neither a snapshot event nor an object to read.`,
          };
        }
        return { kind: 'found', payload: JSON.stringify(eventFromObject(thin, stripe.get(url))) };
      } catch (error) {
        if (error instanceof StripeApiError && (error.status === 404 || error.code === 'resource_missing')) {
          return {
            kind: 'missing',
            message: `Stripe has no ${thin.snapshotEvent ?? thin.relatedObject?.id} for this ${SETTING.apiKey}: is the key from the same account and mode (test or live) as the event destination?`,
          };
        }
        return {
          kind: 'unavailable',
          message: `Could not fetch the event ${thin.id} stands for, Stripe will retry: ${errorMessage(error)}`,
        };
      }
    },
  };
}
