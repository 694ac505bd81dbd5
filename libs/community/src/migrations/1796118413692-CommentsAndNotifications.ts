import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CommentsAndNotifications1796118413692 implements MigrationInterface {
  name = 'CommentsAndNotifications1796118413692';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "community"`);
    await queryRunner.query(`CREATE TABLE "community"."comments" ("id" text NOT NULL, "subject_id" text NOT NULL, "parent_id" text, "author_id" text NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by" text, CONSTRAINT "PK_8bf68bc960f2b69e818bdb90dcb" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "comments_parent_idx" ON "community"."comments"  ("parent_id", "id") WHERE parent_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "comments_subject_roots_idx" ON "community"."comments"  ("subject_id", "id") WHERE parent_id IS NULL`);
    await queryRunner.query(`CREATE TABLE "community"."notification_outbox" ("id" text NOT NULL, "key" text NOT NULL, "notice" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_83d47c7dba1da2d038749fe757e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "notification_outbox_key_key" ON "community"."notification_outbox"  ("key") `);
    await queryRunner.query(`CREATE INDEX "notification_outbox_pending_idx" ON "community"."notification_outbox"  ("id") WHERE delivered_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "community"."notifications" ("id" text NOT NULL, "recipient_id" text NOT NULL, "event_key" text NOT NULL, "kind" text NOT NULL, "message" text NOT NULL, "subject_id" text, "related_ids" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "notifications_unread_idx" ON "community"."notifications"  ("recipient_id", "id") WHERE read_at IS NULL`);
    await queryRunner.query(`CREATE INDEX "notifications_recipient_idx" ON "community"."notifications"  ("recipient_id", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "notifications_event_recipient_key" ON "community"."notifications"  ("event_key", "recipient_id") `);
  }

  async down(): Promise<void> {
    throw new Error('CommentsAndNotifications1796118413692 is not reversible: restore from a backup');
  }
}
