/**
 * A PostgreSQL server for throwaway databases: the test suite and the schema tooling use it.
 * DATABASE_URL's server when set (databases are created beside it), otherwise an ephemeral
 * embedded cluster in a folder of the system temp folder (fsync off), removed when stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface ScratchServer {
  /** A URL of this server with another database name. */
  urlFor(database: string): string;
  createDatabase(name: string, template?: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function openScratchServer(
  options: { databaseUrl?: string; log?: (message: string) => void; notice?: (message: string) => void } = {},
): Promise<ScratchServer> {
  let baseUrl: string;
  let stopServer: () => Promise<void> = async () => undefined;
  if (options.databaseUrl) {
    baseUrl = options.databaseUrl;
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foule-pg-'));
    let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
    try {
      server = await startEmbeddedPostgres({
        dataDir: path.join(dir, 'pg'),
        password: randomBytes(16).toString('hex'),
        database: 'postgres',
        ephemeral: true,
        log: options.log,
        notice: options.notice,
      });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    baseUrl = server.url;
    stopServer = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return {
    urlFor: (database) => withDatabase(baseUrl, database),
    async createDatabase(name, template) {
      // Two copies of one template at the same moment collide ("being accessed by other users"): retry.
      for (let attempt = 0; ; attempt++) {
        try {
          await adminQuery(baseUrl, `CREATE DATABASE ${quote(name)}${template ? ` TEMPLATE ${quote(template)}` : ''}`);
          return withDatabase(baseUrl, name);
        } catch (error) {
          if (attempt >= 30 || !/being accessed by other users/.test(String(error))) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
        }
      }
    },
    async dropDatabase(name) {
      await adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
    },
    stop: () => stopServer(),
  };
}

export function scratchDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
