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

-- Lines of a sealed cycle never change, except their settlement status.
CREATE FUNCTION sika_sealed_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sealed boolean;
BEGIN
  SELECT seal_sha256 IS NOT NULL INTO sealed FROM cycles
    WHERE id = COALESCE(NEW.cycle_id, OLD.cycle_id);
  IF NOT sealed THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  IF TG_OP = 'UPDATE'
     AND (to_jsonb(NEW) - 'status' - 'status_reason') = (to_jsonb(OLD) - 'status' - 'status_reason') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'payroll line % belongs to a sealed cycle and cannot be changed (%)',
    COALESCE(OLD.id, NEW.id), TG_OP USING ERRCODE = 'P0001';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payroll_lines_sealed_guard BEFORE INSERT OR UPDATE OR DELETE ON payroll_lines
  FOR EACH ROW EXECUTE FUNCTION sika_sealed_lines_guard();
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
