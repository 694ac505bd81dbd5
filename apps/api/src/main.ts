/**
 * The api's entry (`npm start`, the Docker image, the tests). Starts serve.ts, from the one-file
 * bundle that `node scripts/build.mjs` makes of it (main.bundle.js beside this file) when there is
 * one: loading the api's ~1,800 files one by one (resolving, reading and compiling each) was most
 * of a boot (issue 13). Without the bundler (a production install without devDependencies), the
 * build leaves no bundle and the same code runs from its files.
 */
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import path from 'node:path';

// V8's compiled code of the bundle, kept between runs: a boot then compiles only what changed since
// the last. In node_modules/.cache beside jest's, not in the temp folder (runs leave nothing there);
// where that is read-only (the Docker image), Node goes on without a cache.
enableCompileCache(path.resolve(__dirname, '..', '..', '..', '..', 'node_modules', '.cache', 'node-compile-cache'));

// Loaded by require, not import: which of the two is known only here, and each starts the api as it loads.
const bundle = path.join(__dirname, 'main.bundle.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (existsSync(bundle)) require(bundle);
// eslint-disable-next-line @typescript-eslint/no-require-imports
else require('./serve');
