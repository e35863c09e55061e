-- The statement checks on a build's inserts, planned for the hundreds of thousands of rows a
-- national build writes at once. Left to itself PostgreSQL probed an index once per row for
-- every check (the same cycle 338,172 times, every household through heap pages not yet marked
-- visible, every line of the items in hash order), about a fifth of a national build. Updates
-- and deletes keep the checks of 0001, 0005 and 0013.

-- The cycles a statement names, each once.
CREATE OR REPLACE FUNCTION sika_sealed_lines_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT cycle_id FROM changed) x
             JOIN cycles c ON c.id = x.cycle_id
             WHERE c.seal_sha256 IS NOT NULL) THEN
    RAISE EXCEPTION 'payroll lines of a sealed cycle cannot be changed (%)', TG_OP
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint

-- Households by hashing: a build names every household of the programme, so reading them all
-- once is cheaper than a probe per row.
CREATE FUNCTION sika_build_output_insert_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_nestloop = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT cycle_id FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM cycles y WHERE y.id = c.cycle_id)) THEN
    RAISE EXCEPTION '% names a cycle that does not exist', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c WHERE c.household_id IS NOT NULL) THEN
    IF EXISTS (SELECT 1 FROM changed c
               WHERE c.household_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM households h WHERE h.id = c.household_id)) THEN
      RAISE EXCEPTION '% names a household that does not exist', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
    END IF;
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
DROP TRIGGER payroll_lines_refs_insert ON payroll_lines;
--> statement-breakpoint
CREATE TRIGGER payroll_lines_refs_insert AFTER INSERT ON payroll_lines
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_insert_refs();
--> statement-breakpoint
DROP TRIGGER cycle_flags_refs_insert ON cycle_flags;
--> statement-breakpoint
CREATE TRIGGER cycle_flags_refs_insert AFTER INSERT ON cycle_flags
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_insert_refs();
--> statement-breakpoint
DROP TRIGGER cycle_exclusions_refs_insert ON cycle_exclusions;
--> statement-breakpoint
CREATE TRIGGER cycle_exclusions_refs_insert AFTER INSERT ON cycle_exclusions
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_build_output_insert_refs();
--> statement-breakpoint

-- Items: each line they name is looked up once, in id order (a build's lines are contiguous, so
-- consecutive probes read the same pages), giving both its existence and its cycle; a hash join
-- would read every line of every earlier cycle. Then each cycle once for its seal.
CREATE FUNCTION sika_line_items_insert_checks() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  missing boolean;
  sealed boolean;
BEGIN
  WITH named AS MATERIALIZED (
    SELECT l.id, l.cycle_id
    FROM (SELECT DISTINCT payroll_line_id AS id FROM changed ORDER BY 1) i
    LEFT JOIN payroll_lines l ON l.id = i.id
  )
  SELECT EXISTS (SELECT 1 FROM named WHERE id IS NULL),
    EXISTS (SELECT 1 FROM (SELECT DISTINCT cycle_id FROM named WHERE id IS NOT NULL) x
            JOIN cycles c ON c.id = x.cycle_id WHERE c.seal_sha256 IS NOT NULL)
  INTO missing, sealed;
  IF missing OR EXISTS (SELECT 1 FROM changed c
                        WHERE c.replaces_line_id IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM payroll_lines l
                                          WHERE l.id = c.replaces_line_id)) THEN
    RAISE EXCEPTION 'payroll_line_items names a payroll line that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF sealed THEN
    RAISE EXCEPTION 'line items of a sealed cycle cannot be changed (%)', TG_OP
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER payroll_line_items_refs_insert ON payroll_line_items;
--> statement-breakpoint
DROP TRIGGER payroll_line_items_sealed_insert ON payroll_line_items;
--> statement-breakpoint
CREATE TRIGGER payroll_line_items_insert_checks AFTER INSERT ON payroll_line_items
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_line_items_insert_checks();
