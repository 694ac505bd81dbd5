/**
 * The error codes the contract lets `extensions.code` carry, read from the contract's own header
 * (../shared/api/contract.graphql), so no test keeps a copy that could drift from it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

function contractErrorCodes(): string[] {
  const header = readFileSync(path.resolve(__dirname, '..', '..', '..', 'shared', 'api', 'contract.graphql'), 'utf8');
  const list = /extensions\.code, one of:\s*([\s\S]*?)#\s+BAD_USER_INPUT errors/.exec(header);
  if (!list) throw new Error('The contract header no longer lists the error codes where the tests read them');
  return list[1].replace(/#/g, ' ').split(/\s+/).filter(Boolean);
}

export const CONTRACT_ERROR_CODES: readonly string[] = contractErrorCodes();
