/**
 * The error codes the contract lets `extensions.code` carry. The contract itself
 * (../shared/api/contract.graphql) sits beside the repository, not in it, and the suite must
 * run from the repository alone, so the list lives here; `test/contract-codes.e2e-spec.ts`
 * fails when it and the contract's header disagree, wherever the contract is present.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CONTRACT_ERROR_CODES: readonly string[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'PAYMENT_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'INTERNAL_SERVER_ERROR',
];

/** Where the team keeps the contract, beside the repository (`.ci/run`'s last step reads it too). */
export const CONTRACT_PATH = path.resolve(__dirname, '..', '..', '..', 'shared', 'api', 'contract.graphql');

/** The codes the contract's header lists, or undefined where the contract is not beside the repository. */
export function contractHeaderErrorCodes(): string[] | undefined {
  if (!existsSync(CONTRACT_PATH)) return undefined;
  const list = /extensions\.code, one of:\s*([\s\S]*?)#\s+BAD_USER_INPUT errors/.exec(readFileSync(CONTRACT_PATH, 'utf8'));
  if (!list) throw new Error('The contract header no longer lists the error codes where the tests read them');
  return list[1].replace(/#/g, ' ').split(/\s+/).filter(Boolean);
}
