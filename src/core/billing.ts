// What counts as Stripe's bill for an invoice.

import type { InvoiceFact, StripeFact } from './facts';

/** Billing is judged on what Stripe bills: a draft being edited, or the invoice as finalized. */
export function isBillingSnapshot(fact: StripeFact): fact is InvoiceFact {
  if (fact.kind !== 'invoice') return false;
  if (fact.trigger === 'finalized') return true;
  return (fact.trigger === 'created' || fact.trigger === 'updated') && fact.status === 'draft';
}
