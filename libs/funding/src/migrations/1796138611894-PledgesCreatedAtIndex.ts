import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PledgesCreatedAtIndex1796138611894 implements MigrationInterface {
  name = 'PledgesCreatedAtIndex1796138611894';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "funding"`);
    await queryRunner.query(`CREATE INDEX "pledges_created_at_idx" ON "funding"."pledges"  ("created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "funding"."pledges_created_at_idx"`);
  }
}
