/**
 * `NODE_ENV=production` as an operator runs it, on an empty embedded database: the schema is not
 * handed out, Express does not announce itself, the demo crowd (whose password is published) is
 * never seeded, and a guessable JWT_SECRET stops the boot.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print, type DocumentNode } from 'graphql';
import { ProfileIdDocument } from './documents/graphql';
import { freePort } from './support/test-app';

const MAIN = path.resolve(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

function productionEnv(dataDir: string, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    ...extra,
  };
  // Exactly what an operator's shell would hold: no database URL (embedded), no seed setting.
  delete env.DATABASE_URL;
  delete env.SEED_DEMO;
  delete env.FOULE_TEST_TEMPLATE;
  return env;
}

describe('production mode', () => {
  let dataDir: string;
  let api: ChildProcess;
  let baseUrl: string;
  let output = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'foule-production-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, [MAIN], { env: productionEnv(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] });
    api.stdout!.on('data', (chunk) => (output += chunk));
    api.stderr!.on('data', (chunk) => (output += chunk));
    // "Foule is ready" is logged after the demo seed would have run, so waiting for it is enough
    // to see whether the seed ran.
    const deadline = Date.now() + 60_000;
    while (!output.includes('Foule is ready at') && Date.now() < deadline && api.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!output.includes('Foule is ready at')) throw new Error(`the production api did not start:\n${output}`);
  }, 90_000);

  afterAll(async () => {
    if (api && api.exitCode === null && api.signalCode === null) {
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** One of test/documents' documents, or a string for those this file sends deliberately wrong. */
  const gql = async (document: string | DocumentNode, variables?: Record<string, unknown>) => {
    const query = typeof document === 'string' ? document : print(document);
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return {
      response,
      body: (await response.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] },
    };
  };

  it('refuses introspection', async () => {
    // A string on purpose: introspection, which production refuses.
    const { body } = await gql('{ __schema { queryType { name } types { name } } }');
    expect(body.data?.__schema).toBeUndefined();
    expect(body.errors?.[0].message).toMatch(/introspection/i);
    expect(body.errors?.[0].extensions.code).toBeDefined();
  });

  it('does not suggest field names in validation errors', async () => {
    // A string on purpose: a misspelt field.
    const { body } = await gql('{ profil(handle: "ada") { id } }');
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.errors![0].message).toMatch(/profil/);
    expect(JSON.stringify(body.errors)).not.toMatch(/Did you mean/i);
  });

  it('sends no X-Powered-By header on any response', async () => {
    const responses = [
      (await gql(ProfileIdDocument, { handle: 'nobody' })).response,
      await fetch(`${baseUrl}/health`),
      await fetch(`${baseUrl}/ready`),
      await fetch(`${baseUrl}/no-such-path`),
      await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 404, 400]);
    for (const response of responses) expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('never seeds the demo crowd into an empty database', async () => {
    for (const handle of ['ada', 'bea', 'cyril', 'dina']) {
      const { body } = await gql(ProfileIdDocument, { handle });
      expect(body.errors).toBeUndefined();
      expect(body.data.profile).toBeNull();
    }
    expect(output).not.toMatch(/foule-demo-password/);
  });

  it('stops the boot when JWT_SECRET is guessable, saying what it needs', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: productionEnv(dataDir, 0, { JWT_SECRET: 'x' }),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/JWT_SECRET is too weak .*at least 32 bytes of entropy/);
  });

  it('refuses SEED_DEMO=true', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...productionEnv(dataDir, 0), SEED_DEMO: 'true' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/SEED_DEMO creates accounts with a published password/);
  });
});
