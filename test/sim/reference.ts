// The oracle: the same events, each delivered once, one after another in Stripe-time order, on a world arranged the
// same way, with no concurrency at all. Whatever order and interleaving the simulation produced, the books must end
// as these do.

import * as vm from 'node:vm';
import { createGasFakes } from '../../fakes/gas';
import { unwrap } from '../../fakes/gas-core';
import { signedDelivery } from '../fixtures/events';
import { type Books, readBooks } from './books';
import { inStripeOrder, type Scenario } from './scenarios';
import { doPostEvent } from './stripe-model';
import { arrangeWorld, runInProcess, WEBHOOK_SECRET, worldOptions } from './world-setup';

export interface ReferenceRun {
  books: Books;
  /** doPost's verdicts: all should be processed or ignored. */
  answers: Record<string, number>;
}

export function referenceRun(scenario: Scenario, source: string): ReferenceRun {
  let now = scenario.start;
  const fakes = createGasFakes({ ...worldOptions(scenario), now: () => new Date(now) });
  const script = new vm.Script(source, { filename: 'Code.js' });
  arrangeWorld(fakes, scenario, script);
  const answers: Record<string, number> = {};
  for (const event of inStripeOrder(scenario.events)) {
    now = Math.max(now, event.created * 1000);
    const delivery = signedDelivery(event, WEBHOOK_SECRET, Math.floor(now / 1000));
    const output = unwrap(
      runInProcess(fakes, script, 'doPost', doPostEvent(delivery.body, delivery.header)),
    ) as {
      getContent(): string;
    };
    const result = String((JSON.parse(output.getContent()) as { result?: unknown }).result);
    answers[result] = (answers[result] ?? 0) + 1;
  }
  return { books: readBooks(fakes), answers };
}
