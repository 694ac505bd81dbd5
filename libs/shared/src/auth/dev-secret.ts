import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/app-config';

/**
 * In development a secret is generated once into DATA_DIR, so tokens survive restarts
 * without anyone having to invent a secret. Production requires it from the environment.
 */
export function readOrCreateDevSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, 'secrets', name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const secret = randomBytes(48).toString('base64url');
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      // Another process created it first: use theirs.
      return readFileSync(file, 'utf8').trim();
    }
  }
}

/** The server's signing secret: JWT_SECRET, or in development the one generated into DATA_DIR. */
export function serverSecret(config: Pick<AppConfig, 'jwtSecret' | 'dataDir'>): string {
  return config.jwtSecret ?? readOrCreateDevSecret(config.dataDir, 'jwt-secret');
}
