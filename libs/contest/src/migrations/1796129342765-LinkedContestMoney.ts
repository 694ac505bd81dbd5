import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinkedContestMoney1796129342765 implements MigrationInterface {
  name = 'LinkedContestMoney1796129342765';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "contest"`);
    await queryRunner.query(`ALTER TABLE "contest"."contests" ADD "winner_royalty_bps" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "contest"."contests" ADD "funded_from_campaign_id" text`);
    // An open contest was paid by card (charge_id) or from its holder's campaign (funded_from_campaign_id).
    await queryRunner.query(`ALTER TABLE "contest"."contests" DROP CONSTRAINT "contests_open_has_charge"`);
    await queryRunner.query(`ALTER TABLE "contest"."contests" ADD CONSTRAINT "contests_open_has_charge" CHECK ("status" = 'DRAFT' OR "status" = 'CANCELED' OR "charge_id" IS NOT NULL OR "funded_from_campaign_id" IS NOT NULL)`);
    await queryRunner.query(`ALTER TABLE "contest"."contests" ADD CONSTRAINT "contests_winner_royalty_range" CHECK ("winner_royalty_bps" BETWEEN 0 AND 3000 AND ("winner_royalty_bps" = 0 OR "campaign_id" IS NOT NULL))`);
  }

  async down(): Promise<void> {
    throw new Error('LinkedContestMoney1796129342765 is not reversible: restore from a backup');
  }
}
