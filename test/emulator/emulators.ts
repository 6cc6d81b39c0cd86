// Emulators started by a test file, each in a temporary state folder, all closed and removed after each test.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../scripts/emulator/server';

export interface Emulators {
  start(options?: Partial<EmulatorOptions>): Promise<Emulator>;
  /** Closes one emulator now, e.g. to restart another in its folder. */
  stop(emulator: Emulator): Promise<void>;
  tempDir(): string;
}

export function useEmulators(): Emulators {
  const running: Emulator[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-test-'));
    folders.push(dir);
    return dir;
  };
  return {
    tempDir,
    async start(options = {}) {
      const emulator = await startEmulator({ port: 0, ...options, dir: options.dir ?? tempDir() });
      running.push(emulator);
      return emulator;
    },
    async stop(emulator) {
      running.splice(running.indexOf(emulator), 1);
      await emulator.close();
    },
  };
}
