CREATE TABLE "enrolments_history" (
	"id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"programme" text NOT NULL,
	"status" text NOT NULL,
	"since" date NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"history_id" bigserial PRIMARY KEY NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"replaced_by_file_id" integer,
	"change" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "households_history" (
	"id" integer NOT NULL,
	"household_ref" text NOT NULL,
	"region_code" text NOT NULL,
	"district_code" text NOT NULL,
	"community" text NOT NULL,
	"enrolled_on" date NOT NULL,
	"last_assessed_on" date,
	"import_file_id" integer,
	"valid_from" timestamp with time zone NOT NULL,
	"history_id" bigserial PRIMARY KEY NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"replaced_by_file_id" integer,
	"change" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "members_history" (
	"id" integer NOT NULL,
	"member_ref" text NOT NULL,
	"household_id" integer NOT NULL,
	"full_name" text NOT NULL,
	"sex" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"ghana_card_pin" text,
	"category" text NOT NULL,
	"role" text NOT NULL,
	"deceased_on" date,
	"valid_from" timestamp with time zone NOT NULL,
	"history_id" bigserial PRIMARY KEY NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"replaced_by_file_id" integer,
	"change" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_instruments_history" (
	"id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"channel" text NOT NULL,
	"account_number" text NOT NULL,
	"bank_sort_code" text,
	"holder_name" text NOT NULL,
	"verified" boolean NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"history_id" bigserial PRIMARY KEY NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"replaced_by_file_id" integer,
	"change" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrolments" ADD COLUMN "valid_from" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "grant_schedules" ADD COLUMN "recorded_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "valid_from" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "valid_from" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_instruments" ADD COLUMN "valid_from" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "enrolments_history" ADD CONSTRAINT "enrolments_history_replaced_by_file_id_import_files_id_fk" FOREIGN KEY ("replaced_by_file_id") REFERENCES "public"."import_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households_history" ADD CONSTRAINT "households_history_replaced_by_file_id_import_files_id_fk" FOREIGN KEY ("replaced_by_file_id") REFERENCES "public"."import_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members_history" ADD CONSTRAINT "members_history_replaced_by_file_id_import_files_id_fk" FOREIGN KEY ("replaced_by_file_id") REFERENCES "public"."import_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_instruments_history" ADD CONSTRAINT "payment_instruments_history_replaced_by_file_id_import_files_id_fk" FOREIGN KEY ("replaced_by_file_id") REFERENCES "public"."import_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enrolments_history_id_idx" ON "enrolments_history" USING btree ("id");--> statement-breakpoint
CREATE INDEX "enrolments_history_valid_to_idx" ON "enrolments_history" USING btree ("valid_to");--> statement-breakpoint
CREATE INDEX "households_history_id_idx" ON "households_history" USING btree ("id");--> statement-breakpoint
CREATE INDEX "households_history_valid_to_idx" ON "households_history" USING btree ("valid_to");--> statement-breakpoint
CREATE INDEX "members_history_id_idx" ON "members_history" USING btree ("id");--> statement-breakpoint
CREATE INDEX "members_history_valid_to_idx" ON "members_history" USING btree ("valid_to");--> statement-breakpoint
CREATE INDEX "payment_instruments_history_id_idx" ON "payment_instruments_history" USING btree ("id");--> statement-breakpoint
CREATE INDEX "payment_instruments_history_valid_to_idx" ON "payment_instruments_history" USING btree ("valid_to");