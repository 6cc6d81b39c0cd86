// What `npm run demo` says after the scenario when the answers are not the expected ones: the likeliest cause first,
// named plainly. A rejected signature is a secret mismatch, so the advice names which secret the demo signed with.

import type { DemoStep } from './demo-scenario';
import { DEMO_WEBHOOK_SECRET } from './runtime';

export interface SigningSecret {
  value: string;
  /** Where the demo took it from. */
  source: 'DEMO_SECRET' | 'STRIPE_WEBHOOK_SECRETS' | 'default';
}

export function demoAdvice(steps: readonly DemoStep[], secret: SigningSecret, url: string): string[] {
  const genuine = steps.filter((step) => !step.forged);
  const rejected = genuine.filter((step) => step.status === 400 && step.result === 'rejected');
  if (rejected.length > 0) {
    const signedWith =
      secret.source === 'default'
        ? `the demo secret ${DEMO_WEBHOOK_SECRET}`
        : `${secret.source} (${masked(secret.value)})`;
    return [
      `The emulator rejected ${rejected.length} of ${genuine.length} deliveries as badly signed: the demo signed them ` +
        `with ${signedWith}, and the emulator at ${url} verifies with another secret.`,
      'Use the secret the emulator printed at start: DEMO_SECRET=whsec_… npm run demo ' +
        '(or start both with the same STRIPE_WEBHOOK_SECRETS).',
    ];
  }
  if (genuine.some((step) => step.status === 503 && step.result === 'error')) {
    return [
      'The emulator answered 503: it holds no webhook secret. Restart it without STRIPE_WEBHOOK_SECRETS to use the ' +
        'saved one, or with STRIPE_WEBHOOK_SECRETS=whsec_… npm start.',
    ];
  }
  if (genuine.length > 0 && genuine.every((step) => step.result === 'duplicate')) {
    return [
      'Everything was already applied: the demo ran against this ledger before. For a fresh demo ledger, stop the ' +
        'emulator and delete its folder (.emulator/<port>/), or start it with -- --state <a new folder>.',
    ];
  }
  return [];
}

/** Enough of a real secret to tell which one it was, never the secret. */
function masked(value: string): string {
  return value === DEMO_WEBHOOK_SECRET ? value : `${value.slice(0, 9)}…`;
}
