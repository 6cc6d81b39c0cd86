import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Vitest leaves a core free by default, which on a 2-core CI machine means one file at a time (415 s against
    // 195 s): the fault campaign and the burst simulation are CPU-bound and share the cores well.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
