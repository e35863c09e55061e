-- The references of settlement_records and line_status_events, checked once per statement over
-- all the rows it wrote instead of by a foreign key trigger per row: a national response file
-- writes hundreds of thousands of each, and the per-row checks (each locking the line it names)
-- were most of its reconciliation time. PL/pgSQL plans these queries once per session, with the
-- transition table of the first call: the plan is pinned to index probes so that a plan made
-- for a one-row statement never turns into a scan of every line per row of a large one.

CREATE FUNCTION sika_settlement_records_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c
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
--> statement-breakpoint
CREATE TRIGGER settlement_records_refs_insert AFTER INSERT ON settlement_records
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_settlement_records_refs();
--> statement-breakpoint
CREATE TRIGGER settlement_records_refs_update AFTER UPDATE ON settlement_records
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_settlement_records_refs();
--> statement-breakpoint

CREATE FUNCTION sika_line_status_events_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM payroll_lines l WHERE l.id = c.payroll_line_id)) THEN
    RAISE EXCEPTION 'line_status_events names a payroll line that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE c.settlement_record_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM settlement_records r
                               WHERE r.id = c.settlement_record_id)) THEN
    RAISE EXCEPTION 'line_status_events names a settlement record that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER line_status_events_refs_insert AFTER INSERT ON line_status_events
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_line_status_events_refs();
--> statement-breakpoint
CREATE TRIGGER line_status_events_refs_update AFTER UPDATE ON line_status_events
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_line_status_events_refs();
--> statement-breakpoint

-- The other side: a line, record or file still named cannot be deleted.
CREATE FUNCTION sika_settlement_referenced_delete() RETURNS trigger LANGUAGE plpgsql
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF TG_TABLE_NAME = 'payroll_lines' AND (
       EXISTS (SELECT 1 FROM gone g JOIN settlement_records r ON r.payroll_line_id = g.id)
    OR EXISTS (SELECT 1 FROM gone g JOIN line_status_events e ON e.payroll_line_id = g.id)) THEN
    RAISE EXCEPTION 'payroll lines named by settlement records or status events cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  ELSIF TG_TABLE_NAME = 'settlement_records'
    AND EXISTS (SELECT 1 FROM gone g JOIN line_status_events e ON e.settlement_record_id = g.id) THEN
    RAISE EXCEPTION 'settlement records named by status events cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  ELSIF TG_TABLE_NAME = 'settlement_files'
    AND EXISTS (SELECT 1 FROM settlement_records r
                WHERE r.settlement_file_id IN (SELECT id FROM gone)) THEN
    RAISE EXCEPTION 'settlement files with records cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payroll_lines_settlement_refs_delete AFTER DELETE ON payroll_lines
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_settlement_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER settlement_records_refs_delete AFTER DELETE ON settlement_records
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_settlement_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER settlement_files_refs_delete AFTER DELETE ON settlement_files
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_settlement_referenced_delete();
