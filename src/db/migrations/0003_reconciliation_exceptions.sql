ALTER TABLE "exceptions" ADD COLUMN "action" text;--> statement-breakpoint
ALTER TABLE "exceptions" ADD COLUMN "household_ref" text;--> statement-breakpoint
ALTER TABLE "exceptions" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "exceptions" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "exceptions" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "exceptions" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "exceptions" ADD COLUMN "grievance_case" text;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "match_method" text;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "currency" text;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "credit_debit" text;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "reversal" boolean;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "bank_tx_code" text;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "booking_date" date;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "value_date" date;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_resolved_by_users_username_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("username") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exceptions_line_idx" ON "exceptions" USING btree ("payroll_line_id");