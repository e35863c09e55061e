-- The references of a build's output (payroll_lines, payroll_line_items, cycle_flags,
-- cycle_exclusions), checked once per statement over all the rows it wrote instead of by a
-- foreign key trigger per row: a national build writes a line, an item and often a flag per
-- household, and the per-row checks (each locking the row it names) were a third of its time.

CREATE FUNCTION sika_build_output_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM cycles y WHERE y.id = c.cycle_id)) THEN
    RAISE EXCEPTION '% names a cycle that does not exist', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE c.household_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM households h WHERE h.id = c.household_id)) THEN
    RAISE EXCEPTION '% names a household that does not exist', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  -- Nested, so the worker columns are only parsed for the table that has them.
  IF TG_TABLE_NAME = 'payroll_lines' THEN
    IF EXISTS (SELECT 1 FROM changed c
               WHERE (c.worker_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM lipw_workers w WHERE w.id = c.worker_id))
                  OR (c.subproject_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM lipw_subprojects s
                                      WHERE s.id = c.subproject_id))) THEN
      RAISE EXCEPTION 'payroll_lines names a worker or subproject that does not exist'
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payroll_lines_refs_insert AFTER INSERT ON payroll_lines
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_refs();
--> statement-breakpoint
CREATE TRIGGER payroll_lines_refs_update AFTER UPDATE ON payroll_lines
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_refs();
--> statement-breakpoint
CREATE TRIGGER cycle_flags_refs_insert AFTER INSERT ON cycle_flags
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_refs();
--> statement-breakpoint
CREATE TRIGGER cycle_flags_refs_update AFTER UPDATE ON cycle_flags
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_refs();
--> statement-breakpoint
CREATE TRIGGER cycle_exclusions_refs_insert AFTER INSERT ON cycle_exclusions
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_refs();
--> statement-breakpoint
CREATE TRIGGER cycle_exclusions_refs_update AFTER UPDATE ON cycle_exclusions
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_refs();
--> statement-breakpoint

CREATE FUNCTION sika_line_items_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM payroll_lines l WHERE l.id = c.payroll_line_id)
                OR (c.replaces_line_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM payroll_lines l WHERE l.id = c.replaces_line_id))) THEN
    RAISE EXCEPTION 'payroll_line_items names a payroll line that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payroll_line_items_refs_insert AFTER INSERT ON payroll_line_items
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_line_items_refs();
--> statement-breakpoint
CREATE TRIGGER payroll_line_items_refs_update AFTER UPDATE ON payroll_line_items
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_line_items_refs();
--> statement-breakpoint

-- The other side: a cycle, household, worker, subproject or line still named cannot be deleted.
-- (Their ids are serial keys that nothing updates.)
CREATE FUNCTION sika_build_referenced_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'cycles' AND (
       EXISTS (SELECT 1 FROM payroll_lines l WHERE l.cycle_id IN (SELECT id FROM gone))
    OR EXISTS (SELECT 1 FROM cycle_flags f WHERE f.cycle_id IN (SELECT id FROM gone))
    OR EXISTS (SELECT 1 FROM cycle_exclusions x WHERE x.cycle_id IN (SELECT id FROM gone))) THEN
    RAISE EXCEPTION 'a cycle with lines, flags or exclusions cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  ELSIF TG_TABLE_NAME = 'households' AND (
       EXISTS (SELECT 1 FROM payroll_lines l WHERE l.household_id IN (SELECT id FROM gone))
    OR EXISTS (SELECT 1 FROM cycle_flags f WHERE f.household_id IN (SELECT id FROM gone))
    OR EXISTS (SELECT 1 FROM cycle_exclusions x WHERE x.household_id IN (SELECT id FROM gone))) THEN
    RAISE EXCEPTION 'a household named by a payroll cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  ELSIF TG_TABLE_NAME = 'lipw_workers'
    AND EXISTS (SELECT 1 FROM payroll_lines l WHERE l.worker_id IN (SELECT id FROM gone)) THEN
    RAISE EXCEPTION 'a worker named by a payroll cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  ELSIF TG_TABLE_NAME = 'lipw_subprojects'
    AND EXISTS (SELECT 1 FROM payroll_lines l WHERE l.subproject_id IN (SELECT id FROM gone)) THEN
    RAISE EXCEPTION 'a subproject named by a payroll cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  ELSIF TG_TABLE_NAME = 'payroll_lines' AND (
       EXISTS (SELECT 1 FROM gone g JOIN payroll_line_items i ON i.payroll_line_id = g.id)
    OR EXISTS (SELECT 1 FROM gone g JOIN payroll_line_items i ON i.replaces_line_id = g.id)) THEN
    RAISE EXCEPTION 'payroll lines with items, or paid again by an item, cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cycles_build_refs_delete AFTER DELETE ON cycles
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER households_build_refs_delete AFTER DELETE ON households
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER lipw_workers_build_refs_delete AFTER DELETE ON lipw_workers
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER lipw_subprojects_build_refs_delete AFTER DELETE ON lipw_subprojects
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER payroll_lines_build_refs_delete AFTER DELETE ON payroll_lines
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_referenced_delete();
