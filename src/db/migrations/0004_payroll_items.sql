CREATE TABLE "cycle_flags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" integer NOT NULL,
	"beneficiary_ref" text NOT NULL,
	"household_id" integer,
	"flag_code" text NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "payroll_line_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payroll_line_id" bigint NOT NULL,
	"beneficiary_ref" text NOT NULL,
	"kind" text NOT NULL,
	"for_cycle" integer NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"replaces_line_id" bigint
);
--> statement-breakpoint
ALTER TABLE "cycle_exclusions" ADD COLUMN "held_by_cycle" jsonb;--> statement-breakpoint
ALTER TABLE "grant_schedules" ADD COLUMN "applies_retroactively_to_cycle" integer;--> statement-breakpoint
ALTER TABLE "lipw_workers" ADD COLUMN "exited_on" date;--> statement-breakpoint
ALTER TABLE "cycle_flags" ADD CONSTRAINT "cycle_flags_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_flags" ADD CONSTRAINT "cycle_flags_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payroll_line_items" ADD CONSTRAINT "payroll_line_items_payroll_line_id_payroll_lines_id_fk" FOREIGN KEY ("payroll_line_id") REFERENCES "public"."payroll_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payroll_line_items" ADD CONSTRAINT "payroll_line_items_replaces_line_id_payroll_lines_id_fk" FOREIGN KEY ("replaces_line_id") REFERENCES "public"."payroll_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_flags_uq" ON "cycle_flags" USING btree ("cycle_id","beneficiary_ref","flag_code");--> statement-breakpoint
CREATE INDEX "payroll_line_items_line_idx" ON "payroll_line_items" USING btree ("payroll_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payroll_line_items_replaces_uq" ON "payroll_line_items" USING btree ("replaces_line_id") WHERE replaces_line_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "payroll_line_items_entitlement_uq" ON "payroll_line_items" USING btree ("beneficiary_ref","for_cycle") WHERE kind IN ('grant', 'arrears_withheld');--> statement-breakpoint
CREATE UNIQUE INDEX "payroll_line_items_top_up_uq" ON "payroll_line_items" USING btree ("beneficiary_ref","for_cycle") WHERE kind = 'top_up';