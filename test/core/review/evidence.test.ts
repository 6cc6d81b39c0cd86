// What a logged event shows a reviewer, from the payload as logged.

import { describe, expect, it } from 'vitest';
import type { LoggedDelivery } from '../../../src/core/apply/ports';
import { dashboardUrl, eventEvidence, evidenceAmount } from '../../../src/core/review/evidence';
import { chargeRefundedEvent, invoiceEvent, type StripeEventJson } from '../../fixtures/events';

function logged(event: StripeEventJson | string, row = 7): LoggedDelivery {
  const payload = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  return {
    row,
    entry: {
      receivedAt: new Date('2026-01-14T09:00:05Z'),
      source: 'webhook',
      eventId: typeof event === 'string' ? 'evt_unreadable' : event.id,
      eventType: typeof event === 'string' ? 'invoice.paid' : event.type,
      verification: 'valid',
      result: 'processed',
      message: '',
      payload,
    },
  };
}

describe('eventEvidence', () => {
  it('reads an invoice’s payer from customer_name, customer_email and customer, and links it in test mode', () => {
    const event = invoiceEvent('invoice.paid', {
      id: 'evt_1',
      invoiceId: 'in_1',
      amountDue: 125_050,
      customer: 'cus_ashford',
      customerName: 'Zoë Ashford',
      customerEmail: 'Ashford@Mail.example',
    });
    const evidence = eventEvidence(logged(event));
    expect(evidence).toMatchObject({
      eventId: 'evt_1',
      eventType: 'invoice.paid',
      objectId: 'in_1',
      minor: 125_050,
      currency: 'USD',
      customerId: 'cus_ashford',
      customerName: 'Zoë Ashford',
      customerEmail: 'ashford@mail.example',
      livemode: false,
      dashboardUrl: 'https://dashboard.stripe.com/test/invoices/in_1',
      logRow: 7,
    });
    expect(evidenceAmount(evidence)).toBe(1250.5);
  });

  it('reads a charge’s payer from billing_details, and links a live payment without /test/', () => {
    const event = chargeRefundedEvent({ chargeId: 'ch_1', amount: 5000, customerName: 'Ngozi Okafor' });
    event.livemode = true;
    expect(eventEvidence(logged(event))).toMatchObject({
      customerName: 'Ngozi Okafor',
      dashboardUrl: 'https://dashboard.stripe.com/payments/ch_1',
      livemode: true,
    });
  });

  it('still shows the log row of a payload that is not JSON', () => {
    expect(eventEvidence(logged('{not json'))).toMatchObject({
      eventId: 'evt_unreadable',
      eventType: 'invoice.paid',
      minor: null,
      dashboardUrl: null,
    });
  });
});

describe('dashboardUrl', () => {
  it('puts only Stripe-shaped ids into an address', () => {
    expect(dashboardUrl('in_"><script>', '', '', false)).toBeNull();
    expect(dashboardUrl('inpay_1', 'in_9', 'evt_1', true)).toBe('https://dashboard.stripe.com/invoices/in_9');
    expect(dashboardUrl('', '', 'evt_5', false)).toBe('https://dashboard.stripe.com/test/events/evt_5');
  });
});
