// `npm start`: the local emulator. Runs the built dist/Code.js on in-memory Apps Script services kept in
// .emulator/<port>/, so the add-on can be tried without a Google account. See CONTRACT.md, "The local emulator".
// A problem the person can fix (a port in use, PORT=abc, a corrupt state file, a malformed secret) is one line.

import { relative } from 'node:path';
import { buildIfStale } from './emulator/build-if-stale';
import { DEMO_WEBHOOK_SECRET } from './emulator/runtime';
import { PROJECT_ROOT, startEmulator } from './emulator/server';
import { DEFAULT_PORT, startOptions } from './emulator/start-options';
import { StartupError } from './emulator/startup-error';
import { adoptSharedState } from './emulator/state-folder';

const say = (line: string): void => console.log(line);

try {
  const options = startOptions(process.argv.slice(2), process.env, PROJECT_ROOT);
  buildIfStale(PROJECT_ROOT, say);
  if (options.defaultState) {
    const moved = adoptSharedState(options.stateDir);
    if (moved) options.notices.push(moved);
  }
  const emulator = await startEmulator({
    port: options.port,
    dir: options.stateDir,
    secrets: options.secrets,
    empty: options.empty,
    log: (line) => say(`  ${new Date().toISOString().slice(11, 19)} ${line}`),
  });
  const nearby = relative(process.cwd(), emulator.stateFile);
  const state = nearby && !nearby.startsWith('..') ? nearby : emulator.stateFile;
  say('');
  say(`Stripe Ledger emulator: ${emulator.url}`);
  for (const notice of options.notices) say(`  ${notice}`);
  say(
    emulator.seeded
      ? `  A demo ledger was created (12 students; USD, EUR, JPY) in ${state}.`
      : `  Spreadsheet restored from ${state} (delete it for a fresh demo ledger).`,
  );
  if (emulator.secrets.length === 0) {
    say(
      '  No webhook secret: every delivery answers 503. Start with STRIPE_WEBHOOK_SECRETS=whsec_… npm start.',
    );
  } else if (emulator.secrets.includes(DEMO_WEBHOOK_SECRET)) {
    say(`  Webhook signing secret (demo, not from Stripe): ${DEMO_WEBHOOK_SECRET}`);
  } else {
    const source = emulator.secretsSource === 'environment' ? 'the environment (not saved)' : state;
    say(`  Webhook signing secrets: ${emulator.secrets.length} from ${source}.`);
  }
  say('');
  say('Next:');
  say(`  open ${emulator.url}/`);
  say('      the sheets: edit cells, add rows, run the Stripe Ledger menu');
  say(`  ${options.port === DEFAULT_PORT ? '' : `DEMO_URL=${emulator.url} `}npm run demo`);
  say('      in a second terminal: signed deliveries that turn rows paid and open exceptions');
  say(`  stripe listen --forward-to localhost:${options.port}/webhook`);
  say('      with a Stripe test account; start again with the secret it prints:');
  const port = options.port === DEFAULT_PORT ? '' : `PORT=${options.port} `;
  say(`      ${port}STRIPE_WEBHOOK_SECRETS=${DEMO_WEBHOOK_SECRET},whsec_… npm start`);
  say(`  Ctrl+C stops; the spreadsheet is kept in ${state}.`);
  say('');

  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`npm start: ${error.message}`);
  process.exitCode = 1;
}
