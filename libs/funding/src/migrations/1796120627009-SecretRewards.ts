import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SecretRewards1796120627009 implements MigrationInterface {
  name = 'SecretRewards1796120627009';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "funding"`);
    await queryRunner.query(`CREATE TABLE "funding"."secret_reward_reveals" ("campaign_id" text NOT NULL, "profile_id" text NOT NULL, "revealed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b9ed5da74f6dab70c74721ca6bf" PRIMARY KEY ("campaign_id", "profile_id"))`);
    await queryRunner.query(`ALTER TABLE "funding"."campaigns" ADD "secret_reward_token" text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '')`);
    // Written by hand: the default only gives existing campaigns a random token each; new ones get theirs from CampaignService.create.
    await queryRunner.query(`ALTER TABLE "funding"."campaigns" ALTER COLUMN "secret_reward_token" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "funding"."reward_tiers" ADD "secret" boolean NOT NULL DEFAULT false`);
  }

  async down(): Promise<void> {
    throw new Error('SecretRewards1796120627009 is not reversible: restore from a backup');
  }
}
