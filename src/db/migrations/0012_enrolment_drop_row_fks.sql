ALTER TABLE "cycle_exclusions" DROP CONSTRAINT "cycle_exclusions_cycle_id_cycles_id_fk";
--> statement-breakpoint
ALTER TABLE "cycle_exclusions" DROP CONSTRAINT "cycle_exclusions_household_id_households_id_fk";
--> statement-breakpoint
ALTER TABLE "cycle_flags" DROP CONSTRAINT "cycle_flags_cycle_id_cycles_id_fk";
--> statement-breakpoint
ALTER TABLE "cycle_flags" DROP CONSTRAINT "cycle_flags_household_id_households_id_fk";
--> statement-breakpoint
ALTER TABLE "enrolments" DROP CONSTRAINT "enrolments_household_id_households_id_fk";
--> statement-breakpoint
ALTER TABLE "households" DROP CONSTRAINT "households_region_code_regions_code_fk";
--> statement-breakpoint
ALTER TABLE "households" DROP CONSTRAINT "households_district_code_districts_code_fk";
--> statement-breakpoint
ALTER TABLE "households" DROP CONSTRAINT "households_import_file_id_import_files_id_fk";
--> statement-breakpoint
ALTER TABLE "lipw_attendance" DROP CONSTRAINT "lipw_attendance_worker_id_lipw_workers_id_fk";
--> statement-breakpoint
ALTER TABLE "lipw_attendance" DROP CONSTRAINT "lipw_attendance_subproject_id_lipw_subprojects_id_fk";
--> statement-breakpoint
ALTER TABLE "members" DROP CONSTRAINT "members_household_id_households_id_fk";
--> statement-breakpoint
ALTER TABLE "payment_instruments" DROP CONSTRAINT "payment_instruments_household_id_households_id_fk";
--> statement-breakpoint
ALTER TABLE "payroll_line_items" DROP CONSTRAINT "payroll_line_items_payroll_line_id_payroll_lines_id_fk";
--> statement-breakpoint
ALTER TABLE "payroll_line_items" DROP CONSTRAINT "payroll_line_items_replaces_line_id_payroll_lines_id_fk";
--> statement-breakpoint
ALTER TABLE "payroll_lines" DROP CONSTRAINT "payroll_lines_cycle_id_cycles_id_fk";
--> statement-breakpoint
ALTER TABLE "payroll_lines" DROP CONSTRAINT "payroll_lines_household_id_households_id_fk";
--> statement-breakpoint
ALTER TABLE "payroll_lines" DROP CONSTRAINT "payroll_lines_worker_id_lipw_workers_id_fk";
--> statement-breakpoint
ALTER TABLE "payroll_lines" DROP CONSTRAINT "payroll_lines_subproject_id_lipw_subprojects_id_fk";
