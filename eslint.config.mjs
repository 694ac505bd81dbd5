// ESLint flat config: typescript-eslint with type information (projectService reads
// tsconfig.json), plus the house rules on module boundaries. `npm run lint`.
import js from '@eslint/js';
import path from 'node:path';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// Node's globals for the few plain JavaScript files (build script, jest config).
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'structuredClone',
    'fetch',
    'AbortController',
  ].map((name) => [name, 'readonly']),
);
const commonJsGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
};

/**
 * A relative import written in a lib must stay inside that lib, and no app reaches into a
 * lib by a relative path: a lib is reached through its public surface, `@foule/<name>`.
 * Resolves the specifier against the file, so the depth of the file does not matter.
 */
const noRelativeImportAcrossProjects = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      crossing:
        "'{{source}}' climbs out of {{from}} into {{to}}; import another lib as @foule/<name> (its index.ts), never by a relative path.",
    },
  },
  create(context) {
    const projectOf = (file) => {
      const parts = path.relative(root, file).split(path.sep);
      return (parts[0] === 'libs' || parts[0] === 'apps') && parts.length > 2 ? `${parts[0]}/${parts[1]}` : null;
    };
    const from = projectOf(context.filename);
    if (!from) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = projectOf(path.resolve(path.dirname(context.filename), source));
      // Apps may share code with each other (the worker reuses the api's wiring); libs may not leave.
      const crossesIntoLib = to !== from && (from.startsWith('libs/') || to?.startsWith('libs/'));
      if (crossesIntoLib)
        context.report({ node: node.source, messageId: 'crossing', data: { source, from, to: to ?? 'the repository root' } });
    };
    return { ImportDeclaration: check, ExportAllDeclaration: check, ExportNamedDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'dist-testing/**', 'test/documents/graphql.ts', 'apps/web/src/graphql.ts', 'node_modules/**', 'coverage/**', '.data/**', 'schema.gql', '**/*.d.ts'],
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { ecmaVersion: 2023, globals: nodeGlobals },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }] },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    plugins: { foule: { rules: { 'no-relative-import-across-projects': noRelativeImportAcrossProjects } } },
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: root,
        // Nest DI and TypeORM/GraphQL decorators read constructor and property types at
        // run time (decorator metadata): imports used there must stay value imports.
        // With these, consistent-type-imports leaves files with decorators alone.
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Nest modules are classes with only decorators, and marker classes are common.
      '@typescript-eslint/no-extraneous-class': 'off',
      // Stacked case labels may carry a comment between them (tsc's noFallthroughCasesInSwitch
      // still rejects a non-empty case that falls through).
      'no-fallthrough': ['error', { allowEmptyCase: true }],
      // Templates with numbers and the like are fine; objects are not.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      // `any` from JSON, GraphQL responses and third-party callbacks is checked at the boundary
      // by validation, not by the linter; these are warnings-as-noise on a Nest codebase.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/libs/*', '**/libs/*/**', 'libs/**'],
              message: 'Import a lib as @foule/<name> (its index.ts), never by its path.',
            },
            {
              group: ['@foule/*/src', '@foule/*/src/**'],
              message: 'Import a lib through its public surface, @foule/<name>, not its internals.',
            },
          ],
        },
      ],
      'foule/no-relative-import-across-projects': 'error',
    },
  },
  {
    // TypeORM answers UPDATE and DELETE with [rows, rowCount], SELECT and INSERT with rows: read
    // by hand, a conditional UPDATE that matched nothing looks like a match (it once collected a
    // pledge twice). updateReturning (@foule/shared) reads it, and checks it is that shape.
    // (bench/ and test/ talk to PostgreSQL through pg itself, whose results carry rowCount.)
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query'][arguments.0.type='Literal'][arguments.0.value=/^\\s*(UPDATE|DELETE)\\b/i]",
          message: 'Run UPDATE and DELETE through updateReturning (@foule/shared): it returns the affected rows.',
        },
        {
          selector: "CallExpression[callee.property.name='query'][arguments.0.type='TemplateLiteral'][arguments.0.quasis.0.value.raw=/^\\s*(UPDATE|DELETE)\\b/i]",
          message: 'Run UPDATE and DELETE through updateReturning (@foule/shared): it returns the affected rows.',
        },
        {
          selector: "VariableDeclarator[id.type='ArrayPattern'][id.elements.0=null] > AwaitExpression > CallExpression[callee.property.name='query']",
          message: "Do not destructure a query's raw [rows, rowCount]: use updateReturning (@foule/shared), which returns the affected rows.",
        },
      ],
    },
  },
  {
    // Libs never depend on the applications that host them.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/libs/*', '**/libs/*/**', 'libs/**'],
              message: 'Import a lib as @foule/<name> (its index.ts), never by its path.',
            },
            {
              group: ['@foule/*/src', '@foule/*/src/**'],
              message: 'Import a lib through its public surface, @foule/<name>, not its internals.',
            },
            { group: ['**/apps/**', 'apps/**'], message: 'Libs never import apps.' },
          ],
        },
      ],
    },
  },
  {
    // The web client (apps/web): browser TypeScript and TSX, typed by its own tsconfig.
    files: ['apps/web/**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    // The project service finds apps/web/tsconfig.json, the nearest to each file.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  {
    // Tests may use non-null assertions, loose mocks and untyped GraphQL responses freely.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
