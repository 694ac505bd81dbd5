// Module boundaries, checked by `npm run deps` (part of `npm run check` and CI).
// A lib's public surface is its index.ts (`@foule/<name>`); everything else in it is internal.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-through-index-only',
      comment:
        'A lib may use another lib only through its public surface, libs/<name>/src/index.ts (imported as @foule/<name>). ' +
        'Export what you need from that index.ts, or ask the owning module for a facade method.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: {
        path: '^libs/[^/]+/',
        pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$', '^libs/[^/]+/testing/index\\.ts$'],
      },
    },
    {
      name: 'app-through-index-only',
      comment: 'Apps use libs only through their public surface, libs/<name>/src/index.ts (imported as @foule/<name>).',
      severity: 'error',
      from: { path: '^apps/' },
      to: {
        path: '^libs/[^/]+/',
        pathNot: ['^libs/[^/]+/src/index\\.ts$', '^libs/[^/]+/testing/index\\.ts$'],
      },
    },
    {
      name: 'product-not-to-testing',
      comment:
        'Product code (apps/*/src, libs/*/src, minus unit tests) never imports testing code: test/, a testing/ folder ' +
        '(e.g. @foule/payments/testing) or a *.spec.ts. The production build leaves testing code out, so such an ' +
        'import would break `npm start` and the Docker image.',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: ['\\.(e2e-)?spec\\.ts$', '/testing/'] },
      to: { path: ['^test/', '(^|/)testing/', '\\.(e2e-)?spec\\.ts$'] },
    },
    {
      name: 'lib-not-to-app',
      comment: 'Libs never import apps: apps compose libs, not the other way round.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular-between-libs',
      comment:
        'Libs must not depend on each other in a cycle. Break it with a domain event, or by moving the shared piece ' +
        'down into the lib both depend on (usually @foule/shared).',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: '^libs/$1/', circular: true },
    },
    {
      name: 'no-circular-between-folders',
      comment:
        'The folders inside one lib or app (campaigns/, pledges/, settlement/, shared/, ...) must not depend on each other in a ' +
        'cycle: each folder is a layer that only uses the layers below it. Move the shared piece down (into the folder both use) ' +
        'or have the upper folder pass it in. A lib\'s testing/ folder is not a layer (unit tests beside the code use it).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(apps|libs)/[^/]+/src/[^/]+' },
      to: { circular: true, pathNot: '^libs/[^/]+/testing$' },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that cannot be resolved: a typo, a package missing from package.json, or a path alias that is not in tsconfig.json ' +
        '(in which case the boundary rules above would not see it).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular-within-a-module',
      comment: 'A cycle inside one app or lib: allowed (entity relations need them), but worth knowing about.',
      severity: 'info',
      from: { path: '^((apps|libs)/[^/]+)/' },
      to: { path: '^$1/', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|dist-testing|node_modules|coverage|\\.data)/' },
    // Type-only imports cross boundaries too.
    tsPreCompilationDeps: true,
    // Resolves the @foule/* path aliases.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
