ALTER TABLE "line_status_events" DROP CONSTRAINT "line_status_events_payroll_line_id_payroll_lines_id_fk";
--> statement-breakpoint
ALTER TABLE "line_status_events" DROP CONSTRAINT "line_status_events_settlement_record_id_settlement_records_id_fk";
--> statement-breakpoint
ALTER TABLE "settlement_records" DROP CONSTRAINT "settlement_records_settlement_file_id_settlement_files_id_fk";
--> statement-breakpoint
ALTER TABLE "settlement_records" DROP CONSTRAINT "settlement_records_payroll_line_id_payroll_lines_id_fk";
