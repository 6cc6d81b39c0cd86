// A school's books in early March 2026, written cell by cell so that every report figure can be computed by hand
// (the figures are worked out in test/core/report/reconciliation-report.test.ts). The same rows seed the pure
// figures and, through the Apps Script fakes, the sheet refreshReport() rebuilds.

import { emptyState, mergeFact, serialiseState } from '../../src/core/merge';
import { normaliseEvent } from '../../src/core/normalise';
import { invoiceEvent, invoicePaymentPaidEvent, stripeEvent } from '../fixtures/events';

/** Tuesday 10 March 2026, 12:00 in New York (EDT since Sunday). */
export const SEEDED_NOW = new Date('2026-03-10T16:00:00Z');
export const SEEDED_TIME_ZONE = 'America/New_York';

const d = (iso: string) => new Date(iso);
const unix = (iso: string) => Date.parse(iso) / 1000;

/** The `Stripe State` of a row Stripe has finalised an invoice for (amount due in minor units). */
function finalisedState(invoiceId: string, amountDue: number, currency: string, at: string): string {
  const normalised = normaliseEvent(
    invoiceEvent('invoice.finalized', { invoiceId, amountDue, currency, created: unix(at) }),
  );
  if (normalised.kind !== 'fact') throw new Error('fixture is not a fact');
  return serialiseState(mergeFact(emptyState(invoiceId), normalised.fact));
}

export const LEDGER_HEADER = [
  'Student',
  'Stripe Invoice ID',
  'Expected Amount',
  'Currency',
  'Payment Status',
  'Amount Paid',
  'Amount Refunded',
  'Paid At',
  'Stripe Payment ID',
  'Last Stripe Event',
  'Stripe State',
];

// biome-ignore format: one ledger row per line reads as the sheet does
export const LEDGER_ROWS: unknown[][] = [
  ['Ana',   'in_A', 1250.5, 'USD', 'paid',               1250.5, 0,   d('2026-02-03T15:00:00Z'), 'pi_A', 'evt_A_paid', ''],
  ['Ben',   'in_B', 800,    'USD', 'partially_refunded', 800,    200, d('2026-02-20T18:00:00Z'), 'pi_B', 'evt_B_ref',  ''],
  ['Chloé', 'in_C', 100,    'USD', 'paid',               100.1,  0,   d('2026-03-02T14:00:00Z'), 'pi_C', 'evt_C_paid', ''],
  ['Daiki', 'in_D', 5000,   'JPY', 'paid',               5000,   0,   d('2026-03-05T01:00:00Z'), 'pi_D', 'evt_D_paid', ''],
  ['Elif',  'in_E', 300,    'USD', 'partially_paid',     100,    0,   d('2026-02-01T04:30:00Z'), 'pi_E', 'evt_E_paid', ''],
  ['Femi',  'in_F', 400,    'USD', 'open',               0,      0,   '', '', 'evt_F_fin', finalisedState('in_F', 40_000, 'usd', '2026-03-01T12:00:00Z')],
  ['Greta', 'in_G', '',     '',    'open',               0,      0,   '', '', 'evt_G_fin', finalisedState('in_G', 12_345, 'eur', '2026-02-10T12:00:00Z')],
  ['Hugo',  'in_H', 100,    'USD', 'void',               0,      0,   '', '', 'evt_H_void', ''],
  ['Ines',  'in_I', '',     'USD', 'paid',               200.2,  0,   d('2026-03-09T15:00:00Z'), 'pi_I', 'evt_I_paid', ''],
  ['Jon',   'in_J', 60,     'USD', '',                   '',     '',  '', '', '', ''],
];

export const EXCEPTIONS_HEADER = [
  'Exception ID',
  'Opened At',
  'Reason',
  'Stripe Invoice ID',
  'Event ID',
  'Amount',
  'Currency',
  'Status',
  'Resolution',
  'Resolved By',
  'Resolved At',
  'Note',
  'Open Key',
  'Owner',
];

// biome-ignore format: one exception per line
export const EXCEPTION_ROWS: unknown[][] = [
  ['EX-1', d('2026-02-25T10:00:00Z'), 'REFUNDED',         'in_B',  'evt_B_ref',     200,    'USD', 'open',      '',        '',               '',                         '', 'REFUNDED:in_B', 'bursar@school.example'],
  ['EX-2', d('2026-03-02T14:00:04Z'), 'OVERPAID',         'in_C',  'evt_C_paid',    100.1,  'USD', 'resolved',  'refund',  'ana@school.example', d('2026-03-04T14:00:04Z'), '', '', ''],
  ['EX-3', d('2026-03-05T01:00:02Z'), 'UNKNOWN_INVOICE',  'in_D',  'evt_D_paid',    5000,   'JPY', 'resolved',  'matched', 'system',         d('2026-03-05T10:00:02Z'), '', '', ''],
  ['EX-4', d('2026-02-01T04:30:05Z'), 'UNDERPAID',        'in_E',  'evt_E_paid',    100,    'USD', 'open',      '',        '',               '',                         '', 'UNDERPAID:in_E', ''],
  ['EX-5', d('2026-02-10T12:00:05Z'), 'BILLING_MISMATCH', 'in_G',  'evt_G_fin',     123.45, 'EUR', 'resolved',  'fixed',   'ana@school.example', d('2026-02-10T18:00:05Z'), '', '', ''],
  ['EX-6', d('2026-03-01T12:00:00Z'), 'BILLING_MISMATCH', 'in_F',  'evt_F_fin',     450,    'USD', 'dismissed', 'ok',      'ana@school.example', d('2026-03-01T13:00:00Z'), '', '', ''],
  ['EX-7', d('2026-03-10T04:00:00Z'), 'UNKNOWN_INVOICE',  'in_ZZ', 'evt_ZZ_paid',   75,     'USD', 'open',      '',        '',               '',                         '', 'UNKNOWN_INVOICE:in_ZZ', ''],
  ['EX-8', d('2026-03-08T16:00:00Z'), 'UNKNOWN_INVOICE',  'in_YY', 'evt_YY_created', 20,    'USD', 'open',      '',        '',               '',                         '', 'UNKNOWN_INVOICE:in_YY', ''],
  ['EX-9', d('2026-03-06T16:00:00Z'), 'DISPUTED',         'in_A',  'evt_A_dispute', 1250.5, 'USD', 'open',      '',        '',               '',                         '', 'DISPUTED:in_A', 'bursar@school.example'],
  ['EX-10', d('2026-03-09T16:00:00Z'), 'PAYMENT_FAILED',  'in_F',  'evt_F_failed',  400,    'USD', 'snoozed',   '',        '',               '',                         '', '', ''],
];

export const AUDIT_HEADER = ['At', 'Actor', 'Action', 'Target', 'Field', 'Before', 'After', 'Evidence'];

// biome-ignore format: one audit row per line
export const AUDIT_ROWS: unknown[][] = [
  [d('2026-02-03T15:00:05Z'), 'system', 'update_ledger', 'Ledger:in_A', 'Paid At', '', d('2026-02-03T15:00:00Z'), 'evt_A_paid'],
  [d('2026-02-03T15:00:05Z'), 'system', 'update_ledger', 'Ledger:in_A', 'Payment Status', 'open', 'paid', 'evt_A_paid'],
  [d('2026-02-20T18:00:03Z'), 'system', 'update_ledger', 'Ledger:in_B', 'Paid At', '', d('2026-02-20T18:00:00Z'), 'evt_B_paid'],
  [d('2026-03-02T14:00:04Z'), 'system', 'update_ledger', 'Ledger:in_C', 'Paid At', '', d('2026-03-02T14:00:00Z'), 'evt_C_paid'],
  [d('2026-03-05T10:00:00Z'), 'system', 'update_ledger', 'Ledger:in_D', 'Paid At', '', d('2026-03-05T01:00:00Z'), 'evt_D_paid'],
  [d('2026-02-01T04:30:05Z'), 'system', 'update_ledger', 'Ledger:in_E', 'Paid At', '', d('2026-02-01T04:30:00Z'), 'evt_E_paid'],
];

export const EVENTS_HEADER = [
  'Received At',
  'Source',
  'Event ID',
  'Event Type',
  'Verification',
  'Result',
  'Message',
  'Payload',
];

const body = (event: object) => JSON.stringify(event);
const paid = (id: string, invoiceId: string, created: string) =>
  body(invoiceEvent('invoice.paid', { id, invoiceId, created: unix(created) }));

// biome-ignore format: one delivery per line
export const EVENT_ROWS: unknown[][] = [
  [d('2026-02-01T04:30:05Z'), 'webhook', 'evt_E_paid',     'invoice_payment.paid',    'valid',   'processed', '', body(invoicePaymentPaidEvent({ id: 'evt_E_paid', invoiceId: 'in_E', amount: 10_000, created: unix('2026-02-01T04:30:00Z') }))],
  [d('2026-03-02T14:00:04Z'), 'webhook', 'evt_C_paid',     'invoice.paid',            'valid',   'processed', '', paid('evt_C_paid', 'in_C', '2026-03-02T14:00:00Z')],
  [d('2026-03-02T14:00:09Z'), 'webhook', 'evt_C_paid',     'invoice.paid',            'valid',   'duplicate', '', paid('evt_C_paid', 'in_C', '2026-03-02T14:00:00Z')],
  [d('2026-03-05T01:00:02Z'), 'webhook', 'evt_D_paid',     'invoice.paid',            'valid',   'processed', '', paid('evt_D_paid', 'in_D', '2026-03-05T01:00:00Z')],
  [d('2026-03-05T01:15:00Z'), 'sync',    'evt_D_fin',      'invoice.finalized',       'api',     'processed', '', body(invoiceEvent('invoice.finalized', { id: 'evt_D_fin', invoiceId: 'in_D', created: unix('2026-03-05T00:45:00Z') }))],
  [d('2026-03-06T16:00:00Z'), 'webhook', 'evt_A_dispute',  'charge.dispute.created',  'valid',   'processed', '', body(stripeEvent('charge.dispute.created', { id: 'dp_A' }, { id: 'evt_A_dispute', created: unix('2026-03-06T15:59:50Z') }))],
  [d('2026-03-07T00:00:00Z'), 'webhook', '',               '',                        'invalid', 'rejected',  'Signature does not match any configured secret.', '{"forged":true}'],
  [d('2026-03-08T16:00:00Z'), 'webhook', 'evt_YY_created', 'invoice.created',         'valid',   'processed', '', body(invoiceEvent('invoice.created', { id: 'evt_YY_created', invoiceId: 'in_YY', created: unix('2026-03-08T15:59:59Z') }))],
  [d('2026-03-09T10:00:00Z'), 'webhook', 'evt_X_unused',   'customer.created',        'valid',   'ignored',   '', body(stripeEvent('customer.created', { id: 'cus_X' }, { id: 'evt_X_unused', created: unix('2026-03-09T09:59:00Z') }))],
  [d('2026-03-10T04:00:00Z'), 'sync',    'evt_ZZ_paid',    'invoice.paid',            'api',     'processed', '', paid('evt_ZZ_paid', 'in_ZZ', '2026-03-10T03:30:00Z')],
  [d('2026-03-10T05:00:00Z'), 'webhook', 'evt_ZZ_paid',    'invoice.paid',            'valid',   'duplicate', '', paid('evt_ZZ_paid', 'in_ZZ', '2026-03-10T03:30:00Z')],
  [d('2026-03-10T06:00:00Z'), 'webhook', '',               '',                        'stale',   'rejected',  'Signature is older than 300 s.', '{}'],
];

/** The first delivery is older than the 30 days whose bodies the report reads. */
export const ROWS_OUTSIDE_BODY_WINDOW = 1;
