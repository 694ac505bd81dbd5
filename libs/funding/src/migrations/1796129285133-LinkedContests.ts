import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinkedContests1796129285133 implements MigrationInterface {
  name = 'LinkedContests1796129285133';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "funding"`);
    await queryRunner.query(`CREATE TABLE "funding"."contest_fundings" ("contest_id" text NOT NULL, "campaign_id" text NOT NULL, "prize_amount" bigint NOT NULL, "fee_amount" bigint NOT NULL, "currency" character(3) NOT NULL, "deducted_in" integer, "returned_at" TIMESTAMP WITH TIME ZONE, "returned_to" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "contest_fundings_returned_to_check" CHECK ("returned_to" IS NULL OR "returned_to" IN ('ESCROW', 'CREATOR')), CONSTRAINT "contest_fundings_fee_non_negative" CHECK ("fee_amount" >= 0), CONSTRAINT "contest_fundings_prize_positive" CHECK ("prize_amount" > 0), CONSTRAINT "PK_f132014b0b387bcf0a8b9301975" PRIMARY KEY ("contest_id"))`);
    await queryRunner.query(`CREATE INDEX "contest_fundings_campaign_idx" ON "funding"."contest_fundings"  ("campaign_id") `);
    await queryRunner.query(`CREATE TABLE "funding"."royalty_agreements" ("contest_id" text NOT NULL, "campaign_id" text NOT NULL, "bps" integer NOT NULL, "accrued" bigint NOT NULL DEFAULT '0', "settled" bigint NOT NULL DEFAULT '0', "paid_amount" bigint NOT NULL DEFAULT '0', "returned_amount" bigint NOT NULL DEFAULT '0', "winner_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "royalty_agreements_settled_le_accrued" CHECK ("settled" >= 0 AND "settled" <= "accrued"), CONSTRAINT "royalty_agreements_bps_range" CHECK ("bps" BETWEEN 1 AND 3000), CONSTRAINT "PK_1bcc3a4ed503f871950d1bc71b0" PRIMARY KEY ("contest_id"))`);
    await queryRunner.query(`CREATE INDEX "royalty_agreements_campaign_idx" ON "funding"."royalty_agreements"  ("campaign_id") `);
  }

  async down(): Promise<void> {
    throw new Error('LinkedContests1796129285133 is not reversible: restore from a backup');
  }
}
