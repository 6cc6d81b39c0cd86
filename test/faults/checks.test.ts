// The checks of the fault-injection test, on sheets built by hand: each finds what it is meant to find and nothing
// else, so a clean result of the campaign means clean sheets.

import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../fakes/gas-sheets';
import {
  type AllowedLedger,
  auditTuples,
  exceptionTuples,
  halfWrittenRows,
  outcomeDifferences,
  readView,
  settledLogProblems,
  type View,
} from './checks';
import { WORLD_START_MS } from './world';

const LEDGER_HEADER = [
  'Stripe Invoice ID',
  'Expected Amount',
  'Payment Status',
  'Amount Paid',
  'Amount Refunded',
  'Paid At',
  'Stripe Payment ID',
  'Last Stripe Event',
  'Stripe State',
];
const EXCEPTIONS_HEADER = [
  'Exception ID',
  'Opened At',
  'Reason',
  'Stripe Invoice ID',
  'Event ID',
  'Amount',
  'Currency',
  'Status',
];
const AUDIT_HEADER = ['At', 'Actor', 'Action', 'Target', 'Field', 'Before', 'After', 'Evidence'];
const LOG_HEADER = [
  'Received At',
  'Source',
  'Event ID',
  'Event Type',
  'Verification',
  'Result',
  'Message',
  'Payload',
];

const runTime = new Date(WORLD_START_MS + 5_000);
const paidAt = new Date('2026-01-01T00:02:00Z');
const STATE_OPEN = '{"v":1,"invoiceId":"in_1","status":"open"}';
const STATE_PAID = '{"v":1,"invoiceId":"in_1","status":"paid"}';
const OPEN_ROW = ['in_1', 12.5, 'open', 0, 0, '', '', 'evt_f', STATE_OPEN];
const PAID_ROW = ['in_1', 12.5, 'paid', 12.5, 0, paidAt, 'pi_1', 'evt_p', STATE_PAID];

interface Sheets {
  ledger?: CellValue[][];
  exceptions?: CellValue[][];
  audit?: CellValue[][];
  log?: CellValue[][];
}

function view(sheets: Sheets): View {
  const by: Record<string, CellValue[][]> = {
    Ledger: [LEDGER_HEADER, ...(sheets.ledger ?? [PAID_ROW])],
    Exceptions: [EXCEPTIONS_HEADER, ...(sheets.exceptions ?? [])],
    Audit: [AUDIT_HEADER, ...(sheets.audit ?? [])],
    'Stripe Events': [LOG_HEADER, ...(sheets.log ?? [])],
  };
  return readView((name) => by[name] ?? []);
}

function allowedOpenOrPaid(): AllowedLedger {
  return new Map([
    ['in_1', [view({ ledger: [OPEN_ROW] }), view({ ledger: [PAID_ROW] })].map((v) => v.ledger.get('in_1')!)],
  ]);
}

const logRow = (id: string, result: string, payloadId = id): CellValue[] => [
  runTime,
  'webhook',
  id,
  'invoice.paid',
  'valid',
  result,
  '',
  JSON.stringify({ id: payloadId, object: 'event' }),
];

const kinds = (problems: { kind: string }[]) => problems.map((p) => p.kind);

describe('rows visible between executions', () => {
  it('accept a ledger row as it was before the change or as it is after it', () => {
    expect(halfWrittenRows(view({ ledger: [OPEN_ROW] }), allowedOpenOrPaid())).toEqual([]);
    expect(halfWrittenRows(view({ ledger: [PAID_ROW] }), allowedOpenOrPaid())).toEqual([]);
  });

  it('find a ledger row with some maintained cells of the change and not the others', () => {
    const half = [...PAID_ROW];
    half[3] = 0;
    const problems = halfWrittenRows(view({ ledger: [half] }), allowedOpenOrPaid());
    expect(kinds(problems)).toEqual(['ledger row in no clean state']);
    expect(problems[0]?.detail).toContain('Amount Paid 0 (clean 12.5)');
    expect(problems[0]?.halfWritten).toBe(true);
  });

  it('find maintained cells of the change beside the Stripe State of before it', () => {
    const half = [...PAID_ROW];
    half[8] = STATE_OPEN;
    expect(kinds(halfWrittenRows(view({ ledger: [half] }), allowedOpenOrPaid()))).toEqual([
      'ledger cells disagree with Stripe State',
    ]);
  });

  it('find an exception row without a reason, and an audit row naming an exception that does not exist', () => {
    const problems = halfWrittenRows(
      view({
        exceptions: [['EX-1', runTime, '', 'in_1', 'evt_p', 12.5, 'USD', 'open']],
        audit: [[runTime, 'system', 'open_exception', 'Exceptions:EX-2', 'Status', '', 'open', 'evt_p']],
      }),
      allowedOpenOrPaid(),
    );
    expect(kinds(problems)).toEqual(['exception row with blank cells', 'audit row names no exception']);
  });

  it('find a log row with an event id whose type, result or payload is missing', () => {
    const blankType = logRow('evt_p', 'processed');
    blankType[3] = '';
    const problems = halfWrittenRows(
      view({ log: [blankType, logRow('evt_q', ''), logRow('evt_r', 'processed', 'evt_other')] }),
      allowedOpenOrPaid(),
    );
    expect(problems.map((p) => p.detail)).toEqual([
      'Stripe Events evt_p processed: Event Type',
      'Stripe Events evt_q : Result',
      'Stripe Events evt_r processed: Payload',
    ]);
  });

  it('accept a log row still queued or applying between executions, and a payload split over cells', () => {
    const split = [...LOG_HEADER, 'Payload (cont.)'];
    const body = JSON.stringify({ id: 'evt_p', object: 'event' });
    const rows: CellValue[][] = [
      split,
      [
        runTime,
        'webhook',
        'evt_p',
        'invoice.paid',
        'valid',
        'applying',
        '',
        body.slice(0, 10),
        body.slice(10),
      ],
    ];
    const v = readView((name) =>
      name === 'Stripe Events' ? rows : name === 'Ledger' ? [LEDGER_HEADER, PAID_ROW] : [],
    );
    expect(halfWrittenRows(v, allowedOpenOrPaid())).toEqual([]);
  });

  it('find two open exceptions for one reason and invoice', () => {
    const row = (id: string) => [id, runTime, 'UNDERPAID', 'in_1', 'evt_p', 450, 'USD', 'open'];
    const problems = halfWrittenRows(view({ exceptions: [row('EX-1'), row('EX-2')] }), allowedOpenOrPaid());
    expect(problems).toEqual([
      { kind: 'two open exceptions for one cause', detail: '2 open UNDERPAID/in_1', halfWritten: false },
    ]);
  });
});

describe('the outcome against the fault-free run', () => {
  const opened = (id: string, at: Date) => ({
    exceptions: [[id, at, 'UNDERPAID', 'in_1', 'evt_p', 450, 'USD', 'open']],
    audit: [
      [at, 'system', 'update', 'Ledger:in_1', 'Paid At', '', paidAt, 'evt_p'],
      [at, 'system', 'open_exception', `Exceptions:${id}`, 'Status', '', 'open', 'evt_p'],
    ],
  });

  it('ignores exception ids and the times of the run', () => {
    const a = view(opened('EX-20260201-AAAAAAA', runTime));
    const b = view(opened('EX-20260201-BBBBBBB', new Date(WORLD_START_MS + 3_600_000)));
    expect(outcomeDifferences(a, b)).toEqual([]);
    expect(auditTuples(a)[1]).toBe(
      JSON.stringify([
        'system',
        'open_exception',
        'Exceptions:<UNDERPAID/in_1>',
        'Status',
        '',
        'open',
        'evt_p',
      ]),
    );
    expect(exceptionTuples(a)).toEqual([JSON.stringify(['UNDERPAID', 'in_1', 450, 'USD', 'open'])]);
  });

  it('names maintained cells that differ, and exceptions and audit rows extra or missing', () => {
    const want = view(opened('EX-1', runTime));
    const doubled = opened('EX-2', runTime);
    doubled.exceptions.push(['EX-3', runTime, 'UNDERPAID', 'in_1', 'evt_p', 450, 'USD', 'open']);
    doubled.audit.pop();
    const got = view({ ledger: [OPEN_ROW], ...doubled });
    expect(outcomeDifferences(got, want).map((p) => p.detail)).toEqual([
      'Ledger in_1: Payment Status "open" (want "paid"), Amount Paid 0 (want 12.5), Paid At \'\' (want "2026-01-01T00:02:00.000Z"), Stripe Payment ID \'\' (want "pi_1"), Last Stripe Event "evt_f" (want "evt_p")',
      'Exceptions: extra 1 (first ["UNDERPAID","in_1",450,"USD","open"])',
      'Audit: missing 1 (first ["system","open_exception","Exceptions:<UNDERPAID/in_1>","Status","","open","evt_p"])',
    ]);
  });

  it('wants one applied row per event, duplicates only from webhooks, and nothing left in flight', () => {
    const settled = view({
      log: [
        logRow('evt_a', 'processed'),
        logRow('evt_a', 'duplicate'),
        logRow('evt_b', 'error'),
        logRow('evt_c', 'queued'),
      ],
    });
    expect(settledLogProblems(settled, ['evt_a', 'evt_b', 'evt_c']).map((p) => p.detail)).toEqual([
      'evt_b: 0 rows',
      'evt_c: 0 rows',
      'evt_c: left queued',
    ]);
    const twice = view({ log: [logRow('evt_a', 'processed'), logRow('evt_a', 'ignored')] });
    expect(kinds(settledLogProblems(twice, ['evt_a']))).toEqual(['event logged applied twice']);
  });
});
