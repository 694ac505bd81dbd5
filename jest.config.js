// Two projects: unit tests beside the code (no database) and e2e tests through GraphQL
// on real PostgreSQL. `npm test` runs both.
const { compilerOptions } = require('./tsconfig.json');
const { readFileSync } = require('node:fs');
const { $schema, ...swcrc } = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);
// Aliases are rewritten by SWC itself, so they also resolve in globalSetup (which runs outside
// jest's module system and ignores moduleNameMapper).
const transform = {
  '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, jsc: { ...swcrc.jsc, baseUrl: __dirname, paths: compilerOptions.paths } }],
};

module.exports = {
  // e2e tests boot real processes; jest 30 reads the timeout from the top level only.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test', '<rootDir>/libs'],
      testMatch: ['**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
