CREATE TABLE "import_findings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_file_id" integer NOT NULL,
	"kind" text NOT NULL,
	"refs" text[] NOT NULL,
	"detail" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_files" ADD COLUMN "updated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "import_files" ADD COLUMN "unchanged" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "import_files" ADD COLUMN "format" text DEFAULT 'csv' NOT NULL;--> statement-breakpoint
ALTER TABLE "import_files" ADD COLUMN "encoding" text;--> statement-breakpoint
ALTER TABLE "import_findings" ADD CONSTRAINT "import_findings_import_file_id_import_files_id_fk" FOREIGN KEY ("import_file_id") REFERENCES "public"."import_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_findings_file_idx" ON "import_findings" USING btree ("import_file_id");