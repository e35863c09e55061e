-- Items of a sealed cycle's lines are as immutable as the lines: they are part of the seal.
-- Inserts and deletes are checked once per statement, so a national build pays one join, not a
-- lookup per item; updates are refused row by row whatever the column.
CREATE FUNCTION sika_sealed_items_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT payroll_line_id FROM changed) i
             JOIN payroll_lines l ON l.id = i.payroll_line_id
             JOIN cycles c ON c.id = l.cycle_id
             WHERE c.seal_sha256 IS NOT NULL) THEN
    RAISE EXCEPTION 'line items of a sealed cycle cannot be changed (%)', TG_OP
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION sika_sealed_items_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM payroll_lines l JOIN cycles c ON c.id = l.cycle_id
             WHERE l.id IN (NEW.payroll_line_id, OLD.payroll_line_id)
               AND c.seal_sha256 IS NOT NULL) THEN
    RAISE EXCEPTION 'line item % belongs to a sealed cycle and cannot be changed', OLD.id
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payroll_line_items_sealed_insert AFTER INSERT ON payroll_line_items
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_sealed_items_statement_guard();
--> statement-breakpoint
CREATE TRIGGER payroll_line_items_sealed_delete AFTER DELETE ON payroll_line_items
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_sealed_items_statement_guard();
--> statement-breakpoint
CREATE TRIGGER payroll_line_items_sealed_guard BEFORE UPDATE ON payroll_line_items
  FOR EACH ROW EXECUTE FUNCTION sika_sealed_items_guard();
