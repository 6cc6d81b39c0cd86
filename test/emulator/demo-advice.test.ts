// What `npm run demo` advises when the answers are not the expected ones: a rejected signature names the secret the
// demo signed with (never a real one in full), a 503 names the missing secret, a rerun says how to start afresh.

import { describe, expect, it } from 'vitest';
import { demoAdvice } from '../../scripts/emulator/demo-advice';
import { type DemoStep, runDemoScenario } from '../../scripts/emulator/demo-scenario';
import { DEMO_WEBHOOK_SECRET } from '../../scripts/emulator/runtime';
import { useEmulators } from './emulators';

const { start } = useEmulators();
const URL = 'http://127.0.0.1:8787';

function step(result: string, status: number, forged = false): DemoStep {
  return { label: 'a delivery', forged, status, result, eventId: null, message: '' };
}

describe('demoAdvice', () => {
  it('has nothing to say when only the forged delivery was rejected', () => {
    const steps = [step('processed', 200), step('duplicate', 200), step('rejected', 400, true)];
    expect(demoAdvice(steps, { value: DEMO_WEBHOOK_SECRET, source: 'default' }, URL)).toEqual([]);
  });

  it('names the demo secret it signed with when the emulator verifies with another', () => {
    const steps = [step('rejected', 400), step('rejected', 400), step('rejected', 400, true)];
    const [first, second] = demoAdvice(steps, { value: DEMO_WEBHOOK_SECRET, source: 'default' }, URL);
    expect(first).toBe(
      `The emulator rejected 2 of 2 deliveries as badly signed: the demo signed them with the demo secret ` +
        `${DEMO_WEBHOOK_SECRET}, and the emulator at ${URL} verifies with another secret.`,
    );
    expect(second).toMatch(/^Use the secret the emulator printed at start: DEMO_SECRET=whsec_… npm run demo/);
  });

  it('names where a real secret came from, showing only its start', () => {
    const secret = 'whsec_fake_secret_for_this_test_only';
    const [first] = demoAdvice(
      [step('rejected', 400)],
      { value: secret, source: 'STRIPE_WEBHOOK_SECRETS' },
      URL,
    );
    expect(first).toContain('with STRIPE_WEBHOOK_SECRETS (whsec_fak…)');
    expect(first).not.toContain(secret);
  });

  it('says the emulator holds no secret when deliveries answer 503', () => {
    const advice = demoAdvice([step('error', 503)], { value: DEMO_WEBHOOK_SECRET, source: 'default' }, URL);
    expect(advice[0]).toMatch(/^The emulator answered 503: it holds no webhook secret/);
  });

  it('says how to start afresh when everything was already applied, without blaming the secret', () => {
    const steps = [step('duplicate', 200), step('duplicate', 200), step('rejected', 400, true)];
    const [advice] = demoAdvice(steps, { value: DEMO_WEBHOOK_SECRET, source: 'default' }, URL);
    expect(advice).toMatch(/^Everything was already applied/);
    expect(advice).not.toMatch(/secret/);
  });

  it('against an emulator started with another secret, advises on the secret', async () => {
    const emulator = await start({ secrets: 'whsec_test_the_emulator_holds_this_one' });
    const steps = await runDemoScenario({ url: emulator.url, secret: DEMO_WEBHOOK_SECRET });
    const advice = demoAdvice(steps, { value: DEMO_WEBHOOK_SECRET, source: 'default' }, emulator.url);
    expect(advice[0]).toMatch(/^The emulator rejected 12 of 12 deliveries as badly signed/);
  });
});
