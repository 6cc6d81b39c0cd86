// What `npm start` says when it cannot start: one line that names the fix, never a stack trace, and nothing saved
// on the way. Also: one emulator per state folder, one state folder per port.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/emulator/server';
import { startOptions } from '../../scripts/emulator/start-options';
import { StartupError } from '../../scripts/emulator/startup-error';
import { adoptSharedState } from '../../scripts/emulator/state-folder';
import { parseWebhookSecrets } from '../../scripts/emulator/webhook-secrets';
import { useEmulators } from './emulators';

const { start, stop, tempDir } = useEmulators();

function problem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('expected a StartupError');
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('expected a StartupError');
}

describe('PORT and the command line', () => {
  it('refuses PORT=abc and PORT=70000, naming a port that works', () => {
    for (const PORT of ['abc', '70000', '87.5', '-1']) {
      expect(problem(() => startOptions([], { PORT }, '/project'))).toMatch(
        /^PORT must be a whole number from 1 to 65535, not ".*": e\.g\. PORT=8788 npm start$/,
      );
    }
  });

  it('keeps the state of each port in its own folder, 8787 by default', () => {
    expect(startOptions([], {}, '/project').stateDir).toBe('/project/.emulator/8787');
    expect(startOptions([], { PORT: '9001' }, '/project').stateDir).toBe('/project/.emulator/9001');
  });

  it('takes --state <folder> (relative to where npm start runs) and --empty', () => {
    const options = startOptions(['--state', '/tmp/ledger-a', '--empty'], {}, '/project');
    expect(options).toMatchObject({ stateDir: '/tmp/ledger-a', empty: true, defaultState: false });
    expect(startOptions(['--state=ledger-b'], {}, '/project').stateDir).toBe(join(process.cwd(), 'ledger-b'));
  });

  it('names the usage for an unknown option and a --state without its folder', () => {
    expect(problem(() => startOptions(['--port', '9000'], {}, '/project'))).toBe(
      'Unknown option --port. Usage: npm start -- [--state <folder>] [--empty]',
    );
    expect(problem(() => startOptions(['--state'], {}, '/project'))).toMatch(/--state needs a folder/);
  });

  it('ignores an empty STRIPE_WEBHOOK_SECRETS (an unset shell variable) and says so', () => {
    const options = startOptions([], { STRIPE_WEBHOOK_SECRETS: ' , ' }, '/project');
    expect(options.secrets).toBeUndefined();
    expect(options.notices).toEqual(['STRIPE_WEBHOOK_SECRETS is empty: ignored, the saved secret is used.']);
  });
});

describe('STRIPE_WEBHOOK_SECRETS from the environment', () => {
  it('takes one or more whsec_ secrets, trimmed', () => {
    expect(parseWebhookSecrets(' whsec_abc123 , whsec_DEF_456 ')).toEqual(['whsec_abc123', 'whsec_DEF_456']);
  });

  it('refuses an API key pasted in its place, without echoing the key', () => {
    const key = 'sk_test_51NotARealKeyButLongEnough';
    const message = problem(() => parseWebhookSecrets(`whsec_abc123,${key}`));
    expect(message).toMatch(/^STRIPE_WEBHOOK_SECRETS: entry 2 \("sk_tes…"\) is an API key/);
    expect(message).toMatch(/nothing was saved\.$/);
    expect(message).not.toContain(key);
  });

  it('refuses quotes and inner spaces, which a copy from a .env file brings along', () => {
    expect(problem(() => parseWebhookSecrets('"whsec_abc123"'))).toMatch(/has quotes around it/);
    expect(problem(() => parseWebhookSecrets('whsec_abc 123'))).toMatch(
      /characters a signing secret never has/,
    );
  });

  it('is refused at start before any state is written', async () => {
    const dir = tempDir();
    const message = await rejection(start({ dir, secrets: 'rk_test_restricted_key_here' }));
    expect(message).toMatch(/is an API key/);
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
  });
});

describe('the state folder', () => {
  it('refuses a second emulator on the same folder, and lets one in after the first stops', async () => {
    const dir = tempDir();
    const first = await start({ dir });
    expect(await rejection(start({ dir }))).toMatch(
      new RegExp(
        `^Another emulator \\(process ${process.pid}\\) is using .*: stop it, or give this one a folder`,
      ),
    );
    await stop(first);
    expect((await start({ dir })).seeded).toBe(false);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(join(dir, 'emulator.lock'), dead);
    expect((await start({ dir })).seeded).toBe(true);
  });

  it('names a corrupt state file and how to move it away, and leaves it as it was', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.json'), '{"version": 1, "spreadsheet": ');
    const message = await rejection(start({ dir }));
    expect(message).toMatch(
      /state\.json cannot be read \(.+\): move it away for a fresh demo ledger, e\.g\. mv /,
    );
    expect(message).not.toContain('\n');
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('{"version": 1, "spreadsheet": ');
    expect(existsSync(join(dir, 'emulator.lock'))).toBe(false);
  });

  it('moves the state all ports once shared into the first port folder that starts', () => {
    const root = tempDir();
    writeFileSync(join(root, 'state.json'), '{"version":1}');
    const line = adoptSharedState(join(root, '8787'));
    expect(line).toMatch(/each port keeps its own spreadsheet now/);
    expect(readFileSync(join(root, '8787', 'state.json'), 'utf8')).toBe('{"version":1}');
    mkdirSync(join(root, '8788'));
    expect(adoptSharedState(join(root, '8788'))).toBeNull();
  });
});

describe('a port in use', () => {
  it('is named with the next port to try, before any state is made', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const dir = tempDir();
    try {
      expect(await rejection(start({ dir, port }))).toBe(
        `Port ${port} is in use (another emulator, or another program): stop it, or start on another port, ` +
          `e.g. PORT=${port + 1} npm start`,
      );
    } finally {
      taken.close();
    }
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
    expect(existsSync(join(dir, 'emulator.lock'))).toBe(false);
  });
});

describe('npm start itself', () => {
  function npmStart(env: Record<string, string>, args: string[] = []) {
    const run = spawnSync('npm', ['start', '--silent', '--', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: run.status, stderr: run.stderr.trim().split('\n').filter(Boolean) };
  }

  it('prints one line, no stack trace, and exits 1 for PORT=abc', () => {
    expect(npmStart({ PORT: 'abc' })).toEqual({
      status: 1,
      stderr: ['npm start: PORT must be a whole number from 1 to 65535, not "abc": e.g. PORT=8788 npm start'],
    });
  });

  it('prints one line for a corrupt state file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.json'), 'not json');
    const { status, stderr } = npmStart({ PORT: '8799' }, ['--state', dir]);
    expect(status).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^npm start: .*state\.json cannot be read/);
  });
});
