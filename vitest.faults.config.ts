import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: the fault suite alone (kept out of `npm test`'s run so CI runs it once, with its summary). */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
