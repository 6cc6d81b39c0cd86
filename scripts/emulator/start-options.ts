// What `npm start` was asked for: PORT and STRIPE_WEBHOOK_SECRETS from the environment, `--state <folder>` and
// `--empty` from the command line (`npm start -- --state /tmp/ledger`). Anything it cannot use is a StartupError
// that names the fix.

import { isAbsolute, join, resolve } from 'node:path';
import { StartupError } from './startup-error';

export const DEFAULT_PORT = 8787;

export interface StartOptions {
  port: number;
  /** `.emulator/<port>/` in the project, so two emulators on two ports never share a ledger; or `--state`. */
  stateDir: string;
  /** True unless --state chose the folder. */
  defaultState: boolean;
  /** STRIPE_WEBHOOK_SECRETS for this run only; undefined keeps the saved secret. */
  secrets: string | undefined;
  empty: boolean;
  /** Lines to print at start about what was ignored. */
  notices: string[];
}

const USAGE = 'npm start -- [--state <folder>] [--empty]';

export function startOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  projectRoot: string,
): StartOptions {
  const notices: string[] = [];
  const port = portFrom(env.PORT);
  let stateDir = join(projectRoot, '.emulator', String(port));
  let empty = false;
  let defaultState = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--empty') empty = true;
    else if (arg === '--state' || arg.startsWith('--state=')) {
      const folder = arg === '--state' ? argv[++i] : arg.slice('--state='.length);
      if (!folder) throw new StartupError('--state needs a folder, e.g. npm start -- --state /tmp/my-ledger');
      stateDir = isAbsolute(folder) ? folder : resolve(folder);
      defaultState = false;
    } else {
      throw new StartupError(`Unknown option ${arg}. Usage: ${USAGE}`);
    }
  }
  let secrets = env.STRIPE_WEBHOOK_SECRETS;
  if (secrets !== undefined && secrets.replace(/[\s,]/g, '') === '') {
    // An unset shell variable expands to '': running with no secret would answer every delivery 503.
    notices.push('STRIPE_WEBHOOK_SECRETS is empty: ignored, the saved secret is used.');
    secrets = undefined;
  }
  return { port, stateDir, defaultState, secrets, empty, notices };
}

function portFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65535) {
    throw new StartupError(
      `PORT must be a whole number from 1 to 65535, not "${value}": e.g. PORT=8788 npm start`,
    );
  }
  return port;
}
