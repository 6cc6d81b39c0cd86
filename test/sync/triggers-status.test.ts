// The time triggers (one per job, idempotent, interval from a script property), the owner's status dialog and the
// menu items that reach sync.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGasFakes, type GasFakes } from '../../fakes/gas';
import { onOpen } from '../../src/gas/menu';
import { showSyncStatus, syncStatus, syncStripeFromMenu, verifyLedgerFromLog } from '../../src/gas/status';
import { runSync, syncStripe } from '../../src/gas/sync';
import { installTriggers, removeTriggers } from '../../src/gas/triggers';
import { doGet } from '../../src/gas/webapp';
import { type SyncWorld, schoolMonth, syncWorld } from './scenario';

const globals = globalThis as Record<string, unknown>;

describe('installTriggers and removeTriggers', () => {
  let fakes: GasFakes;
  beforeEach(() => {
    fakes = createGasFakes();
    fakes.install();
    // Apps Script finds handlers among the script's top-level functions; this build has syncStripe only.
    globals.syncStripe = syncStripe;
  });
  afterEach(() => {
    fakes.uninstall();
    delete globals.syncStripe;
    delete globals.refreshReport;
  });

  it('installs one trigger per job that exists, every 15 minutes by default', () => {
    const report = installTriggers();
    expect(fakes.triggers().map((t) => [t.handler, t.schedule.everyMinutes])).toEqual([['syncStripe', 15]]);
    expect(report.skipped).toEqual(['refreshReport']);
  });

  it('changes nothing when run again', () => {
    installTriggers();
    const before = fakes.triggers();
    const report = installTriggers();
    expect(fakes.triggers()).toEqual(before);
    expect(report.kept).toEqual(['syncStripe']);
  });

  it('replaces the trigger when the interval property changes, snapping to what Apps Script offers', () => {
    installTriggers();
    fakes.properties.script.set('SYNC_INTERVAL_MINUTES', '120');
    installTriggers();
    expect(fakes.triggers().map((t) => [t.handler, t.schedule.everyHours])).toEqual([['syncStripe', 2]]);
  });

  it('leaves one trigger where duplicates were added by hand', () => {
    fakes.globals.ScriptApp.newTrigger('syncStripe').timeBased().everyMinutes(5).create();
    fakes.globals.ScriptApp.newTrigger('syncStripe').timeBased().everyMinutes(5).create();
    installTriggers();
    expect(fakes.triggers().filter((t) => t.handler === 'syncStripe')).toHaveLength(1);
  });

  it('removes its own triggers and no others', () => {
    globals.refreshReport = () => undefined;
    fakes.globals.ScriptApp.newTrigger('someoneElses').timeBased().everyHours(1).create();
    installTriggers();
    expect(removeTriggers()).toBe(2);
    expect(fakes.triggers().map((t) => t.handler)).toEqual(['someoneElses']);
  });
});

describe('what the owner sees', () => {
  let world: SyncWorld | null = null;
  afterEach(() => {
    world?.harness.close();
    world = null;
  });

  it('counts the day’s URL fetches and shows the cursor and last run', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    world.stripe.inject({ status: 500 }, 1, '/v1/events');
    runSync();
    runSync();
    const view = syncStatus();
    expect(view.quota.urlFetches).toBe(world.stripe.requests.length);
    expect(view.quota.runs).toBe(2);
    expect(view.cursorAt?.getTime()).toBe(Math.max(...events.map((e) => e.created)) * 1000);
    expect(view.lastRun?.message).toBe('Up to date: nothing new in Stripe.');
    showSyncStatus();
    const dialog = world.harness.fakes.ui.dialogs.at(-1);
    expect(dialog?.title).toBe('Stripe sync status');
    expect(dialog?.content).toContain(`${view.quota.urlFetches} of 20000`);
    expect(doGet().getContent()).not.toContain('urlFetches');
  });

  it('counts a triggered run’s time against the daily trigger budget, and a menu run’s not', () => {
    world = syncWorld([]);
    // A run whose clock reads one minute later than its start, whenever asked after.
    const minuteRun = (): (() => number) => {
      let calls = 0;
      return () => (calls++ === 0 ? 0 : 60_000);
    };
    runSync({ triggered: true, nowMs: minuteRun() });
    expect(syncStatus().quota.triggerMinutes).toBe(1);
    runSync({ nowMs: minuteRun() });
    expect(syncStatus().quota).toMatchObject({ triggerMinutes: 1, runs: 2 });
  });

  it('says what to do when no API key is set, without a request', () => {
    world = syncWorld([]);
    world.harness.fakes.properties.script.delete('STRIPE_API_KEY');
    const summary = runSync();
    expect(summary.message).toContain('STRIPE_API_KEY');
    expect(world.stripe.requests).toHaveLength(0);
  });

  it('fails a triggered run whose key Stripe refuses, so Apps Script tells the owner', () => {
    world = syncWorld([]);
    world.harness.fakes.properties.script.set('STRIPE_API_KEY', 'sk_test_revoked000');
    expect(() => syncStripe({ triggerUid: '1' })).toThrow(/401/);
    expect(syncStatus().lastRun?.ok).toBe(false);
  });

  it('lists the sync items in the menu, each wired to a function', () => {
    world = syncWorld([]);
    onOpen();
    const menu = world.harness.fakes.ui.menus.at(-1);
    const items = (menu?.items ?? []).flatMap((item) => ('functionName' in item ? [item.functionName] : []));
    expect(items).toEqual(
      expect.arrayContaining([
        'syncStripeFromMenu',
        'verifyLedgerFromLog',
        'showSyncStatus',
        'installTriggersFromMenu',
      ]),
    );
  });

  it('shows a toast when a menu sync starts and one with its counts when it ends, and no blocking alert', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    syncStripeFromMenu();
    const toasts = world.harness.fakes.ui.toasts.map((t) => t.message);
    expect(toasts[0]).toMatch(/^Syncing with Stripe/);
    expect(toasts.at(-1)).toMatch(/250 applied, 0 already here, 3 request\(s\) to Stripe\./);
    expect(world.harness.fakes.ui.alerts).toEqual([]);
  });

  it('says in an alert, with the fix, why a menu sync could not run', () => {
    world = syncWorld([]);
    world.harness.fakes.properties.script.delete('STRIPE_API_KEY');
    syncStripeFromMenu();
    expect(world.harness.fakes.ui.alerts.at(-1)?.prompt).toMatch(
      /No STRIPE_API_KEY .* add a restricted read-only key/,
    );
  });

  it('shows verify results in a dialog', () => {
    const { events, seeds } = schoolMonth();
    world = syncWorld(seeds);
    world.stripe.addEvents(...events);
    runSync();
    world.harness.fakes.lock.endExecution();
    verifyLedgerFromLog();
    expect(world.harness.fakes.ui.dialogs.at(-1)?.content).toContain(
      'Every maintained cell matches its evidence.',
    );
  });
});
