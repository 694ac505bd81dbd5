import type { EntityManager } from 'typeorm';

/**
 * Serializes, per recipient, creating payouts and changing the recipient's payout account
 * (transaction-scoped advisory lock). Without it a payout committed while the account was
 * being enabled could be missed by both: the payout saw "not enabled", the enabling saw no
 * payout. With it, whichever commits second sees the other's write.
 */
export async function lockRecipient(manager: EntityManager, profileId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('foule.payments.recipient'), hashtext($1))`, [profileId]);
}
