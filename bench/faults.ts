// npm run faults: the fault-injection campaign on the built dist/Code.js, as a table.
// Options: --scenario <substring> (repeatable), --mode throw-once|stop|down-from (repeatable), --verbose (every
// failing position with its problems).

import { parseArgs } from 'node:util';
import {
  FAULT_MODES,
  type FaultMode,
  formatKinds,
  formatTable,
  runCampaign,
  type ScenarioResult,
} from '../test/faults/campaign';
import { deliveryScenarios, prepare, syncScenario } from '../test/faults/scenarios';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    mode: { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  },
});

const modes = (values.mode ?? FAULT_MODES) as FaultMode[];
for (const mode of modes) if (!FAULT_MODES.includes(mode)) throw new Error(`Unknown mode ${mode}`);
const specs = [...deliveryScenarios(), syncScenario()].filter(
  (spec) => !values.scenario || values.scenario.some((s) => spec.name.includes(s)),
);

const started = performance.now();
const results: ScenarioResult[] = [];
for (const spec of specs) {
  const result = runCampaign(prepare(spec), modes);
  results.push(result);
  const self = result.reference.selfProblems;
  process.stdout.write(
    `${result.name}: N=${result.calls} service calls, ${(result.ms / 1000).toFixed(1)} s` +
      `${self.length > 0 ? `; fault-free run itself: ${self.map((p) => p.detail).join('; ')}` : ''}\n`,
  );
  if (values.verbose) {
    for (const mode of result.modes) {
      for (const trial of mode.trials) {
        if (trial.problems.length === 0) continue;
        process.stdout.write(
          `  ${mode.mode} k=${trial.position} ${trial.call ?? '-'} (${trial.executions} executions)\n`,
        );
        for (const p of trial.problems)
          process.stdout.write(`    ${p.halfWritten ? '[half] ' : ''}${p.kind}: ${p.detail}\n`);
      }
    }
  }
}
process.stdout.write(`\n${formatTable(results)}\n\n${formatKinds(results)}\n`);
process.stdout.write(`\n${((performance.now() - started) / 1000).toFixed(1)} s\n`);
