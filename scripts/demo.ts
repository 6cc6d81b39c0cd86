// `npm run demo`: sends a signed Stripe scenario to a running emulator (`npm start` in another terminal) and prints
// each answer. DEMO_URL picks the emulator (default http://127.0.0.1:8787); the secret is DEMO_SECRET, else the
// first of STRIPE_WEBHOOK_SECRETS, else the emulator's demo secret.

import { demoAdvice, type SigningSecret } from './emulator/demo-advice';
import { runDemoScenario } from './emulator/demo-scenario';
import { DEMO_WEBHOOK_SECRET } from './emulator/runtime';

const url = process.env.DEMO_URL ?? 'http://127.0.0.1:8787';
const fromEnvironment = process.env.STRIPE_WEBHOOK_SECRETS?.split(',')
  .map((s) => s.trim())
  .find((s) => s !== '');
const secret: SigningSecret = process.env.DEMO_SECRET
  ? { value: process.env.DEMO_SECRET, source: 'DEMO_SECRET' }
  : fromEnvironment
    ? { value: fromEnvironment, source: 'STRIPE_WEBHOOK_SECRETS' }
    : { value: DEMO_WEBHOOK_SECRET, source: 'default' };

console.log(`Sending the demo scenario to ${url}/webhook\n`);
try {
  const steps = await runDemoScenario({
    url,
    secret: secret.value,
    onStep: (step) => {
      console.log(`• ${step.label}`);
      console.log(`    HTTP ${step.status} ${step.result}${step.message ? ` — ${step.message}` : ''}`);
    },
  });
  console.log(`\nDone: open ${url}/ to see the Ledger, Exceptions, Stripe Events and Audit sheets.`);
  const advice = demoAdvice(steps, secret, url);
  if (advice.length > 0) console.log(`\n${advice.join('\n')}`);
  if (steps.some((step) => !step.forged && step.status !== 200)) process.exitCode = 1;
} catch (error) {
  const detail = error instanceof Error ? error.message : String(error);
  console.error(
    `Could not reach the emulator at ${url} (${detail}). Start it first with \`npm start\`; on another port, ` +
      'name it: DEMO_URL=http://127.0.0.1:<port> npm run demo.',
  );
  process.exitCode = 1;
}
