// `npm start`: the local emulator. Runs the built dist/Code.js on in-memory Apps Script services kept in .emulator/,
// so the add-on can be tried without a Google account. See CONTRACT.md, "The local emulator".

import { join } from 'node:path';
import { buildIfStale } from './emulator/build-if-stale';
import { DEMO_WEBHOOK_SECRET } from './emulator/runtime';
import { PROJECT_ROOT, startEmulator } from './emulator/server';

const say = (line: string): void => console.log(line);

buildIfStale(PROJECT_ROOT, say);
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`PORT must be a port number, not ${process.env.PORT}`);

const emulator = await startEmulator({
  port,
  dir: join(PROJECT_ROOT, '.emulator'),
  secrets: process.env.STRIPE_WEBHOOK_SECRETS,
  log: (line) => say(`  ${new Date().toISOString().slice(11, 19)} ${line}`),
});

const listenPort = new URL(emulator.url).port;
const usesDemoSecret = emulator.secrets.includes(DEMO_WEBHOOK_SECRET);
say('');
say(`Stripe Ledger emulator: ${emulator.url}`);
say(
  emulator.seeded
    ? '  A demo ledger was created (12 students; USD, EUR, JPY) in .emulator/state.json.'
    : '  Ledger restored from .emulator/state.json (delete the folder for a fresh demo ledger).',
);
if (emulator.secrets.length === 0) {
  say(
    '  No webhook secret is configured: every delivery answers 503. Set STRIPE_WEBHOOK_SECRETS=whsec_… and restart.',
  );
} else if (usesDemoSecret) {
  say(`  Webhook signing secret (demo, not from Stripe): ${DEMO_WEBHOOK_SECRET}`);
} else {
  const source =
    process.env.STRIPE_WEBHOOK_SECRETS !== undefined ? 'the environment' : 'the saved properties';
  say(`  Webhook signing secrets: ${emulator.secrets.length} from ${source}.`);
}
say('');
say('Next:');
say(`  open ${emulator.url}/            the sheets (reloads by itself when they change)`);
say(
  '  npm run demo                     (second terminal) signed deliveries that turn rows paid and open exceptions',
);
say(`  stripe listen --forward-to localhost:${listenPort}/webhook`);
say('                                   with a Stripe test account; restart with its secret added:');
say(`                                   STRIPE_WEBHOOK_SECRETS=${DEMO_WEBHOOK_SECRET},whsec_… npm start`);
say('  Ctrl+C stops; the ledger is kept in .emulator/.');
say('');

const stop = (): void => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
