import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests start their own brokers on free ports; two at a time keeps a 2-core box honest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
