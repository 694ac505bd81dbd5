import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddOns1796120995538 implements MigrationInterface {
  name = 'AddOns1796120995538';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "funding"`);
    await queryRunner.query(`CREATE TABLE "funding"."add_ons" ("id" text NOT NULL, "campaign_id" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL, "price" bigint NOT NULL, "quantity_limit" integer, "claimed" integer NOT NULL DEFAULT '0', "max_per_pledge" integer NOT NULL, "tier_ids" text array NOT NULL DEFAULT '{}', "removed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "add_ons_claimed_within_limit" CHECK ("claimed" >= 0 AND ("quantity_limit" IS NULL OR "claimed" <= "quantity_limit")), CONSTRAINT "add_ons_max_per_pledge_positive" CHECK ("max_per_pledge" >= 1), CONSTRAINT "add_ons_price_positive" CHECK ("price" > 0), CONSTRAINT "PK_16b0b20fb9aec455ea78e6065cb" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "add_ons_campaign_idx" ON "funding"."add_ons"  ("campaign_id") `);
    await queryRunner.query(`CREATE TABLE "funding"."pledge_add_ons" ("pledge_id" text NOT NULL, "add_on_id" text NOT NULL, "quantity" integer NOT NULL, CONSTRAINT "pledge_add_ons_quantity_positive" CHECK ("quantity" >= 1), CONSTRAINT "PK_640728bb9616717a2248cfdf268" PRIMARY KEY ("pledge_id", "add_on_id"))`);
    await queryRunner.query(`CREATE INDEX "pledge_add_ons_add_on_idx" ON "funding"."pledge_add_ons"  ("add_on_id") `);
  }

  async down(): Promise<void> {
    throw new Error('AddOns1796120995538 is not reversible: restore from a backup');
  }
}
