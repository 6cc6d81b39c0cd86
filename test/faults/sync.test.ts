// CONTRACT.md "Failures", for a sync: whatever service call of a `syncStripe()` run fails, or wherever the run is
// stopped, or wherever Sheets goes down, the next runs end with the sheets of the fault-free run, and nothing
// half-written is visible in between. About 160 events in two pages, then the held payments and a payout decided by
// the same run; `npm run faults` prints the table.

import { afterAll, describe, expect, it } from 'vitest';
import {
  describeFailures,
  FAULT_MODES,
  formatTable,
  type ModeResult,
  type Reference,
  referenceRun,
  runMode,
} from './campaign';
import { type Prepared, prepare, syncScenario } from './scenarios';

const spec = syncScenario();
const modes: ModeResult[] = [];
let prepared: Prepared | null = null;
let reference: Reference | null = null;

afterAll(() => {
  if (reference && modes.length > 0)
    console.log(
      `\n${formatTable([{ name: spec.name, calls: reference.calls.length, reference, modes, ms: 0 }])}\n`,
    );
});

describe(`the ${spec.name}`, () => {
  it.each(FAULT_MODES)(
    '%s at every service call, then the next runs: the sheets of the fault-free run, nothing half-written',
    // About a minute each on one core (350 positions); room for a busy CI machine.
    { timeout: 360_000 },
    (mode) => {
      prepared ??= prepare(spec);
      reference ??= referenceRun(prepared);
      const result = runMode(prepared, reference, mode);
      modes.push(result);
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
