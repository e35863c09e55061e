-- The database itself keeps the invariants the code must never break.

CREATE FUNCTION sika_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'P0001';
END;
$$;
--> statement-breakpoint
-- The audit trail is append-only.
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION sika_refuse('audit_events is append-only');
--> statement-breakpoint

-- Lines of a sealed cycle never change, except their settlement status. The UPDATE trigger
-- names every column but status and status_reason, so the status updates of reconciliation
-- (hundreds of thousands a file) do not run it at all.
CREATE FUNCTION sika_sealed_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM cycles
             WHERE id IN (NEW.cycle_id, OLD.cycle_id) AND seal_sha256 IS NOT NULL) THEN
    RAISE EXCEPTION 'payroll line % belongs to a sealed cycle and cannot be changed (%)',
      COALESCE(OLD.id, NEW.id), TG_OP USING ERRCODE = 'P0001';
  END IF;
  RETURN COALESCE(NEW, OLD);
END;
$$;
--> statement-breakpoint
-- Inserts and deletes are checked once per statement, over all the rows it touched, so that
-- building a national cycle does not pay a lookup per line.
CREATE FUNCTION sika_sealed_lines_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed JOIN cycles c ON c.id = changed.cycle_id
             WHERE c.seal_sha256 IS NOT NULL) THEN
    RAISE EXCEPTION 'payroll lines of a sealed cycle cannot be changed (%)', TG_OP
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payroll_lines_sealed_insert AFTER INSERT ON payroll_lines
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_sealed_lines_statement_guard();
--> statement-breakpoint
CREATE TRIGGER payroll_lines_sealed_delete AFTER DELETE ON payroll_lines
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_sealed_lines_statement_guard();
--> statement-breakpoint
CREATE TRIGGER payroll_lines_sealed_guard
  BEFORE UPDATE OF cycle_id, line_no, programme, period_key, beneficiary_ref, household_id, worker_id,
    subproject_id, recipient_name, recipient_pin, region_code, district_code, channel, account_number,
    bank_sort_code, eligible_members, days_worked, daily_rate, base_amount,
    arrears_amount, amount, end_to_end_id
  ON payroll_lines FOR EACH ROW EXECUTE FUNCTION sika_sealed_lines_guard();
--> statement-breakpoint

-- A seal, once set, and the totals it covers cannot be changed.
CREATE FUNCTION sika_cycle_seal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.seal_sha256 IS NOT NULL AND (
       NEW.seal_sha256 IS DISTINCT FROM OLD.seal_sha256
    OR NEW.total_amount IS DISTINCT FROM OLD.total_amount
    OR NEW.line_count IS DISTINCT FROM OLD.line_count
    OR NEW.control_totals IS DISTINCT FROM OLD.control_totals) THEN
    RAISE EXCEPTION 'cycle % is sealed', OLD.id USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cycles_seal_guard BEFORE UPDATE ON cycles
  FOR EACH ROW EXECUTE FUNCTION sika_cycle_seal_guard();
--> statement-breakpoint
CREATE TRIGGER cycles_no_delete_sealed BEFORE DELETE ON cycles
  FOR EACH ROW WHEN (OLD.seal_sha256 IS NOT NULL) EXECUTE FUNCTION sika_refuse('a sealed cycle cannot be deleted');
