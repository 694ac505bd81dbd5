import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContestCampaignLink1796127384574 implements MigrationInterface {
  name = 'ContestCampaignLink1796127384574';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "contest"`);
    await queryRunner.query(`ALTER TABLE "contest"."contests" ADD "campaign_id" text`);
    await queryRunner.query(`CREATE INDEX "contests_campaign_idx" ON "contest"."contests"  ("campaign_id", "id") `);
  }

  async down(): Promise<void> {
    throw new Error('ContestCampaignLink1796127384574 is not reversible: restore from a backup');
  }
}
