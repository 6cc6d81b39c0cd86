// How the add-on's sheets look in Sheets (CONTRACT.md, "Look"): which columns show times, which show amounts in
// their row's currency, which statuses are coloured, and which columns offer a drop-down. Pure data: setupLedger
// (src/gas/look.ts) applies it, and so the real sheet looks like the README picture.

import {
  EXCEPTION_STATUSES,
  type ExceptionStatus,
  LEDGER_STATE_COLUMN,
  type PAYOUT_STATUSES,
  type PaymentStatus,
  SHEET,
  type Verification,
  type WebhookResult,
} from './contract';
import { EXCEPTION_RESOLUTIONS } from './resolutions';

/** A status chip: the cell's fill and text colour (Google's own chip palette), in bold. */
export interface Chip {
  background: string;
  font: string;
}

const GOOD: Chip = { background: '#e6f4ea', font: '#137333' };
const PENDING: Chip = { background: '#fef7e0', font: '#8a5300' };
const BAD: Chip = { background: '#fce8e6', font: '#a50e0e' };
const QUIET: Chip = { background: '#f1f3f4', font: '#5f6368' };
const WAITING: Chip = { background: '#e8f0fe', font: '#1967d2' };

/** When something happened, to the minute; ISO order reads the same in every locale and sorts as text too. */
export const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm';
/** A payout arrives on a day, not at a minute. */
export const DATE_FORMAT = 'yyyy-mm-dd';
/** Logs keep the second: deliveries and audit rows come seconds apart. */
export const LOG_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';

export interface StatusColours {
  column: string;
  /** Every value the contract allows in the column, each with its chip. */
  chips: Readonly<Record<string, Chip>>;
}

export interface DropDown {
  column: string;
  values: readonly string[];
  /** Shown beside the cell, and as the refusal when a person types anything else. */
  helpText: string;
}

export interface SheetLook {
  sheet: string;
  /** Column → date-time format, for every row below the header. */
  times: Readonly<Record<string, string>>;
  /** Amount columns formatted by each row's currency (`Currency`, else the invoice's in `Stripe State`). */
  amounts: { currencyColumn: string; stateColumn?: string; columns: readonly string[] } | null;
  colours: readonly StatusColours[];
  dropDowns: readonly DropDown[];
}

const PAYMENT_STATUS_CHIPS: Readonly<Record<PaymentStatus, Chip>> = {
  open: WAITING,
  processing: PENDING,
  paid: GOOD,
  partially_paid: PENDING,
  payment_failed: BAD,
  void: QUIET,
  uncollectible: BAD,
  refunded: BAD,
  partially_refunded: PENDING,
  disputed: BAD,
};

const EXCEPTION_STATUS_CHIPS: Readonly<Record<ExceptionStatus, Chip>> = {
  open: BAD,
  snoozed: PENDING,
  resolved: GOOD,
  dismissed: QUIET,
};

const PAYOUT_STATUS_CHIPS: Readonly<Record<(typeof PAYOUT_STATUSES)[number], Chip>> = {
  pending: WAITING,
  in_transit: PENDING,
  paid: GOOD,
  failed: BAD,
  canceled: QUIET,
};

const VERIFICATION_CHIPS: Readonly<Record<Verification, Chip>> = {
  valid: GOOD,
  api: GOOD,
  invalid: BAD,
  missing: BAD,
  stale: BAD,
  unconfigured: BAD,
};

const RESULT_CHIPS: Readonly<Record<WebhookResult, Chip>> = {
  processed: GOOD,
  duplicate: QUIET,
  ignored: QUIET,
  queued: PENDING,
  rejected: BAD,
  busy: BAD,
  error: BAD,
};

export const LOOK: readonly SheetLook[] = [
  {
    sheet: SHEET.ledger,
    times: { 'Paid At': DATE_TIME_FORMAT },
    amounts: {
      currencyColumn: 'Currency',
      stateColumn: LEDGER_STATE_COLUMN,
      // Stripe Fee and Net Amount are formatted once a ledger has them.
      columns: ['Expected Amount', 'Amount Paid', 'Amount Refunded', 'Stripe Fee', 'Net Amount'],
    },
    colours: [{ column: 'Payment Status', chips: PAYMENT_STATUS_CHIPS }],
    dropDowns: [],
  },
  {
    sheet: SHEET.events,
    times: { 'Received At': LOG_TIME_FORMAT },
    amounts: null,
    colours: [
      { column: 'Verification', chips: VERIFICATION_CHIPS },
      { column: 'Result', chips: RESULT_CHIPS },
    ],
    dropDowns: [],
  },
  {
    sheet: SHEET.exceptions,
    times: { 'Opened At': DATE_TIME_FORMAT, 'Resolved At': DATE_TIME_FORMAT },
    amounts: { currencyColumn: 'Currency', columns: ['Amount'] },
    colours: [{ column: 'Status', chips: EXCEPTION_STATUS_CHIPS }],
    dropDowns: [
      {
        column: 'Status',
        values: EXCEPTION_STATUSES,
        helpText: 'One of open, resolved, dismissed or snoozed.',
      },
      {
        column: 'Resolution',
        values: EXCEPTION_RESOLUTIONS,
        helpText: 'Pick how it was settled from the list; put the details in Note.',
      },
    ],
  },
  {
    sheet: SHEET.audit,
    times: { At: LOG_TIME_FORMAT },
    amounts: null,
    colours: [],
    dropDowns: [],
  },
  {
    sheet: SHEET.payouts,
    times: { 'Arrival Date': DATE_FORMAT },
    amounts: { currencyColumn: 'Currency', columns: ['Amount', 'Gross', 'Fees', 'Refunds', 'Net'] },
    colours: [{ column: 'Status', chips: PAYOUT_STATUS_CHIPS }],
    dropDowns: [],
  },
];
