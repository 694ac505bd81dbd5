/**
 * The ledger's named accounts (ARCHITECTURE.md, "Money"). A posting's amount is positive when
 * money goes into the account, negative when it leaves; `external:stripe` is the world outside
 * the platform, so money entering through the provider is a negative posting there.
 *
 * Pure and Nest-free.
 */

const ID = '[A-Za-z0-9_]{1,64}';
const ACCOUNT_PATTERNS: readonly RegExp[] = [
  /^external:stripe$/,
  /^platform:fees$/,
  new RegExp(`^campaign:${ID}:escrow$`),
  new RegExp(`^contest:${ID}:escrow$`),
  new RegExp(`^profile:${ID}:payable$`),
  new RegExp(`^payout:${ID}$`),
];

export const LedgerAccounts = {
  /** Money entering or leaving the platform through the payment provider (the sandbox too). */
  externalStripe: 'external:stripe',
  platformFees: 'platform:fees',
  campaignEscrow: (campaignId: string) => `campaign:${campaignId}:escrow`,
  contestEscrow: (contestId: string) => `contest:${contestId}:escrow`,
  /** What the platform owes a profile (a creator's funds, a designer's prize) until it is paid out. */
  profilePayable: (profileId: string) => `profile:${profileId}:payable`,
  /** Money on its way to a payout account. */
  payout: (payoutId: string) => `payout:${payoutId}`,
} as const;

export function isLedgerAccount(account: string): boolean {
  return ACCOUNT_PATTERNS.some((pattern) => pattern.test(account));
}

export function isEscrowAccount(account: string): boolean {
  return /^(campaign|contest):[^:]+:escrow$/.test(account);
}

/**
 * Accounts whose balance may never go below zero: escrow holds backers' and holders' money,
 * and nothing can leave it that did not enter it first. Enforced by the service under a row
 * lock and by a CHECK on payments.account_balances (the same pattern, in SQL).
 */
export function mustStayNonNegative(account: string): boolean {
  return isEscrowAccount(account);
}
