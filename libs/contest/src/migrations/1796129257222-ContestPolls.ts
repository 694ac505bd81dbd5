import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContestPolls1796129257222 implements MigrationInterface {
  name = 'ContestPolls1796129257222';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "contest"`);
    await queryRunner.query(`CREATE TABLE "contest"."polls" ("id" text NOT NULL, "contest_id" text NOT NULL, "campaign_id" text, "question" text NOT NULL, "audience" text NOT NULL, "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "polls_backers_have_campaign" CHECK ("audience" = 'PUBLIC' OR "campaign_id" IS NOT NULL), CONSTRAINT "polls_audience_check" CHECK ("audience" IN ('PUBLIC', 'BACKERS')), CONSTRAINT "PK_b9bbb8fc7b142553c518ddffbb6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "polls_contest_idx" ON "contest"."polls"  ("contest_id", "id") `);
    await queryRunner.query(`CREATE TABLE "contest"."poll_options" ("poll_id" text NOT NULL, "entry_id" text NOT NULL, "position" integer NOT NULL, CONSTRAINT "poll_options_position_range" CHECK ("position" BETWEEN 1 AND 8), CONSTRAINT "PK_40fc55d95a22105e8c54f27c144" PRIMARY KEY ("poll_id", "entry_id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "poll_options_poll_position_key" ON "contest"."poll_options"  ("poll_id", "position") `);
    await queryRunner.query(`CREATE TABLE "contest"."poll_votes" ("poll_id" text NOT NULL, "voter_id" text NOT NULL, "entry_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0db5db5063bd72544c6ae8f8bb6" PRIMARY KEY ("poll_id", "voter_id"))`);
    await queryRunner.query(`CREATE INDEX "poll_votes_poll_entry_idx" ON "contest"."poll_votes"  ("poll_id", "entry_id") `);
  }

  async down(): Promise<void> {
    throw new Error('ContestPolls1796129257222 is not reversible: restore from a backup');
  }
}
