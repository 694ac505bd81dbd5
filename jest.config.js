// Two projects: unit tests beside the code (no database) and e2e tests through GraphQL
// on real PostgreSQL. `npm test` runs both.
const { compilerOptions } = require('./tsconfig.json');
const { readFileSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { $schema, ...swcrc } = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);
// Aliases are rewritten by SWC itself, so they also resolve in globalSetup (which runs outside
// jest's module system and ignores moduleNameMapper).
// Jest's transform cache in the project, not in the temp folder (test runs leave nothing there);
// a project's option, so each project sets it.
const cacheDirectory = `${__dirname}/node_modules/.cache/jest`;
const transform = {
  '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, jsc: { ...swcrc.jsc, baseUrl: __dirname, paths: compilerOptions.paths } }],
};

// `npm run test:unit` / `test:e2e` pick a project through JEST_PROJECT rather than
// --selectProjects, whose list would swallow a test path given after it
// (`npm run test:e2e -- test/files.e2e-spec.ts` would run every e2e file).
const onlyProject = process.env.JEST_PROJECT;

module.exports = {
  // e2e tests boot real processes; jest 30 reads the timeout from the top level only.
  testTimeout: 60000,
  // At least two files at a time: an e2e file mostly waits (on its api process, deadlines,
  // job polls), so two share 2 cores well, where jest's default (cores - 1) would run one.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
      cacheDirectory,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test', '<rootDir>/libs'],
      // e2e: the built api as a child process; medium: real services in-process on a real database.
      testMatch: ['**/*.e2e-spec.ts', '**/*.medium-spec.ts'],
      moduleNameMapper,
      transform,
      cacheDirectory,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/retry-in-ci.ts'],
    },
  ].filter((project) => !onlyProject || project.displayName === onlyProject),
};
