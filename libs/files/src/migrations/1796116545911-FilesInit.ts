import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FilesInit1796116545911 implements MigrationInterface {
  name = 'FilesInit1796116545911';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "files"`);
    await queryRunner.query(`CREATE TABLE "files"."assets" ("id" text NOT NULL, "owner_id" text NOT NULL, "filename" text NOT NULL, "content_type" text NOT NULL, "byte_size" integer NOT NULL, "width" integer, "height" integer, "has_thumbnail" boolean NOT NULL DEFAULT false, "perceptual_hash" bigint, "claimed_for" text, "claimed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "assets_claimed_together" CHECK (("claimed_at" IS NULL) = ("claimed_for" IS NULL)), CONSTRAINT "assets_byte_size_positive" CHECK ("byte_size" > 0), CONSTRAINT "PK_da96729a8b113377cfb6a62439c" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "assets_owner_idx" ON "files"."assets"  ("owner_id", "id") `);
  }

  async down(): Promise<void> {
    throw new Error('FilesInit1796116545911 is not reversible: restore from a backup');
  }
}
