// `npm run start:dev`: the api, rebuilt (scripts/build.mjs, SWC) and restarted whenever a file
// under apps/ or libs/ changes. The embedded PostgreSQL is started once, here, and handed to each
// api process as DATABASE_URL, so a restart costs a rebuild and a Nest boot, not a database start
// (with DATABASE_URL set, that server is used as is). Each restart prints how long it took from
// the change to the api answering /health.
import { spawn, spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'dist', 'apps', 'api', 'src', 'main.js');
const watched = ['apps', 'libs'].map((dir) => path.join(root, dir));
/** Changes closer together than this (an editor saving several files) make one restart. */
const SETTLE_MS = 100;
const READY_DEADLINE_MS = 60_000;

const say = (message) => console.error(`[dev] ${message}`);
const build = () =>
  // Without the api's bundle: bundling takes seconds, more than it saves a restart (main.js then loads the files).
  spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--no-bundle'], { cwd: root, stdio: 'inherit' }).status === 0;

if (!build()) process.exit(1);
// The product's own config and database start (DATA_DIR, the generated password, Ctrl-C
// handling of the embedded server), from the build just made.
const require = createRequire(import.meta.url);
require('reflect-metadata');
const { loadConfigOrExit, openDatabase } = require(path.join(root, 'dist', 'apps', 'api', 'src', 'bootstrap.js'));
const { createLogger } = require(path.join(root, 'dist', 'libs', 'shared', 'src', 'index.js'));
const config = loadConfigOrExit();
const database = await openDatabase(config, createLogger(config.logLevel));

let api = null;
let stopping = false;

/** Resolves once the api answers /health, or gives up at the deadline (the api logs why). */
async function untilReady(child) {
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    const healthy = await fetch(`http://127.0.0.1:${config.port}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** Starts the api; after a change, says how long the restart took, step by step. */
function startApi(restart) {
  const booting = Date.now();
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: database.url },
  });
  api = child;
  void untilReady(child).then((ready) => {
    if (!ready || !restart) return;
    const now = Date.now();
    say(
      `restarted in ${now - restart.changedAt} ms from the change to /health answering ` +
        `(old api stopped in ${restart.stopMs} ms, built in ${restart.buildMs} ms, new api up in ${now - booting} ms)`,
    );
  });
}

function stopApi() {
  const child = api;
  api = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

let timer = null;
let changedAt = 0;
let restarting = Promise.resolve();
function onChange() {
  changedAt ||= Date.now();
  clearTimeout(timer);
  timer = setTimeout(() => {
    const since = changedAt;
    changedAt = 0;
    restarting = restarting.then(async () => {
      if (stopping) return;
      const stopStarted = Date.now();
      await stopApi();
      const buildStarted = Date.now();
      if (!build()) return say('build failed; waiting for the next change');
      startApi({ changedAt: since, stopMs: buildStarted - stopStarted, buildMs: Date.now() - buildStarted });
    });
  }, SETTLE_MS);
}

for (const dir of watched)
  watch(dir, { recursive: true }, (_event, file) => file?.endsWith('.ts') && !file.endsWith('.spec.ts') && onChange());
startApi(null);
say(`watching ${watched.map((dir) => path.relative(root, dir)).join(' and ')}; Ctrl-C stops the api and the database`);

async function shutdown() {
  if (stopping) return;
  stopping = true;
  clearTimeout(timer);
  await restarting;
  await stopApi();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
