CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"detail" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "cycle_exclusions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" integer NOT NULL,
	"beneficiary_ref" text NOT NULL,
	"household_id" integer,
	"kind" text NOT NULL,
	"reason_code" text NOT NULL,
	"amount_held" numeric(14, 2) DEFAULT '0' NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "cycles" (
	"id" serial PRIMARY KEY NOT NULL,
	"programme" text NOT NULL,
	"cycle_number" integer,
	"period_key" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" text NOT NULL,
	"built_by" text NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"line_count" integer DEFAULT 0 NOT NULL,
	"total_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"seal_sha256" text,
	"control_totals" jsonb
);
--> statement-breakpoint
CREATE TABLE "districts" (
	"code" text PRIMARY KEY NOT NULL,
	"region_code" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrolments" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_id" integer NOT NULL,
	"programme" text NOT NULL,
	"status" text NOT NULL,
	"since" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exceptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" integer,
	"payroll_line_id" bigint,
	"settlement_record_id" bigint,
	"kind" text NOT NULL,
	"reason_code" text,
	"amount" numeric(14, 2),
	"detail" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grant_schedules" (
	"id" serial PRIMARY KEY NOT NULL,
	"effective_from_cycle" integer NOT NULL,
	"label" text NOT NULL,
	"tier1" numeric(14, 2) NOT NULL,
	"tier2" numeric(14, 2) NOT NULL,
	"tier3" numeric(14, 2) NOT NULL,
	"tier4" numeric(14, 2) NOT NULL,
	CONSTRAINT "grant_schedules_effective_from_cycle_unique" UNIQUE("effective_from_cycle")
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_ref" text NOT NULL,
	"region_code" text NOT NULL,
	"district_code" text NOT NULL,
	"community" text NOT NULL,
	"enrolled_on" date NOT NULL,
	"last_assessed_on" date,
	"import_file_id" integer,
	CONSTRAINT "households_household_ref_unique" UNIQUE("household_ref")
);
--> statement-breakpoint
CREATE TABLE "import_files" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"loaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rows_total" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_rejects" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_file_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"field" text,
	"reason_code" text NOT NULL,
	"message" text NOT NULL,
	"raw" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "line_status_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payroll_line_id" bigint NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"reason_code" text,
	"settlement_record_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lipw_attendance" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"worker_id" integer NOT NULL,
	"subproject_id" integer NOT NULL,
	"work_date" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lipw_subprojects" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"district_code" text NOT NULL,
	"asset_type" text NOT NULL,
	CONSTRAINT "lipw_subprojects_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "lipw_workers" (
	"id" serial PRIMARY KEY NOT NULL,
	"worker_ref" text NOT NULL,
	"subproject_id" integer NOT NULL,
	"household_ref" text NOT NULL,
	"full_name" text NOT NULL,
	"ghana_card_pin" text NOT NULL,
	"channel" text NOT NULL,
	"account_number" text NOT NULL,
	CONSTRAINT "lipw_workers_worker_ref_unique" UNIQUE("worker_ref")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_ref" text NOT NULL,
	"household_id" integer NOT NULL,
	"full_name" text NOT NULL,
	"sex" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"ghana_card_pin" text,
	"category" text NOT NULL,
	"role" text NOT NULL,
	"deceased_on" date,
	CONSTRAINT "members_member_ref_unique" UNIQUE("member_ref")
);
--> statement-breakpoint
CREATE TABLE "payment_instruments" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_id" integer NOT NULL,
	"channel" text NOT NULL,
	"account_number" text NOT NULL,
	"bank_sort_code" text,
	"holder_name" text NOT NULL,
	"verified" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payroll_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"programme" text NOT NULL,
	"period_key" text NOT NULL,
	"beneficiary_ref" text NOT NULL,
	"household_id" integer,
	"worker_id" integer,
	"subproject_id" integer,
	"recipient_name" text NOT NULL,
	"recipient_pin" text,
	"region_code" text NOT NULL,
	"district_code" text NOT NULL,
	"channel" text NOT NULL,
	"account_number" text NOT NULL,
	"bank_sort_code" text,
	"eligible_members" smallint,
	"days_worked" smallint,
	"daily_rate" numeric(14, 2),
	"base_amount" numeric(14, 2) NOT NULL,
	"arrears_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"end_to_end_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	CONSTRAINT "payroll_lines_end_to_end_id_unique" UNIQUE("end_to_end_id")
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "regions_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "settlement_files" (
	"id" serial PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"message_id" text,
	"original_message_id" text,
	"group_status" text,
	"record_count" integer DEFAULT 0 NOT NULL,
	"loaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlement_files_sha256_unique" UNIQUE("sha256")
);
--> statement-breakpoint
CREATE TABLE "settlement_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"settlement_file_id" integer NOT NULL,
	"end_to_end_id" text,
	"payment_info_id" text,
	"status" text NOT NULL,
	"reason_code" text,
	"reason_text" text,
	"amount" numeric(14, 2),
	"payroll_line_id" bigint,
	"outcome" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"cycle_id" integer NOT NULL,
	"channel" text NOT NULL,
	"sequence" integer NOT NULL,
	"message_id" text NOT NULL,
	"payment_info_id" text NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"tx_count" integer NOT NULL,
	"control_sum" numeric(14, 2) NOT NULL,
	"sha256" text,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "submissions_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"username" text PRIMARY KEY NOT NULL,
	"full_name" text NOT NULL,
	"role" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wage_rates" (
	"id" serial PRIMARY KEY NOT NULL,
	"effective_from" date NOT NULL,
	"daily_rate" numeric(14, 2) NOT NULL,
	CONSTRAINT "wage_rates_effective_from_unique" UNIQUE("effective_from")
);
--> statement-breakpoint
ALTER TABLE "cycle_exclusions" ADD CONSTRAINT "cycle_exclusions_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_exclusions" ADD CONSTRAINT "cycle_exclusions_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_built_by_users_username_fk" FOREIGN KEY ("built_by") REFERENCES "public"."users"("username") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_approved_by_users_username_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("username") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "districts" ADD CONSTRAINT "districts_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_payroll_line_id_payroll_lines_id_fk" FOREIGN KEY ("payroll_line_id") REFERENCES "public"."payroll_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_settlement_record_id_settlement_records_id_fk" FOREIGN KEY ("settlement_record_id") REFERENCES "public"."settlement_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_import_file_id_import_files_id_fk" FOREIGN KEY ("import_file_id") REFERENCES "public"."import_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rejects" ADD CONSTRAINT "import_rejects_import_file_id_import_files_id_fk" FOREIGN KEY ("import_file_id") REFERENCES "public"."import_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_status_events" ADD CONSTRAINT "line_status_events_payroll_line_id_payroll_lines_id_fk" FOREIGN KEY ("payroll_line_id") REFERENCES "public"."payroll_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_status_events" ADD CONSTRAINT "line_status_events_settlement_record_id_settlement_records_id_fk" FOREIGN KEY ("settlement_record_id") REFERENCES "public"."settlement_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lipw_attendance" ADD CONSTRAINT "lipw_attendance_worker_id_lipw_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."lipw_workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lipw_attendance" ADD CONSTRAINT "lipw_attendance_subproject_id_lipw_subprojects_id_fk" FOREIGN KEY ("subproject_id") REFERENCES "public"."lipw_subprojects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lipw_subprojects" ADD CONSTRAINT "lipw_subprojects_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lipw_workers" ADD CONSTRAINT "lipw_workers_subproject_id_lipw_subprojects_id_fk" FOREIGN KEY ("subproject_id") REFERENCES "public"."lipw_subprojects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_instruments" ADD CONSTRAINT "payment_instruments_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payroll_lines" ADD CONSTRAINT "payroll_lines_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payroll_lines" ADD CONSTRAINT "payroll_lines_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payroll_lines" ADD CONSTRAINT "payroll_lines_worker_id_lipw_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."lipw_workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payroll_lines" ADD CONSTRAINT "payroll_lines_subproject_id_lipw_subprojects_id_fk" FOREIGN KEY ("subproject_id") REFERENCES "public"."lipw_subprojects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD CONSTRAINT "settlement_records_settlement_file_id_settlement_files_id_fk" FOREIGN KEY ("settlement_file_id") REFERENCES "public"."settlement_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_records" ADD CONSTRAINT "settlement_records_payroll_line_id_payroll_lines_id_fk" FOREIGN KEY ("payroll_line_id") REFERENCES "public"."payroll_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_exclusions_uq" ON "cycle_exclusions" USING btree ("cycle_id","beneficiary_ref","reason_code");--> statement-breakpoint
CREATE UNIQUE INDEX "cycles_programme_period_uq" ON "cycles" USING btree ("programme","period_key");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolments_household_programme_uq" ON "enrolments" USING btree ("household_id","programme");--> statement-breakpoint
CREATE INDEX "exceptions_cycle_idx" ON "exceptions" USING btree ("cycle_id");--> statement-breakpoint
CREATE INDEX "households_district_idx" ON "households" USING btree ("district_code");--> statement-breakpoint
CREATE UNIQUE INDEX "import_files_kind_sha_uq" ON "import_files" USING btree ("kind","sha256");--> statement-breakpoint
CREATE INDEX "import_rejects_file_idx" ON "import_rejects" USING btree ("import_file_id");--> statement-breakpoint
CREATE INDEX "line_status_events_line_idx" ON "line_status_events" USING btree ("payroll_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "lipw_attendance_worker_day_uq" ON "lipw_attendance" USING btree ("worker_id","work_date");--> statement-breakpoint
CREATE INDEX "members_household_idx" ON "members" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "members_pin_idx" ON "members" USING btree ("ghana_card_pin");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_instruments_household_uq" ON "payment_instruments" USING btree ("household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payroll_lines_cycle_line_uq" ON "payroll_lines" USING btree ("cycle_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "payroll_lines_beneficiary_period_uq" ON "payroll_lines" USING btree ("programme","period_key","beneficiary_ref");--> statement-breakpoint
CREATE INDEX "settlement_records_line_idx" ON "settlement_records" USING btree ("payroll_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_cycle_channel_seq_uq" ON "submissions" USING btree ("cycle_id","channel","sequence");