// npm run bench:burst — the concurrency simulation of issue 7 on the built dist/Code.js: a month-start burst of
// 2,000 events at 50 and 100 ms per Spreadsheet call, with 300 forged requests, with measured Properties/Cache
// latencies, with the relay waiting 30 s instead of its 9 s, and the random-order stress. Prints the figures as a
// markdown table.
//
//   SIM_SIZE=ci        a tenth of the burst (50 invoices), for a quick look
//   SIM_RUNS=a,b       only these runs (labels below, e.g. SIM_RUNS=burst-50,stress)
//   SIM_HORIZON_MIN=n  stop each run n virtual minutes after the first event

import { readFileSync } from 'node:fs';
import { MEASURED_STORE_LATENCIES } from '../test/sim/latency';
import type { ReferenceRun } from '../test/sim/reference';
import { figuresTable, type LabelledFigures, problemsList } from '../test/sim/report';
import { type RunOptions, runScenario } from '../test/sim/run-scenario';
import { monthStartBurst, randomOrderStress, type Scenario, withForgery } from '../test/sim/scenarios';
import { CODE_JS } from '../test/sim/simulation';

const ci = process.env.SIM_SIZE === 'ci';
const only = process.env.SIM_RUNS?.split(',').map((s) => s.trim());
const horizonMin = Number(process.env.SIM_HORIZON_MIN);
const horizon = horizonMin > 0 ? { horizonMs: horizonMin * 60_000 } : {};

const source = readFileSync(CODE_JS, 'utf8');
const burst = monthStartBurst({ invoices: ci ? 50 : 500 });
const forged = withForgery(burst, ci ? 30 : 300);
const stress = randomOrderStress();

const runs: { label: string; scenario: Scenario; options: RunOptions }[] = [
  { label: 'burst-50', scenario: burst, options: { latencies: { spreadsheet: 50 } } },
  { label: 'burst-100', scenario: burst, options: { latencies: { spreadsheet: 100 } } },
  { label: 'burst-50+forged', scenario: forged, options: { latencies: { spreadsheet: 50 } } },
  {
    label: 'burst-50 measured-stores',
    scenario: burst,
    options: { latencies: { spreadsheet: 50, ...MEASURED_STORE_LATENCIES } },
  },
  {
    label: 'burst-50 relay-30s',
    scenario: burst,
    options: { latencies: { spreadsheet: 50 }, relayTimeoutMs: 30_000 },
  },
  { label: 'stress', scenario: stress, options: { latencies: { spreadsheet: 50 } } },
];

const references = new Map<Scenario['events'], ReferenceRun>();
const results: LabelledFigures[] = [];
for (const run of runs) {
  if (only && !only.includes(run.label)) continue;
  process.stderr.write(`${run.label}: ${run.scenario.name} …\n`);
  const { figures, reference } = await runScenario(run.scenario, {
    ...run.options,
    ...horizon,
    source,
    reference: references.get(run.scenario.events),
  });
  references.set(run.scenario.events, reference);
  process.stderr.write(`${run.label}: done in ${Math.round(figures.realMs / 1000)} s\n`);
  results.push({ label: run.label, figures });
}

console.log(figuresTable(results));
const problems = problemsList(results);
if (problems) console.log(`\nNot applied exactly once:\n${problems}`);
