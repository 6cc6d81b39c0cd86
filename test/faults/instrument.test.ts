// The fault injector itself: what each mode does to the calls of an execution, what the failures look like, and
// that the fault-free run of every scenario is repeatable and passes every check (else a mismatch would mean
// nothing).

import { describe, expect, it } from 'vitest';
import type { ServiceCall } from '../../fakes/gas';
import { StripeDouble } from '../../fakes/stripe-double';
import {
  appsScriptError,
  callsOf,
  ExecutionKilled,
  type FaultMode,
  faultHook,
  referenceRun,
} from './campaign';
import { deliveryScenarios, prepare, syncScenario } from './scenarios';
import { createWorld, WORLD_START_MS } from './world';

const calls: ServiceCall[] = [
  { kind: 'LockService', method: 'getScriptLock', args: [], spreadsheet: false },
  { kind: 'Range', method: 'getValues', args: [], spreadsheet: true },
  { kind: 'Properties', method: 'getProperty', args: ['STRIPE_API_KEY'], spreadsheet: false },
  { kind: 'Sheet', method: 'appendRow', args: [['x']], spreadsheet: true },
  {
    kind: 'UrlFetchApp',
    method: 'fetch',
    args: ['https://api.stripe.com/v1/invoice_payments'],
    spreadsheet: false,
  },
];

/** Which of the calls above fail, and how, under a mode at position k. */
function failures(mode: FaultMode, k: number): string[] {
  const fault = faultHook(createWorld(new StripeDouble()), mode, k);
  return calls.map((call) => {
    try {
      fault.hook(call);
      return 'ok';
    } catch (error) {
      return error instanceof ExecutionKilled ? 'killed' : (error as Error).name;
    }
  });
}

describe('the three faults', () => {
  it('throw-once fails call k with an Apps Script error and lets every other call through', () => {
    expect(failures('throw-once', 2)).toEqual(['ok', 'Exception', 'ok', 'ok', 'ok']);
  });

  it('stop kills call k and every later call with an error that is not Apps Script’s', () => {
    expect(failures('stop', 3)).toEqual(['ok', 'ok', 'killed', 'killed', 'killed']);
  });

  it('down-from fails every Spreadsheet call from k on and no other', () => {
    expect(failures('down-from', 2)).toEqual(['ok', 'Exception', 'ok', 'Exception', 'ok']);
  });

  it('fails each service with a message Apps Script gives', () => {
    const world = createWorld(new StripeDouble());
    expect(calls.map((call) => appsScriptError(world, call).message)).toEqual([
      'There are too many LockService operations against the same script.',
      'Service Spreadsheets failed while accessing document with id fake-spreadsheet-id.',
      "We're sorry, a server error occurred. Please wait a bit and try again.",
      'Service Spreadsheets failed while accessing document with id fake-spreadsheet-id.',
      'Address unavailable: https://api.stripe.com/v1/invoice_payments',
    ]);
  });
});

describe('the fault-free run of each scenario', () => {
  it.each([...deliveryScenarios(), syncScenario()].map((spec) => [spec.name, spec] as const))(
    '%s passes every check and makes the same calls each time',
    (_, spec) => {
      const prepared = prepare(spec);
      const first = referenceRun(prepared);
      expect(first.selfProblems).toEqual([]);
      expect(first.calls.length).toBeGreaterThan(10);
      expect(callsOf(prepared)).toEqual(first.calls);
    },
  );
});

describe('the world the bundle runs in', () => {
  it('gives the script the shared virtual clock: a delivery is received at the time the test set', () => {
    const spec = deliveryScenarios()[0]!;
    const prepared = prepare(spec);
    const world = createWorld(prepared.stripe(), { snapshot: prepared.snapshot });
    world.advance(90 * 60_000);
    const output = world.execute('doPost', world.webhookEvent(prepared.body)) as { getContent(): string };
    expect(JSON.parse(output.getContent())).toMatchObject({ result: 'processed' });
    const [header = [], ...rows] = world.sheet('Stripe Events');
    const receivedAt = rows.at(-1)?.[header.indexOf('Received At')] as Date;
    expect(receivedAt.getTime()).toBe(WORLD_START_MS + 90 * 60_000);
  });

  it('refuses a delivery signed more than 300 s before the script’s now, as it would in Apps Script', () => {
    const spec = deliveryScenarios()[0]!;
    const prepared = prepare(spec);
    const world = createWorld(prepared.stripe(), { snapshot: prepared.snapshot });
    const signedEarlier = world.webhookEvent(prepared.body);
    world.advance(301_000);
    const output = world.execute('doPost', signedEarlier) as { getContent(): string };
    expect(JSON.parse(output.getContent())).toMatchObject({ result: 'rejected' });
  });
});
