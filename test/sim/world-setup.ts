// Arranges a fake world for a scenario the way a user would: the Ledger sheet typed in, Set up ledger run from the
// menu, the webhook secret (and the Stripe key, if any) in the script properties. Both the simulation and the
// sequential reference run start from this.

import * as vm from 'node:vm';
import type { GasFakeOptions, GasFakes } from '../../fakes/gas';
import { StripeDouble } from '../../fakes/stripe-double';
import { TEST_WEBHOOK_SECRET } from '../fixtures/events';
import type { Scenario } from './scenarios';
import { installVirtualClock, seededRandom } from './virtual-clock';

export const OWNER = 'owner@school.example';
export const WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;

/** Fake-world options for a scenario: the owner, and Stripe's API (a double) when the scenario reads it. */
export function worldOptions(scenario: Scenario): Omit<GasFakeOptions, 'now'> {
  const options: Omit<GasFakeOptions, 'now'> = { ownerEmail: OWNER, userEmail: OWNER };
  if (scenario.invoicePayments) {
    const stripe = new StripeDouble();
    stripe.addInvoicePayments(...scenario.invoicePayments);
    options.fetch = stripe.handler;
  }
  return options;
}

export function arrangeWorld(fakes: GasFakes, scenario: Scenario, script: vm.Script): void {
  const ledger = fakes.spreadsheet.insertSheet('Ledger');
  const rows = scenario.ledger.length;
  const columns = scenario.ledger[0]?.length ?? 1;
  if (rows > ledger.getMaxRows()) ledger.insertRowsAfter(ledger.getMaxRows(), rows - ledger.getMaxRows());
  ledger.getRange(1, 1, rows, columns).setValues(scenario.ledger);
  runInProcess(fakes, script, 'setupLedger');
  fakes.properties.script.set('STRIPE_WEBHOOK_SECRETS', WEBHOOK_SECRET);
  for (const [key, value] of Object.entries(scenario.properties ?? {}))
    fakes.properties.script.set(key, value);
  fakes.counters.reset();
}

/** Runs one function of the script on this thread, in a fresh context, as a single execution. */
export function runInProcess(fakes: GasFakes, script: vm.Script, fn: string, ...args: unknown[]): unknown {
  const context = vm.createContext({}) as vm.Context & Record<string, unknown>;
  installVirtualClock(context, () => fakes.clock.now().getTime(), seededRandom(1));
  fakes.install(context);
  try {
    script.runInContext(context);
    const entry = context[fn];
    if (typeof entry !== 'function') throw new Error(`the script has no top-level function ${fn}`);
    return entry(...args);
  } finally {
    fakes.lock.endExecution();
    fakes.uninstall();
  }
}
