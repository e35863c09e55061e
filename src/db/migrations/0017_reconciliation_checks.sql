-- Cheaper reference checks for reconciliation.
--
-- A status change names no cycle, household, worker or subproject anew, yet the statement check
-- on payroll_lines updates (0013) copied every line a reconciliation moved into a transition
-- table and looked up its cycle, household and worker again: about a tenth of reconciling a
-- national cycle. Transition tables cannot be limited to some columns, so the check is now made
-- per row, and only by updates that set one of the columns it checks (nothing in Sika does).

DROP TRIGGER payroll_lines_refs_update ON payroll_lines;
--> statement-breakpoint
CREATE FUNCTION sika_payroll_line_refs_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM cycles y WHERE y.id = NEW.cycle_id) THEN
    RAISE EXCEPTION 'payroll_lines names a cycle that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NEW.household_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id) THEN
    RAISE EXCEPTION 'payroll_lines names a household that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF (NEW.worker_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM lipw_workers w WHERE w.id = NEW.worker_id))
     OR (NEW.subproject_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM lipw_subprojects s WHERE s.id = NEW.subproject_id)) THEN
    RAISE EXCEPTION 'payroll_lines names a worker or subproject that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payroll_lines_refs_update
  AFTER UPDATE OF cycle_id, household_id, worker_id, subproject_id ON payroll_lines
  FOR EACH ROW EXECUTE FUNCTION sika_payroll_line_refs_row();
--> statement-breakpoint

-- A response file's records all name the same settlement file: it is looked up once per
-- statement, not once per record.
CREATE OR REPLACE FUNCTION sika_settlement_records_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT settlement_file_id FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM settlement_files f WHERE f.id = c.settlement_file_id)) THEN
    RAISE EXCEPTION 'settlement_records names a settlement file that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE c.payroll_line_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM payroll_lines l WHERE l.id = c.payroll_line_id)) THEN
    RAISE EXCEPTION 'settlement_records names a payroll line that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
