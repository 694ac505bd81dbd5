import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentsInit1795720454367 implements MigrationInterface {
  name = 'PaymentsInit1795720454367';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "payments"`);
    await queryRunner.query(`CREATE TABLE "payments"."charges" ("id" text NOT NULL, "provider" text NOT NULL, "customer_id" text, "amount" bigint NOT NULL, "currency" character(3) NOT NULL, "status" text NOT NULL, "decline_code" text, "amount_refunded" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "charges_refund_within_amount" CHECK ("amount_refunded" >= 0 AND "amount_refunded" <= "amount"), CONSTRAINT "charges_status_check" CHECK ("status" IN ('succeeded', 'failed')), CONSTRAINT "PK_0c6feb10df0fa460714f8464dce" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "payments"."customers" ("profile_id" text NOT NULL, "provider" text NOT NULL, "customer_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0ee4fa78609d69d8b8744b2935d" PRIMARY KEY ("profile_id", "provider"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "customers_customer_id_key" ON "payments"."customers"  ("customer_id") `);
    await queryRunner.query(`CREATE TABLE "payments"."idempotency_keys" ("profile_id" text NOT NULL, "key" text NOT NULL, "operation" text NOT NULL, "request_hash" text NOT NULL, "state" text NOT NULL, "response" jsonb, "error" jsonb, "locked_by" text, "locked_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "idempotency_keys_state_check" CHECK ("state" IN ('in_progress', 'completed', 'failed')), CONSTRAINT "PK_93bc74ee0de907edeeaaf90729d" PRIMARY KEY ("profile_id", "key"))`);
    await queryRunner.query(`CREATE TABLE "payments"."journal_entries" ("id" text NOT NULL, "kind" text NOT NULL, "reference" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a70368e64230434457c8d007ab3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "journal_entries_reference_idx" ON "payments"."journal_entries"  ("reference") `);
    await queryRunner.query(`CREATE TABLE "payments"."postings" ("id" text NOT NULL, "journal_entry_id" text NOT NULL, "account" text NOT NULL, "amount" bigint NOT NULL, "currency" character(3) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "postings_amount_non_zero" CHECK ("amount" <> 0), CONSTRAINT "PK_6bdb1a5dc47d018aa7877aa9ffb" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "postings_account_idx" ON "payments"."postings"  ("account", "currency") `);
    await queryRunner.query(`CREATE INDEX "postings_journal_entry_idx" ON "payments"."postings"  ("journal_entry_id") `);
    await queryRunner.query(`CREATE TABLE "payments"."account_balances" ("account" text NOT NULL, "currency" character(3) NOT NULL, "balance" bigint NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "account_balances_escrow_non_negative" CHECK ("account" !~ '^(campaign|contest):[^:]+:escrow$' OR "balance" >= 0), CONSTRAINT "PK_52dc53cea07a8af1071fb0a36c0" PRIMARY KEY ("account", "currency"))`);
    await queryRunner.query(`CREATE TABLE "payments"."payout_accounts" ("id" text NOT NULL, "profile_id" text NOT NULL, "provider" text NOT NULL, "provider_account_id" text NOT NULL, "country" character(2) NOT NULL, "payouts_enabled" boolean NOT NULL DEFAULT false, "onboarding_url" text, "state_as_of" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_79642d5304997f09e3dfc6084d1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "payout_accounts_profile_key" ON "payments"."payout_accounts"  ("profile_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "payout_accounts_provider_account_key" ON "payments"."payout_accounts"  ("provider_account_id") `);
    await queryRunner.query(`CREATE TABLE "payments"."payouts" ("id" text NOT NULL, "recipient_profile_id" text NOT NULL, "amount" bigint NOT NULL, "currency" character(3) NOT NULL, "status" text NOT NULL, "source_id" text NOT NULL, "idempotency_key" text NOT NULL, "transfer_id" text, "failure_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "paid_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "payouts_amount_positive" CHECK ("amount" > 0), CONSTRAINT "payouts_status_check" CHECK ("status" IN ('PENDING', 'PAID', 'FAILED')), CONSTRAINT "PK_76855dc4f0a6c18c72eea302e87" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "payouts_idempotency_key" ON "payments"."payouts"  ("idempotency_key") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "payouts_transfer_id_key" ON "payments"."payouts"  ("transfer_id") `);
    await queryRunner.query(`CREATE INDEX "payouts_pending_idx" ON "payments"."payouts"  ("recipient_profile_id") WHERE "status" = 'PENDING'`);
    await queryRunner.query(`CREATE INDEX "payouts_recipient_idx" ON "payments"."payouts"  ("recipient_profile_id", "id") `);
    await queryRunner.query(`CREATE TABLE "payments"."sandbox_requests" ("idempotency_key" text NOT NULL, "operation" text NOT NULL, "request_hash" text NOT NULL, "object_id" text, "parent_id" text, "amount" bigint, "currency" character(3), "response" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6c36d0413d2aee69fe42c742665" PRIMARY KEY ("idempotency_key"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "sandbox_requests_object_key" ON "payments"."sandbox_requests"  ("object_id") `);
    await queryRunner.query(`CREATE INDEX "sandbox_requests_parent_idx" ON "payments"."sandbox_requests"  ("parent_id") `);
    await queryRunner.query(`CREATE TABLE "payments"."webhook_events" ("id" text NOT NULL, "type" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "payload" jsonb NOT NULL, CONSTRAINT "PK_4cba37e6a0acb5e1fc49c34ebfd" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "payments"."postings" ADD CONSTRAINT "postings_journal_entry_fk" FOREIGN KEY ("journal_entry_id") REFERENCES "payments"."journal_entries"("id") ON DELETE RESTRICT ON UPDATE RESTRICT`);

    // Written by hand: what the entities cannot say. The ledger's rules, enforced by the
    // database itself, whoever writes to it.

    // Balances follow postings: each posting is added to its account's balance as it is
    // inserted, in the same transaction, so the two can never disagree. (Insert a zero row,
    // then add: an upsert would check the escrow CHECK against the posting alone.)
    await queryRunner.query(`
      CREATE FUNCTION payments.apply_posting_to_balance() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO payments.account_balances (account, currency, balance) VALUES (NEW.account, NEW.currency, 0)
        ON CONFLICT (account, currency) DO NOTHING;
        UPDATE payments.account_balances SET balance = balance + NEW.amount, updated_at = now()
         WHERE account = NEW.account AND currency = NEW.currency;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER postings_apply_to_balance AFTER INSERT ON payments.postings
      FOR EACH ROW EXECUTE FUNCTION payments.apply_posting_to_balance()`);

    // An entry has two or more postings summing to zero per currency. Checked at commit
    // (deferred), once all of its postings are in: an unbalanced entry cannot be committed.
    await queryRunner.query(`
      CREATE FUNCTION payments.check_journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        entry_id text;
        unbalanced record;
      BEGIN
        IF TG_TABLE_NAME = 'postings' THEN
          entry_id := NEW.journal_entry_id;
        ELSE
          entry_id := NEW.id;
        END IF;
        IF (SELECT count(*) FROM payments.postings WHERE journal_entry_id = entry_id) < 2 THEN
          RAISE EXCEPTION 'journal entry % has fewer than two postings', entry_id USING ERRCODE = 'check_violation';
        END IF;
        SELECT currency, sum(amount) AS total INTO unbalanced FROM payments.postings
         WHERE journal_entry_id = entry_id GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'journal entry % does not balance: its % postings sum to %', entry_id, unbalanced.currency, unbalanced.total
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER postings_entry_balanced AFTER INSERT ON payments.postings
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payments.check_journal_entry_balanced()`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON payments.journal_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payments.check_journal_entry_balanced()`);

    // The journal is append-only: a correction is a new, reversing entry.
    await queryRunner.query(`
      CREATE FUNCTION payments.refuse_journal_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the journal is append-only: % on payments.% is refused (append a reversing entry instead)', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ['journal_entries', 'postings']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON payments.${table}
        FOR EACH ROW EXECUTE FUNCTION payments.refuse_journal_change()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON payments.${table}
        FOR EACH STATEMENT EXECUTE FUNCTION payments.refuse_journal_change()`);
    }
  }

  async down(): Promise<void> {
    throw new Error('PaymentsInit1795720454367 is not reversible: restore from a backup');
  }
}
