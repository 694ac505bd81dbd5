import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FundingInit1795721193914 implements MigrationInterface {
  name = 'FundingInit1795721193914';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "funding"`);
    await queryRunner.query(`CREATE TABLE "funding"."campaigns" ("id" text NOT NULL, "slug" text NOT NULL, "title" text NOT NULL, "blurb" text NOT NULL, "description" text NOT NULL, "category" text NOT NULL, "category_key" text NOT NULL, "creator_id" text NOT NULL, "status" text NOT NULL, "funding_model" text NOT NULL, "goal_amount" bigint NOT NULL, "currency" character(3) NOT NULL, "deadline" TIMESTAMP WITH TIME ZONE NOT NULL, "launched_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "cancel_reason" text, "charges_completed_at" TIMESTAMP WITH TIME ZONE, "retry_window_ends_at" TIMESTAMP WITH TIME ZONE, "payouts_made" integer NOT NULL DEFAULT '0', "paid_out_amount" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "campaigns_paid_out_non_negative" CHECK ("paid_out_amount" >= 0), CONSTRAINT "campaigns_goal_positive" CHECK ("goal_amount" > 0), CONSTRAINT "campaigns_funding_model_check" CHECK ("funding_model" IN ('ALL_OR_NOTHING', 'FLEXIBLE')), CONSTRAINT "campaigns_status_check" CHECK ("status" IN ('DRAFT', 'LIVE', 'SUCCESSFUL', 'FAILED', 'CANCELED')), CONSTRAINT "PK_831e3fcd4fc45b4e4c3f57a9ee4" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "campaigns_slug_key" ON "funding"."campaigns"  ("slug") `);
    await queryRunner.query(`CREATE INDEX "campaigns_category_idx" ON "funding"."campaigns"  ("category_key", "id") `);
    await queryRunner.query(`CREATE INDEX "campaigns_creator_idx" ON "funding"."campaigns"  ("creator_id", "id") `);
    await queryRunner.query(`CREATE INDEX "campaigns_status_idx" ON "funding"."campaigns"  ("status", "id") `);
    await queryRunner.query(`CREATE TABLE "funding"."reward_tiers" ("id" text NOT NULL, "campaign_id" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL, "minimum" bigint NOT NULL, "quantity_limit" integer, "claimed" integer NOT NULL DEFAULT '0', "estimated_delivery" TIMESTAMP WITH TIME ZONE, "removed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "reward_tiers_claimed_within_limit" CHECK ("claimed" >= 0 AND ("quantity_limit" IS NULL OR "claimed" <= "quantity_limit")), CONSTRAINT "reward_tiers_minimum_positive" CHECK ("minimum" > 0), CONSTRAINT "PK_17a79352b81d0e35ad2f098de02" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "reward_tiers_campaign_idx" ON "funding"."reward_tiers"  ("campaign_id") `);
    await queryRunner.query(`CREATE TABLE "funding"."stretch_goals" ("id" text NOT NULL, "campaign_id" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL, "target" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4026c001a6eb4fa708292747c04" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "stretch_goals_campaign_idx" ON "funding"."stretch_goals"  ("campaign_id") `);
    await queryRunner.query(`CREATE TABLE "funding"."campaign_updates" ("id" text NOT NULL, "campaign_id" text NOT NULL, "author_id" text NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "backers_only" boolean NOT NULL DEFAULT false, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b71a35795a604f444d19bb91fe8" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "campaign_updates_campaign_idx" ON "funding"."campaign_updates"  ("campaign_id", "id") `);
    await queryRunner.query(`CREATE TABLE "funding"."pledges" ("id" text NOT NULL, "campaign_id" text NOT NULL, "backer_id" text NOT NULL, "tier_id" text, "amount" bigint NOT NULL, "currency" character(3) NOT NULL, "status" text NOT NULL, "failure_reason" text, "failed_attempts" integer NOT NULL DEFAULT '0', "customer_id" text, "payment_method_id" text, "charge_id" text, "collected_at" TIMESTAMP WITH TIME ZONE, "paid_out_in" integer, "refund_requested_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pledges_collected_has_charge" CHECK ("status" NOT IN ('COLLECTED', 'REFUNDED') OR "charge_id" IS NOT NULL), CONSTRAINT "pledges_amount_positive" CHECK ("amount" > 0), CONSTRAINT "pledges_status_check" CHECK ("status" IN ('PENDING', 'COLLECTED', 'PAYMENT_FAILED', 'DROPPED', 'CANCELED', 'REFUNDED')), CONSTRAINT "PK_cbc41e4e1ba6b2690543f158d22" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "pledges_tier_idx" ON "funding"."pledges"  ("tier_id") `);
    await queryRunner.query(`CREATE INDEX "pledges_backer_idx" ON "funding"."pledges"  ("backer_id", "id") `);
    await queryRunner.query(`CREATE INDEX "pledges_campaign_idx" ON "funding"."pledges"  ("campaign_id", "id") `);
    await queryRunner.query(`CREATE INDEX "pledges_campaign_status_idx" ON "funding"."pledges"  ("campaign_id", "status", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "pledges_one_live_per_backer" ON "funding"."pledges"  ("campaign_id", "backer_id") WHERE "status" IN ('PENDING', 'COLLECTED', 'PAYMENT_FAILED')`);

    // Written by hand: what the entities cannot say. The title search (lower(title) LIKE
    // '%word%') is served by a trigram index; pg_trgm is a trusted extension (PostgreSQL 13+).
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await queryRunner.query(`CREATE INDEX "campaigns_title_trgm_idx" ON "funding"."campaigns" USING gin (lower("title") public.gin_trgm_ops)`);
  }

  async down(): Promise<void> {
    throw new Error('FundingInit1795721193914 is not reversible: restore from a backup');
  }
}
