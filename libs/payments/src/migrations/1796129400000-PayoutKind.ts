import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payout.kind (issue #10): existing payouts take the kind of their source (a contest's is its prize, a campaign's its funds). */
export class PayoutKind1796129400000 implements MigrationInterface {
  name = 'PayoutKind1796129400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payments"."payouts" ADD "kind" text`);
    // eslint-disable-next-line no-restricted-syntax -- a migration's backfill; no rows to return
    await queryRunner.query(`UPDATE "payments"."payouts" SET "kind" = CASE WHEN "source_id" LIKE 'ctt\\_%' THEN 'CONTEST_PRIZE' ELSE 'CAMPAIGN_FUNDS' END`);
    await queryRunner.query(`ALTER TABLE "payments"."payouts" ALTER COLUMN "kind" SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "payments"."payouts" ADD CONSTRAINT "payouts_kind_check" CHECK ("kind" IN ('CAMPAIGN_FUNDS', 'CONTEST_PRIZE', 'ROYALTY'))`,
    );
  }

  async down(): Promise<void> {
    throw new Error('PayoutKind1796129400000 is not reversible: restore from a backup');
  }
}
