// The measuring instrument itself: worker threads running a script against one shared fake world, in virtual time,
// with Apps Script's locks and Stripe's deliveries. Small scripts written here, so these hold whatever dist/Code.js
// does; the last test runs dist/Code.js where nothing contends.

import { afterEach, describe, expect, it } from 'vitest';
import { unwrap } from '../../fakes/gas-core';
import type { FakeSpreadsheet } from '../../fakes/gas-sheets';
import { invoiceEvent } from '../fixtures/events';
import { BooksWatch } from './books-watch';
import type { Latencies } from './latency';
import { runScenario } from './run-scenario';
import { MONTH_START, monthStartBurst } from './scenarios';
import type { Execution, ExecutionContext, Outcome } from './scheduler';
import { createSimulation, type Simulation } from './simulation';
import { StripeModel } from './stripe-model';
import { WebApp } from './web-app';

const START = MONTH_START;
const SPREADSHEET = "SpreadsheetApp.openById('fake-spreadsheet-id')";
let open: Simulation[] = [];

afterEach(async () => {
  await Promise.all(open.map((sim) => sim.close()));
  open = [];
});

function simulate(source: string, latencies: Partial<Latencies> = {}): Simulation {
  const sim = createSimulation({
    source,
    start: START,
    latencies: { spreadsheet: 50, lock: 0, ...latencies },
  });
  sim.fakes.spreadsheet.insertSheet('Log');
  open.push(sim);
  return sim;
}

interface Finished {
  execution: Execution;
  outcome: Outcome;
}

/** Starts `fn` at `at` ms after the start; returns what it gave once the simulation ran. */
function launch(
  sim: Simulation,
  fn: string,
  options: { at?: number; args?: unknown[]; context?: ExecutionContext; user?: string } = {},
): Finished {
  const finished = {} as Finished;
  sim.scheduler.at(START + (options.at ?? 0), () => {
    sim.scheduler.start({
      fn,
      args: options.args ?? [],
      context: options.context ?? 'webapp',
      user: options.user ?? 'owner@school.example',
      label: 'test',
      onDone: (execution, outcome) => Object.assign(finished, { execution, outcome }),
    });
  });
  return finished;
}

function logRows(sim: Simulation): unknown[][] {
  return sim.fakes.spreadsheet.sheetValues('Log');
}

describe('service calls in virtual time', () => {
  it('completes each call after its latency, and the script’s clock shows virtual time', () => {
    const sim = simulate(`function timed() {
      const t0 = Date.now();
      const ss = ${SPREADSHEET};
      const t1 = new Date().getTime();
      ss.getSheetByName('Log').appendRow(['x']);
      return [t0, t1, Date.now()];
    }`);
    const run = launch(sim, 'timed');
    const began = performance.now();
    sim.scheduler.run();
    expect(run.outcome.value).toEqual([START, START + 50, START + 150]);
    expect(performance.now() - began).toBeLessThan(5_000);
  });

  it('hands the script Dates and arrays of its own realm, and Apps Script enums', () => {
    const sim = simulate(`function values() {
      const range = ${SPREADSHEET}.getSheetByName('Log').getRange(1, 1, 1, 2);
      range.setValues([[new Date(Date.UTC(2026, 0, 2)), 'text']]);
      const values = range.getValues();
      return [values instanceof Array, values[0] instanceof Array, values[0][0] instanceof Date,
        values[0][0].getTime(), Utilities.Charset.UTF_8, ContentService.MimeType.JSON, String(range)];
    }`);
    const run = launch(sim, 'values');
    sim.scheduler.run();
    expect(run.outcome.value).toEqual([true, true, true, Date.UTC(2026, 0, 2), 'UTF_8', 'JSON', 'Range']);
  });

  it('re-throws an error a fake throws as an Apps Script exception the script can catch', () => {
    const sim = simulate(`function caught() {
      try { SpreadsheetApp.openById('no-such-id'); } catch (e) { return [e instanceof Error, e.name, e.message]; }
    }
    function uncaught() { ${SPREADSHEET}.getSheetByName('Log').getRange(1, 1).setValues([[1, 2]]); }`);
    const caught = launch(sim, 'caught');
    const uncaught = launch(sim, 'uncaught');
    sim.scheduler.run();
    expect(caught.outcome.value).toEqual([
      true,
      'Exception',
      'Unexpected error while getting the method or property openById on object SpreadsheetApp.',
    ]);
    expect(uncaught.outcome.error?.message).toMatch(/number of columns in the data does not match/);
  });

  it('moves virtual time, not real time, for Utilities.sleep', () => {
    const sim = simulate(
      `function nap() { const t0 = Date.now(); Utilities.sleep(60000); return Date.now() - t0; }`,
    );
    const run = launch(sim, 'nap');
    const began = performance.now();
    sim.scheduler.run();
    expect(run.outcome.value).toBe(60_000);
    expect(performance.now() - began).toBeLessThan(5_000);
  });

  it('gives a web app no active spreadsheet and no Ui, and a bound run both', () => {
    const sim = simulate(`function where() {
      let ui = 'ui';
      try { SpreadsheetApp.getUi(); } catch (e) { ui = e.message; }
      return [SpreadsheetApp.getActiveSpreadsheet() === null, ui];
    }`);
    const web = launch(sim, 'where', { context: 'webapp' });
    const bound = launch(sim, 'where', { context: 'bound' });
    sim.scheduler.run();
    expect(web.outcome.value).toEqual([true, 'Cannot call SpreadsheetApp.getUi() from this context.']);
    expect(bound.outcome.value).toEqual([false, 'ui']);
  });

  it('stops an execution at 6 minutes: its later calls fail and its locks are released', () => {
    const sim = simulate(`function forever() {
      LockService.getScriptLock().waitLock(1000);
      for (;;) { try { Utilities.sleep(60000); } catch (e) { ${SPREADSHEET}; } }
    }`);
    const run = launch(sim, 'forever');
    sim.scheduler.run();
    expect(run.outcome.killed).toBe(true);
    expect(run.execution.endedAt).toBe(START + 6 * 60_000);
    expect(sim.locks.holds).toEqual([
      expect.objectContaining({ kind: 'script', from: START, to: START + 6 * 60_000 }),
    ]);
  });

  it('repeats a run exactly: same rows, same lock holdings', () => {
    const source = `function jitter(name) {
      const lock = LockService.getScriptLock();
      Utilities.sleep(Math.floor(Math.random() * 500));
      if (!lock.tryLock(2000)) return 'busy';
      ${SPREADSHEET}.getSheetByName('Log').appendRow([name, new Date()]);
      lock.releaseLock();
      return 'done';
    }`;
    const runOnce = () => {
      const sim = simulate(source);
      for (let i = 0; i < 20; i++) launch(sim, 'jitter', { at: (i % 4) * 7, args: [`run ${i}`] });
      sim.scheduler.run();
      return { rows: logRows(sim), holds: sim.locks.holds };
    };
    const first = runOnce();
    expect(first.rows.length).toBeGreaterThan(5);
    expect(runOnce()).toEqual(first);
  });
});

describe('LockService across executions', () => {
  const HOLDER = `function holder(ms) {
    const lock = LockService.getScriptLock();
    if (!lock.tryLock(30000)) return 'busy';
    ${SPREADSHEET}.getSheetByName('Log').appendRow([ms, Date.now()]);
    Utilities.sleep(ms);
    lock.releaseLock();
    return 'done';
  }`;

  it('shares one script lock among all executions and grants it first come, first served', () => {
    const sim = simulate(HOLDER);
    for (const [i, at] of [0, 10, 20, 30].entries()) launch(sim, 'holder', { at, args: [1000 + i] });
    sim.scheduler.run();
    expect(logRows(sim).map((row) => row[0])).toEqual([1000, 1001, 1002, 1003]);
    const holds = sim.locks.holds;
    for (let i = 1; i < holds.length; i++) expect(holds[i]!.from).toBe(holds[i - 1]!.to);
  });

  it('gives up a tryLock after its timeout in virtual time, and throws from waitLock', () => {
    const sim = simulate(`${HOLDER}
    function impatient() {
      const t0 = Date.now();
      const got = LockService.getScriptLock().tryLock(1000);
      let thrown = '';
      try { LockService.getScriptLock().waitLock(500); } catch (e) { thrown = e.message; }
      return [got, Date.now() - t0, thrown];
    }`);
    launch(sim, 'holder', { args: [5000] });
    const impatient = launch(sim, 'impatient', { at: 10 });
    sim.scheduler.run();
    expect(impatient.outcome.value).toEqual([
      false,
      1500,
      'Lock timeout: another process was holding the lock for too long.',
    ]);
  });

  it('releases every lock an execution holds when it ends', () => {
    const sim = simulate(`${HOLDER}
    function forgetful() { LockService.getScriptLock().tryLock(0); Utilities.sleep(2000); return 'ended'; }`);
    const forgetful = launch(sim, 'forgetful');
    launch(sim, 'holder', { at: 10, args: [0] });
    sim.scheduler.run();
    expect(forgetful.outcome.value).toBe('ended');
    expect(logRows(sim)).toEqual([[0, START + 2100]]);
  });

  it('has no document lock in a web app, and one user lock for the executions of one user', () => {
    const sim = simulate(`function locks(ms) {
      const user = LockService.getUserLock();
      const got = user.tryLock(0);
      Utilities.sleep(ms);
      return [LockService.getDocumentLock() === null, got];
    }`);
    const web = launch(sim, 'locks', { args: [1000] });
    const sameUser = launch(sim, 'locks', { at: 10, args: [0] });
    const otherUser = launch(sim, 'locks', { at: 10, args: [0], user: 'visitor@example.com' });
    const bound = launch(sim, 'locks', { at: 2000, args: [0], context: 'bound' });
    sim.scheduler.run();
    expect(web.outcome.value).toEqual([true, true]);
    expect(sameUser.outcome.value).toEqual([true, false]);
    expect(otherUser.outcome.value).toEqual([true, true]);
    expect(bound.outcome.value).toEqual([false, true]);
  });
});

describe('Stripe and the relay', () => {
  /** A doPost that answers what the n-th request asks, after sleeping as long as asked. */
  const ANSWERING = `function doPost(e) {
    const props = PropertiesService.getScriptProperties();
    const n = Number(props.getProperty('n') || 0);
    props.setProperty('n', String(n + 1));
    const plan = JSON.parse(props.getProperty('plan') || '[]')[n] || ['processed', 0];
    Utilities.sleep(plan[1]);
    const event = JSON.parse(e.postData.contents);
    ${SPREADSHEET}.getSheetByName('Log').appendRow([event.id, e.parameter.stripe_signature]);
    return ContentService.createTextOutput(JSON.stringify({ result: plan[0], eventId: event.id, message: '' }));
  }`;

  function stripeWorld(plan: [string, number][]) {
    const sim = simulate(ANSWERING, { spreadsheet: 0, propertiesGet: 0, propertiesSet: 0 });
    sim.fakes.properties.script.set('plan', JSON.stringify(plan));
    const webApp = new WebApp(sim.scheduler, 'owner@school.example');
    const stripe = new StripeModel(sim.scheduler, webApp, { secret: 'whsec_test' });
    return { sim, webApp, stripe };
  }

  it('delivers again after a 503, later, as a new delivery with a new signature', () => {
    const { sim, stripe } = stripeWorld([['busy', 0]]);
    const event = invoiceEvent('invoice.paid');
    stripe.send(event, START);
    sim.scheduler.run();
    const [first, second] = stripe.deliveries;
    expect([first?.status, second?.status, stripe.deliveries.length]).toEqual([503, 200, 2]);
    expect(second!.sentAt - first!.sentAt).toBe(5 * 60_000);
    const [row1, row2] = logRows(sim);
    expect([row1?.[0], row2?.[0]]).toEqual([event.id, event.id]);
    expect(row1?.[1]).not.toBe(row2?.[1]);
    expect(stripe.events.get(event.id)?.deliveredAt).toBe(second!.answeredAt);
  });

  it('answers 503 when doPost takes longer than the relay waits, though doPost carries on', () => {
    const { sim, stripe } = stripeWorld([['processed', 10_000]]);
    stripe.send(invoiceEvent('invoice.paid'), START);
    sim.scheduler.run();
    const [first] = stripe.deliveries;
    expect(first).toMatchObject({ status: 503, relayTimedOut: true, verdict: 'processed' });
    expect(first!.answeredAt! - first!.sentAt).toBe(9_000);
    expect(first!.endedAt! - first!.sentAt).toBe(10_000);
    expect(stripe.deliveries).toHaveLength(2);
  });

  it('keeps at most 30 deliveries in flight and sends the others as places free up', () => {
    const { sim, webApp, stripe } = stripeWorld(Array.from({ length: 40 }, () => ['processed', 1000]));
    for (let i = 0; i < 40; i++) stripe.send(invoiceEvent('invoice.paid'), START);
    sim.scheduler.run();
    expect([webApp.peakRunning, stripe.peakDue]).toEqual([30, 10]);
    expect(stripe.deliveries[30]!.sentAt - stripe.deliveries[30]!.dueAt).toBe(1000);
  });

  it('never retries a forged request', () => {
    const { sim, stripe } = stripeWorld([['rejected', 0]]);
    stripe.forge(invoiceEvent('invoice.paid'), START);
    sim.scheduler.run();
    expect(stripe.deliveries.map((d) => [d.label, d.status])).toEqual([['forged', 400]]);
  });
});

describe('when the books are final', () => {
  it('is the last change to the Ledger, Exceptions or Audit, or the last queued row gone, whichever is later', () => {
    const sim = simulate(`function write(sheet, value) {
      const range = ${SPREADSHEET}.getSheetByName(sheet).getRange(2, 1);
      range.setValue(value);
    }`);
    for (const name of ['Ledger', 'Stripe Events']) sim.fakes.spreadsheet.insertSheet(name);
    sim.fakes.spreadsheet.getSheetByName('Stripe Events')!.getRange(1, 1).setValue('Result');
    const watch = new BooksWatch(sim.scheduler, unwrap(sim.fakes.spreadsheet) as unknown as FakeSpreadsheet);
    sim.world.addObserver(watch);
    launch(sim, 'write', { at: 1000, args: ['Ledger', 'paid'] });
    launch(sim, 'write', { at: 2000, args: ['Stripe Events', 'queued'] });
    launch(sim, 'write', { at: 3000, args: ['Ledger', 'paid'] });
    launch(sim, 'write', { at: 4000, args: ['Stripe Events', 'processed'] });
    sim.scheduler.run();
    expect(watch.lastChange.get('Ledger')).toBe(START + 1000 + 200);
    expect([watch.peakQueued, watch.queued, watch.settledAt]).toEqual([1, 0, START + 4000 + 200]);
  });
});

describe('a group-commit doPost, as issue 7 asks for', () => {
  // Append the delivery under the user lock, then whoever gets the script lock with tryLock(0) applies every queued
  // row in one batch, releases, and looks again.
  const GROUP_COMMIT = `function doPost(e) {
    const ss = ${SPREADSHEET};
    const log = ss.getSheetByName('Stripe Events');
    const event = JSON.parse(e.postData.contents);
    const append = LockService.getUserLock();
    append.waitLock(30000);
    log.appendRow([event.id, 'queued']);
    append.releaseLock();
    let result = 'queued';
    const apply = LockService.getScriptLock();
    while (apply.tryLock(0)) {
      const rows = log.getRange(2, 1, log.getLastRow() - 1, 2).getValues();
      const queued = rows.filter((row) => row[1] === 'queued');
      if (queued.length > 0) {
        const ledger = ss.getSheetByName('Ledger');
        ledger.getRange(ledger.getLastRow() + 1, 1, queued.length, 1).setValues(queued.map((row) => [row[0]]));
        log.getRange(2, 2, rows.length, 1).setValues(rows.map((row) => [row[1] === 'queued' ? 'processed' : row[1]]));
        if (queued.some((row) => row[0] === event.id)) result = 'processed';
      }
      apply.releaseLock();
      if (queued.length === 0) break;
    }
    return ContentService.createTextOutput(JSON.stringify({ result, eventId: event.id, message: '' }));
  }`;

  it('is answered without busy, leaves no queued row, and the books settle when the last batch lands', () => {
    const sim = simulate(GROUP_COMMIT);
    for (const name of ['Ledger', 'Stripe Events']) sim.fakes.spreadsheet.insertSheet(name);
    sim.fakes.spreadsheet
      .getSheetByName('Stripe Events')!
      .getRange(1, 1, 1, 2)
      .setValues([['Event ID', 'Result']]);
    sim.fakes.spreadsheet.getSheetByName('Ledger')!.getRange(1, 1).setValue('Event ID');
    const watch = new BooksWatch(sim.scheduler, unwrap(sim.fakes.spreadsheet) as unknown as FakeSpreadsheet);
    sim.world.addObserver(watch);
    const webApp = new WebApp(sim.scheduler, 'owner@school.example');
    // This drainer keeps draining while the burst lasts, longer than the relay waits: not what is measured here.
    const stripe = new StripeModel(sim.scheduler, webApp, { secret: 'whsec_test', relayTimeoutMs: 60_000 });
    for (let i = 0; i < 200; i++) stripe.send(invoiceEvent('invoice.paid'), START + i * 100);
    sim.scheduler.run();
    const verdicts = new Set(stripe.deliveries.map((d) => d.verdict));
    expect([...verdicts].sort()).toEqual(['processed', 'queued']);
    expect(stripe.deliveries).toHaveLength(200);
    expect(sim.fakes.spreadsheet.sheetValues('Ledger')).toHaveLength(201);
    expect([watch.peakQueued > 1, watch.queued]).toEqual([true, 0]);
    // The last batch writes the Ledger, then marks its rows processed: the queue empties last.
    expect(watch.settledAt).toBe(watch.queuedDrainedAt);
    expect(watch.settledAt! - watch.lastChange.get('Ledger')!).toBe(100);
    expect(sim.locks.holds.some((h) => h.kind === 'user')).toBe(true);
  });
});

describe('dist/Code.js under light traffic', () => {
  it('applies a few events once each, as Stripe-time order does, one log row per delivery', async () => {
    const { figures } = await runScenario(monthStartBurst({ invoices: 5 }));
    // An invoice's events are sent in the same second, so some find the lock held and are queued, never busy.
    const { processed = 0, queued = 0, ...others } = figures.answers.stripe ?? {};
    expect([processed + queued, others]).toEqual([20, {}]);
    expect(processed).toBeGreaterThan(0);
    expect(figures.appliedOnceProblems).toEqual([]);
    expect([figures.stripeLogRows, figures.loggableDeliveries, figures.eventsWithRowMismatch]).toEqual([
      20, 20, 0,
    ]);
    expect(figures.finalAfterMs).toBeLessThan(3 * 60_000);
  }, 60_000);
});
