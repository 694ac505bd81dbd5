/**
 * The tests' list of the contract's error codes (test/support/contract-codes.ts) against the
 * contract's own header, where the contract sits beside the repository (it does in CI); a
 * clone on its own skips this, saying why.
 */
import { CONTRACT_ERROR_CODES, CONTRACT_PATH, contractHeaderErrorCodes } from './support/contract-codes';

const fromContract = contractHeaderErrorCodes();

describe('the contract error codes the tests hold', () => {
  (fromContract ? it : it.skip)(`equal the list in the contract's header (${CONTRACT_PATH})`, () => {
    expect(CONTRACT_ERROR_CODES).toEqual(fromContract);
  });
  if (!fromContract) it.todo(`compare with the contract: it is not beside the repository at ${CONTRACT_PATH}`);
});
