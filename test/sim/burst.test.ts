// Issue 7, acceptance "concurrency test": the built dist/Code.js under a month-start burst of 2,000 events (500
// invoices in the Ledger, four events each, created within two minutes), delivered by Stripe through the relay to
// truly concurrent doPost executions that share one fake world, with Apps Script's locks and per-call latency in
// virtual time (test/sim/). Each run stops 10 virtual minutes after the first event: enough to judge "final within
// 3 (4) minutes", and a bound on the time the old pipeline, which takes hours, needs to fail.
//
//   npx vitest run test/sim/burst.test.ts        (figures of every run are printed as a table)
//   npm run bench:burst                          (the same runs without a horizon, and their figures)

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceRun, referenceRun } from './reference';
import { figuresTable, type LabelledFigures, problemsList } from './report';
import { runScenario } from './run-scenario';
import { monthStartBurst, randomOrderStress, withForgery } from './scenarios';
import { CODE_JS } from './simulation';

const MINUTE = 60_000;
const HORIZON_MS = 10 * MINUTE;
const RUN_TIMEOUT_MS = 300_000;

describe('issue 7: a month-start burst against truly concurrent executions', () => {
  const source = readFileSync(CODE_JS, 'utf8');
  const burst = monthStartBurst({ invoices: 500 });
  const measured: LabelledFigures[] = [];
  let reference: ReferenceRun;

  beforeAll(() => {
    reference = referenceRun(burst, source);
  }, RUN_TIMEOUT_MS);

  afterAll(() => {
    console.log(`${figuresTable(measured)}\n${problemsList(measured)}`);
  });

  async function burstAt(latencyMs: number, scenario = burst) {
    const { figures } = await runScenario(scenario, {
      source,
      reference,
      horizonMs: HORIZON_MS,
      latencies: { spreadsheet: latencyMs },
    });
    measured.push({ label: `${scenario.forged ? 'forged + ' : ''}${latencyMs} ms`, figures });
    return figures;
  }

  it(
    'at 50 ms per Spreadsheet call: no busy answer, final within 3 minutes, each event applied once, one log row per delivery',
    async () => {
      const figures = await burstAt(50);
      expect(figures.answers.stripe?.busy ?? 0).toBe(0);
      expect(figures.appliedOnceProblems).toEqual([]);
      expect(figures.finalAfterMs).not.toBeNull();
      expect(figures.finalAfterMs).toBeLessThanOrEqual(3 * MINUTE);
      expect(figures.eventsWithRowMismatch).toBe(0);
      expect(figures.stripeLogRows).toBe(figures.loggableDeliveries);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'at 100 ms per Spreadsheet call: no busy answer, final within 4 minutes, each event applied once',
    async () => {
      const figures = await burstAt(100);
      expect(figures.answers.stripe?.busy ?? 0).toBe(0);
      expect(figures.appliedOnceProblems).toEqual([]);
      expect(figures.finalAfterMs).not.toBeNull();
      expect(figures.finalAfterMs).toBeLessThanOrEqual(4 * MINUTE);
      expect(figures.eventsWithRowMismatch).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'with 300 forged requests mixed in: the forged ones hold the script lock not at all, and the burst still lands',
    async () => {
      const figures = await burstAt(50, withForgery(burst, 300));
      expect(figures.locksByClass.forged?.script?.totalMs ?? 0).toBe(0);
      expect(figures.answers.forged).toEqual({ rejected: 300 });
      expect(figures.appliedOnceProblems).toEqual([]);
      expect(figures.answers.stripe?.busy ?? 0).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('issue 7: events that raise exceptions, delivered concurrently in random order', () => {
  it(
    'leave the same open exceptions as the same events one by one in Stripe-time order',
    async () => {
      const stress = randomOrderStress({ perKind: 10, seed: 7 });
      const { figures, comparison } = await runScenario(stress);
      console.log(figuresTable([{ label: 'random order', figures }]));
      expect({ extra: comparison.openOnlyHere, missing: comparison.openOnlyInReference }).toEqual({
        extra: [],
        missing: [],
      });
      expect(figures.appliedOnceProblems).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});
