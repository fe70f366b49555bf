import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real influxd/broker processes; two cores are shared.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
