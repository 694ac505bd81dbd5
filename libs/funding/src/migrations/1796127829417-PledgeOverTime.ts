import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PledgeOverTime1796127829417 implements MigrationInterface {
  name = 'PledgeOverTime1796127829417';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "funding"`);
    await queryRunner.query(`CREATE TABLE "funding"."pledge_increments" ("pledge_id" text NOT NULL, "number" integer NOT NULL, "campaign_id" text NOT NULL, "amount" bigint NOT NULL, "currency" character(3) NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "state" text NOT NULL, "failed_attempts" integer NOT NULL DEFAULT '0', "failure_reason" text, "retry_until" TIMESTAMP WITH TIME ZONE, "charge_id" text, "collected_at" TIMESTAMP WITH TIME ZONE, "paid_out_in" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pledge_increments_collected_has_charge" CHECK ("state" NOT IN ('COLLECTED', 'REFUNDED') OR "charge_id" IS NOT NULL), CONSTRAINT "pledge_increments_number_positive" CHECK ("number" >= 1), CONSTRAINT "pledge_increments_amount_positive" CHECK ("amount" > 0), CONSTRAINT "pledge_increments_state_check" CHECK ("state" IN ('SCHEDULED', 'COLLECTED', 'FAILED', 'CANCELED', 'REFUNDED')), CONSTRAINT "PK_e5bbd14cfc034d6647b7d66d271" PRIMARY KEY ("pledge_id", "number"))`);
    await queryRunner.query(`CREATE INDEX "pledge_increments_campaign_idx" ON "funding"."pledge_increments"  ("campaign_id", "state") `);
    await queryRunner.query(`CREATE INDEX "pledge_increments_due_idx" ON "funding"."pledge_increments"  ("state", "due_at") `);
    await queryRunner.query(`ALTER TABLE "funding"."campaigns" ADD "pledge_over_time" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "funding"."campaigns" ADD "pledge_over_time_minimum" bigint`);
    await queryRunner.query(`ALTER TABLE "funding"."campaigns" ADD "late_pledge_days" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "funding"."reward_tiers" ADD "late_pledge_minimum" bigint`);
    await queryRunner.query(`ALTER TABLE "funding"."pledges" ADD "payment_plan" text NOT NULL DEFAULT 'PAY_IN_FULL'`);
    await queryRunner.query(`ALTER TABLE "funding"."pledges" ADD "late" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "funding"."pledges" ADD CONSTRAINT "pledges_payment_plan_check" CHECK ("payment_plan" IN ('PAY_IN_FULL', 'PLEDGE_OVER_TIME'))`);
  }

  async down(): Promise<void> {
    throw new Error('PledgeOverTime1796127829417 is not reversible: restore from a backup');
  }
}
