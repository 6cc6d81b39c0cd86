// `npm run demo`: sends a signed Stripe scenario to a running emulator (`npm start` in another terminal) and prints
// each answer. DEMO_URL picks the emulator (default http://127.0.0.1:8787); the secret is DEMO_SECRET, else the
// first of STRIPE_WEBHOOK_SECRETS, else the emulator's demo secret.

import { runDemoScenario } from './emulator/demo-scenario';
import { DEMO_WEBHOOK_SECRET } from './emulator/runtime';

const url = process.env.DEMO_URL ?? 'http://127.0.0.1:8787';
const secret =
  process.env.DEMO_SECRET ??
  process.env.STRIPE_WEBHOOK_SECRETS?.split(',')
    .map((s) => s.trim())
    .find((s) => s !== '') ??
  DEMO_WEBHOOK_SECRET;

console.log(`Sending the demo scenario to ${url}/webhook\n`);
try {
  const steps = await runDemoScenario({
    url,
    secret,
    onStep: (step) => {
      console.log(`• ${step.label}`);
      console.log(`    HTTP ${step.status} ${step.result}${step.message ? ` — ${step.message}` : ''}`);
    },
  });
  const unexpected = steps.filter((s) => s.status === 503);
  console.log(`\nDone: open ${url}/ to see the Ledger, Exceptions, Stripe Events and Audit sheets.`);
  if (unexpected.length > 0) console.log('Some deliveries answered 503: is a webhook secret configured?');
  if (steps.every((s) => s.result === 'duplicate' || s.status === 400)) {
    console.log(
      'Everything was already applied: delete .emulator/ and restart `npm start` for a fresh ledger.',
    );
  }
} catch (error) {
  const detail = error instanceof Error ? error.message : String(error);
  console.error(`Could not reach the emulator at ${url} (${detail}). Start it first with \`npm start\`.`);
  process.exitCode = 1;
}
