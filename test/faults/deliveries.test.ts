// CONTRACT.md "Failures", for single deliveries: whatever service call fails, or wherever the execution is stopped,
// or wherever Sheets goes down, Stripe's redelivery ends with the sheets of the fault-free run, and nothing
// half-written is visible in between. One campaign per scenario and mode; `npm run faults` prints the table.

import { afterAll, describe, expect, it } from 'vitest';
import {
  describeFailures,
  FAULT_MODES,
  formatTable,
  type ModeResult,
  type Reference,
  referenceRun,
  runMode,
  type ScenarioResult,
} from './campaign';
import { deliveryScenarios, type Prepared, prepare } from './scenarios';

const results: ScenarioResult[] = [];
afterAll(() => {
  if (results.length > 0) console.log(`\n${formatTable(results)}\n`);
});

describe.each(deliveryScenarios().map((spec) => [spec.name, spec] as const))('a delivery: %s', (_, spec) => {
  let prepared: Prepared | null = null;
  let reference: Reference | null = null;
  const modes: ModeResult[] = [];

  it.each(FAULT_MODES)(
    '%s at every service call, then Stripe redelivers: the sheets of the fault-free run, nothing half-written',
    (mode) => {
      prepared ??= prepare(spec);
      reference ??= referenceRun(prepared);
      const result = runMode(prepared, reference, mode);
      modes.push(result);
      if (modes.length === FAULT_MODES.length)
        results.push({ name: spec.name, calls: reference.calls.length, reference, modes, ms: 0 });
      expect(result.tried).toBe(reference.calls.length);
      expect(
        { mismatches: result.mismatches, halfWritten: result.halfWritten },
        describeFailures(result),
      ).toEqual({
        mismatches: 0,
        halfWritten: 0,
      });
    },
  );
});
