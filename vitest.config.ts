import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Two cores: at most two test files at once; suites that start servers need generous timeouts.
export default defineConfig({
  resolve: {
    // One graphql instance: Vite would pick graphql's ESM build for our code while Apollo and
    // graphql-tools load the CommonJS one, and graphql-js refuses schemas from "another realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The PostgreSQL server of the run: DATABASE_URL's, else one embedded server for every file.
    globalSetup: ['test/support/database-server.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
