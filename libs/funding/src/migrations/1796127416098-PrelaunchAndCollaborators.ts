import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PrelaunchAndCollaborators1796127416098 implements MigrationInterface {
  name = 'PrelaunchAndCollaborators1796127416098';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "funding"`);
    await queryRunner.query(`CREATE TABLE "funding"."campaign_followers" ("campaign_id" text NOT NULL, "profile_id" text NOT NULL, "followed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0486e6ba966368e7ac67bfc360e" PRIMARY KEY ("campaign_id", "profile_id"))`);
    await queryRunner.query(`CREATE INDEX "campaign_followers_profile_idx" ON "funding"."campaign_followers"  ("profile_id", "campaign_id") `);
    await queryRunner.query(`CREATE TABLE "funding"."campaign_collaborators" ("campaign_id" text NOT NULL, "profile_id" text NOT NULL, "role" text NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "campaign_collaborators_role_check" CHECK ("role" IN ('EDITOR', 'UPDATES', 'VIEWER')), CONSTRAINT "PK_18fda832eefd0f723c614ba90ed" PRIMARY KEY ("campaign_id", "profile_id"))`);
    await queryRunner.query(`CREATE INDEX "campaign_collaborators_profile_idx" ON "funding"."campaign_collaborators"  ("profile_id", "campaign_id") `);
    await queryRunner.query(`ALTER TABLE "funding"."campaigns" ADD "prelaunch_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(): Promise<void> {
    throw new Error('PrelaunchAndCollaborators1796127416098 is not reversible: restore from a backup');
  }
}
