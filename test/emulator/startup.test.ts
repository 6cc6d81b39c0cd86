// A newcomer's first minute: in a copy of the project (as a fresh clone would be, node_modules linked in place of
// `npm ci`), `npm start` must serve GET / within 10 s, with dist/ already built and with it missing.

import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/emulator/server';

const LEFT_OUT = new Set(['node_modules', 'dist', '.emulator', '.git', 'coverage']);
let clone: string;

beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'emulator-clone-'));
  cpSync(PROJECT_ROOT, clone, {
    recursive: true,
    filter: (source) => source === PROJECT_ROOT || !LEFT_OUT.has(basename(source)),
  });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
});

afterAll(() => rmSync(clone, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Milliseconds from spawning `npm start` to the first 200 on GET /. */
async function timeToFirstPage(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: clone,
    env: { ...process.env, PORT: String(port), STRIPE_WEBHOOK_SECRETS: undefined },
    stdio: 'ignore',
    detached: true,
  });
  try {
    while (performance.now() - started < 20_000) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/`)).status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('npm start did not serve GET / within 20 s');
  } finally {
    // npm starts tsx, which starts node: end the whole group this test started.
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
}

describe('npm start on a fresh clone', () => {
  it('builds the missing dist/ and serves the demo ledger within 10 s', async () => {
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    const ms = await timeToFirstPage();
    console.log(`npm start with dist/ missing: first 200 on GET / after ${Math.round(ms)} ms`);
    expect(existsSync(join(clone, 'dist', 'Code.js'))).toBe(true);
    expect(ms).toBeLessThan(10_000);
  });

  it('serves within 10 s when dist/ is already built', async () => {
    rmSync(join(clone, '.emulator'), { recursive: true, force: true });
    const ms = await timeToFirstPage();
    console.log(`npm start with dist/ built: first 200 on GET / after ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(10_000);
  });
});
