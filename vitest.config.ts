import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the "source" export condition), so tests never
// depend on a previous build.
const conditions = ['source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'embedded-mongo',
          include: ['packages/embedded-mongo/src/**/*.test.ts', 'packages/embedded-mongo/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'rules',
          include: ['packages/rules/src/**/*.test.ts', 'packages/rules/test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'packages',
          include: ['packages/contracts/src/**/*.test.ts', 'packages/client/test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: { name: 'frontend', include: ['frontend/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'backend',
          include: ['backend/src/**/*.test.ts', 'test/integration/**/*.test.ts'],
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One browser journey at a time: two would fight over the two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
