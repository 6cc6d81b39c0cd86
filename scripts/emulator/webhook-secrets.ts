// STRIPE_WEBHOOK_SECRETS as the emulator takes it from the environment: endpoint signing secrets, comma-separated.
// A value that cannot be one is refused at start, before anything is saved, and named without being echoed whole.

import { StartupError } from './startup-error';

// Dashboard secrets are `whsec_` and 32 letters and digits; `stripe listen` prints `whsec_` and 64 hex digits.
const SIGNING_SECRET = /^whsec_[A-Za-z0-9_]+$/;

/** The secrets in a comma-separated value; [] when it holds none. Throws a StartupError for a malformed entry. */
export function parseWebhookSecrets(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach((entry, i) => {
    if (SIGNING_SECRET.test(entry)) return;
    const which = entries.length > 1 ? `entry ${i + 1} (${masked(entry)})` : masked(entry);
    throw new StartupError(`STRIPE_WEBHOOK_SECRETS: ${which} ${problem(entry)}; nothing was saved.`);
  });
  return entries;
}

function problem(entry: string): string {
  if (/^["'`]|["'`]$/.test(entry)) return 'has quotes around it: remove them';
  if (/^(sk|rk|pk)_/.test(entry)) {
    return 'is an API key, not a webhook signing secret (those start with whsec_: the endpoint’s "Signing secret", or what `stripe listen` prints)';
  }
  if (entry.startsWith('whsec_'))
    return 'holds characters a signing secret never has (spaces? a line break?)';
  return 'is not a webhook signing secret: those start with whsec_';
}

/** Enough to recognise which value was meant, never the secret itself. */
function masked(entry: string): string {
  return entry.length <= 8 ? `"${entry.slice(0, 3)}…"` : `"${entry.slice(0, 6)}…"`;
}
