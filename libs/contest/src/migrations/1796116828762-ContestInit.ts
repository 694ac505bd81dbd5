import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContestInit1796116828762 implements MigrationInterface {
  name = 'ContestInit1796116828762';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "contest"`);
    await queryRunner.query(`CREATE TABLE "contest"."contests" ("id" text NOT NULL, "holder_id" text NOT NULL, "title" text NOT NULL, "brief" text NOT NULL, "category" text NOT NULL, "category_key" text NOT NULL, "status" text NOT NULL, "prize_amount" bigint NOT NULL, "fee_amount" bigint NOT NULL DEFAULT '0', "currency" character(3) NOT NULL, "guaranteed" boolean NOT NULL, "blind" boolean NOT NULL, "max_finalists" integer NOT NULL, "qualifying_round_seconds" integer NOT NULL, "final_round_seconds" integer NOT NULL, "entries_numbered" integer NOT NULL DEFAULT '0', "declined_open_attempts" integer NOT NULL DEFAULT '0', "charge_id" text, "opened_at" TIMESTAMP WITH TIME ZONE, "qualifying_ends_at" TIMESTAMP WITH TIME ZONE, "finalist_selection_ends_at" TIMESTAMP WITH TIME ZONE, "final_round_ends_at" TIMESTAMP WITH TIME ZONE, "winner_selection_ends_at" TIMESTAMP WITH TIME ZONE, "winner_entry_id" text, "handover_asset_ids" text array, "handover_delivered_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "canceled_at" TIMESTAMP WITH TIME ZONE, "cancel_reason" text, "refunded_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "contests_open_has_charge" CHECK ("status" = 'DRAFT' OR "status" = 'CANCELED' OR "charge_id" IS NOT NULL), CONSTRAINT "contests_entry_counter_non_negative" CHECK ("entries_numbered" >= 0), CONSTRAINT "contests_max_finalists_range" CHECK ("max_finalists" BETWEEN 1 AND 10), CONSTRAINT "contests_fee_non_negative" CHECK ("fee_amount" >= 0), CONSTRAINT "contests_prize_positive" CHECK ("prize_amount" > 0), CONSTRAINT "contests_status_check" CHECK ("status" IN ('DRAFT', 'OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION', 'HANDOVER', 'COMPLETED', 'CANCELED')), CONSTRAINT "PK_0b8012f5cf6f444a52179e1227a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "contests_holder_idx" ON "contest"."contests"  ("holder_id", "id") `);
    await queryRunner.query(`CREATE INDEX "contests_category_idx" ON "contest"."contests"  ("category_key", "id") `);
    await queryRunner.query(`CREATE INDEX "contests_status_idx" ON "contest"."contests"  ("status", "id") `);
    await queryRunner.query(`CREATE TABLE "contest"."entries" ("id" text NOT NULL, "contest_id" text NOT NULL, "designer_id" text NOT NULL, "number" integer NOT NULL, "title" text, "description" text, "status" text NOT NULL, "rating" integer, "elimination_reason" text, "revisions" integer NOT NULL DEFAULT '1', "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "entries_number_positive" CHECK ("number" > 0), CONSTRAINT "entries_rating_range" CHECK ("rating" IS NULL OR "rating" BETWEEN 1 AND 5), CONSTRAINT "entries_status_check" CHECK ("status" IN ('ACTIVE', 'FINALIST', 'ELIMINATED', 'WITHDRAWN', 'WINNER')), CONSTRAINT "PK_23d4e7e9b58d9939f113832915b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "entries_designer_idx" ON "contest"."entries"  ("designer_id", "id") `);
    await queryRunner.query(`CREATE INDEX "entries_contest_status_idx" ON "contest"."entries"  ("contest_id", "status", "id") `);
    await queryRunner.query(`CREATE INDEX "entries_contest_idx" ON "contest"."entries"  ("contest_id", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "entries_contest_number_key" ON "contest"."entries"  ("contest_id", "number") `);
    await queryRunner.query(`CREATE TABLE "contest"."entry_revisions" ("id" text NOT NULL, "entry_id" text NOT NULL, "contest_id" text NOT NULL, "designer_id" text NOT NULL, "revision" integer NOT NULL, "note" text, "asset_ids" text array NOT NULL, "perceptual_hash" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_eda09643429c5b5ade534b03e48" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "entry_revisions_contest_idx" ON "contest"."entry_revisions"  ("contest_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "entry_revisions_entry_revision_key" ON "contest"."entry_revisions"  ("entry_id", "revision") `);
    await queryRunner.query(`CREATE TABLE "contest"."entry_similarities" ("entry_id" text NOT NULL, "similar_entry_id" text NOT NULL, "distance" integer NOT NULL, CONSTRAINT "entry_similarities_distance_range" CHECK ("distance" BETWEEN 0 AND 64), CONSTRAINT "PK_396617a6288eb4d9d01db580d72" PRIMARY KEY ("entry_id", "similar_entry_id"))`);
    await queryRunner.query(`CREATE TABLE "contest"."prize_awards" ("contest_id" text NOT NULL, "designer_id" text NOT NULL, "kind" text NOT NULL, "amount" bigint NOT NULL, "currency" character(3) NOT NULL, "payout_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "prize_awards_amount_positive" CHECK ("amount" > 0), CONSTRAINT "prize_awards_kind_check" CHECK ("kind" IN ('WINNER', 'SPLIT')), CONSTRAINT "PK_7aa7ea3925310aed7d696ce6212" PRIMARY KEY ("contest_id", "designer_id"))`);
    await queryRunner.query(`CREATE INDEX "prize_awards_designer_idx" ON "contest"."prize_awards"  ("designer_id") `);
  }

  async down(): Promise<void> {
    throw new Error('ContestInit1796116828762 is not reversible: restore from a backup');
  }
}
