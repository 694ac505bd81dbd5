import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Every resolver declares who may call it, and every root field of the schema is covered. */
describe('access declarations', () => {
  it('finds no resolver without @Public, @SignedIn or @Roles, and no root field outside the audit', () => {
    const script = path.resolve(__dirname, '..', 'dist', 'scripts', 'access-audit.js');
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/access audit: \d+ resolvers \(\d+ root fields of the schema\), each declares who may call it/);
  });
});
