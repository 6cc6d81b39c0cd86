// How an exception was settled: the values of the `Exceptions` sheet's `Resolution` column. The add-on writes
// `auto` and `matched` itself (CONTRACT.md); the others are a reviewer's, offered in the column's drop-down.

export const EXCEPTION_RESOLUTIONS = [
  'auto',
  'matched',
  'ledger corrected',
  'refunded',
  'credit kept',
  'paid outside Stripe',
  'balance invoiced',
  'written off',
  'dispute won',
  'dispute lost',
  'acknowledged',
  'not ours',
] as const;
export type ExceptionResolution = (typeof EXCEPTION_RESOLUTIONS)[number];

/** What each resolution means, in the words the README and the review sidebar use. */
export const RESOLUTION_MEANING: Readonly<Record<ExceptionResolution, string>> = {
  auto: 'a later fact from Stripe cured the cause (set by the add-on)',
  matched: 'a ledger row claimed the invoice or payment (set by the add-on)',
  'ledger corrected': 'the ledger was wrong and has been fixed (Expected Amount, Currency, the row itself)',
  refunded: 'the money was returned to the payer',
  'credit kept': 'the excess is kept as credit towards a later invoice',
  'paid outside Stripe': 'the balance was paid by cash, cheque or bank transfer',
  'balance invoiced': 'a new invoice was sent for the shortfall',
  'written off': 'the school accepts the loss',
  'dispute won': 'Stripe decided the dispute for the school',
  'dispute lost': 'Stripe decided the dispute for the cardholder',
  acknowledged: 'seen and accepted as it is; nothing to change',
  'not ours': 'the payment or invoice belongs to another business or was a test',
};
