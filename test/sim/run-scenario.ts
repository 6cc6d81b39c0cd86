// One measured run: arrange the world, let Stripe (and forgers) deliver through the relay to truly concurrent doPost
// executions until nothing is left to do (Stripe may stop sending at a horizon; executions under way finish), then
// read the books and compare them with the sequential reference run.

import { readFileSync } from 'node:fs';
import * as vm from 'node:vm';
import type { FakeSpreadsheet } from '../../fakes/gas-sheets';
import { type BooksComparison, compareBooks, readBooks } from './books';
import { BooksWatch } from './books-watch';
import { DEFAULT_LATENCIES, type Latencies } from './latency';
import { figuresOf, type RunFigures } from './metrics';
import { type ReferenceRun, referenceRun } from './reference';
import type { Scenario } from './scenarios';
import { CODE_JS, createSimulation } from './simulation';
import { StripeModel } from './stripe-model';
import { WebApp } from './web-app';
import { arrangeWorld, OWNER, WEBHOOK_SECRET, worldOptions } from './world-setup';

export interface RunOptions {
  latencies?: Partial<Latencies>;
  /** Stripe sends nothing more this long (virtual ms) after its first delivery; executions under way finish. */
  horizonMs?: number;
  /** How long the relay waits for doPost (default its own, 9 s). */
  relayTimeoutMs?: number;
  /** The script; default dist/Code.js as built. */
  source?: string;
  /** A reference run already made for this scenario and source. */
  reference?: ReferenceRun;
}

export interface RunResult {
  figures: RunFigures;
  comparison: BooksComparison;
  reference: ReferenceRun;
  stripe: StripeModel;
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const began = performance.now();
  const source = options.source ?? readFileSync(CODE_JS, 'utf8');
  const latencies = { ...DEFAULT_LATENCIES, ...options.latencies };
  const sim = createSimulation({ source, start: scenario.start, latencies, fakes: worldOptions(scenario) });
  try {
    arrangeWorld(sim.fakes, scenario, new vm.Script(source, { filename: 'Code.js' }));
    const watch = new BooksWatch(sim.scheduler, sim.fakes.spreadsheet as unknown as FakeSpreadsheet);
    sim.world.addObserver(watch);
    const webApp = new WebApp(sim.scheduler, OWNER);
    const stripe = new StripeModel(sim.scheduler, webApp, {
      secret: WEBHOOK_SECRET,
      relayTimeoutMs: options.relayTimeoutMs,
    });
    for (const { event, sendAt } of scenario.events) stripe.send(event, sendAt);
    for (const { body, at } of scenario.forged ?? []) stripe.forge(body, at);

    const firstEventAt = Math.min(...scenario.events.map((e) => e.event.created * 1000));
    const firstSentAt = Math.min(...scenario.events.map((e) => e.sendAt));
    if (options.horizonMs !== undefined) stripe.stopSendingAt = firstSentAt + options.horizonMs;
    sim.scheduler.run();
    const realMs = performance.now() - began;

    const reference = options.reference ?? referenceRun(scenario, source);
    const books = readBooks(sim.fakes);
    const comparison = compareBooks(books, reference.books);
    const figures = figuresOf({
      scenario: scenario.name,
      spreadsheetLatencyMs: latencies.spreadsheet,
      firstEventAt,
      firstSentAt,
      endedAt: Math.max(firstSentAt, ...webApp.executions.map((e) => e.endedAt)),
      realMs,
      stripe,
      webApp,
      holds: sim.locks.holds,
      watch,
      spreadsheetCalls: sim.fakes.counters.spreadsheetCalls,
      books,
      comparison,
    });
    return { figures, comparison, reference, stripe };
  } finally {
    await sim.close();
  }
}
