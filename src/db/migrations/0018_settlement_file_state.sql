-- A response file is kept even when it moves nothing: an unreadable file or a status report that
-- answers no file this database sent is quarantined with its reason, and a report repeating a
-- message already loaded (same MsgId, other bytes) is kept as a repeat of the earlier file.
-- first/last_record_id bound a file's records, so a later file can be compared with it by
-- primary key.

ALTER TABLE "settlement_files" ADD COLUMN "state" text DEFAULT 'loaded' NOT NULL;
--> statement-breakpoint
ALTER TABLE "settlement_files" ADD COLUMN "note" text;
--> statement-breakpoint
ALTER TABLE "settlement_files" ADD COLUMN "repeat_of" integer REFERENCES "settlement_files"("id");
--> statement-breakpoint
ALTER TABLE "settlement_files" ADD COLUMN "first_record_id" bigint;
--> statement-breakpoint
ALTER TABLE "settlement_files" ADD COLUMN "last_record_id" bigint;
--> statement-breakpoint
CREATE INDEX "settlement_files_message_idx" ON "settlement_files" ("format", "message_id");
