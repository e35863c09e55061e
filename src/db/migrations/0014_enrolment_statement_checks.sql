-- The references of the enrolment tables an import fills by the hundred thousand, checked once
-- per statement over all the rows it wrote instead of by a foreign key trigger per row: the
-- per-row checks (each locking the row it names) were most of the import's database time. The
-- joins are forced to index probes so that a batch never scans a whole table.
-- Limitation: unlike a foreign key, a check takes no lock on the row it names, so a household
-- deleted by another transaction at the same moment as its members are written is not caught
-- (nothing in Sika deletes households, districts, regions, files, workers or sites).

CREATE FUNCTION sika_households_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = c.region_code)) THEN
    RAISE EXCEPTION 'households names a region that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM districts d WHERE d.code = c.district_code)) THEN
    RAISE EXCEPTION 'households names a district that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE c.import_file_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM import_files f WHERE f.id = c.import_file_id)) THEN
    RAISE EXCEPTION 'households names an import file that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER households_refs_insert AFTER INSERT ON households
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_households_refs();
--> statement-breakpoint
CREATE TRIGGER households_refs_update AFTER UPDATE ON households
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_households_refs();
--> statement-breakpoint

-- enrolments, members and payment_instruments: each row names a household.
CREATE FUNCTION sika_household_child_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM households h WHERE h.id = c.household_id)) THEN
    RAISE EXCEPTION '% names a household that does not exist', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER enrolments_refs_insert AFTER INSERT ON enrolments
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_household_child_refs();
--> statement-breakpoint
CREATE TRIGGER enrolments_refs_update AFTER UPDATE ON enrolments
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_household_child_refs();
--> statement-breakpoint
CREATE TRIGGER members_refs_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_household_child_refs();
--> statement-breakpoint
CREATE TRIGGER members_refs_update AFTER UPDATE ON members
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_household_child_refs();
--> statement-breakpoint
CREATE TRIGGER payment_instruments_refs_insert AFTER INSERT ON payment_instruments
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_household_child_refs();
--> statement-breakpoint
CREATE TRIGGER payment_instruments_refs_update AFTER UPDATE ON payment_instruments
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_household_child_refs();
--> statement-breakpoint

CREATE FUNCTION sika_lipw_attendance_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM lipw_workers w WHERE w.id = c.worker_id)) THEN
    RAISE EXCEPTION 'lipw_attendance names a worker that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM lipw_subprojects s WHERE s.id = c.subproject_id)) THEN
    RAISE EXCEPTION 'lipw_attendance names a sub-project that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER lipw_attendance_refs_insert AFTER INSERT ON lipw_attendance
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_lipw_attendance_refs();
--> statement-breakpoint
CREATE TRIGGER lipw_attendance_refs_update AFTER UPDATE ON lipw_attendance
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sika_lipw_attendance_refs();
--> statement-breakpoint

-- The other side: a row still named cannot be deleted, nor its key changed. Keys that are still
-- there (an update that kept the key) are passed over before any child table is read.
CREATE FUNCTION sika_enrolment_referenced() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  -- One branch per table: each query is planned only for the table whose rows it reads.
  IF TG_TABLE_NAME = 'households' THEN
    IF EXISTS (SELECT 1 FROM gone g LEFT JOIN households h ON h.id = g.id
        WHERE h.id IS NULL
          AND (EXISTS (SELECT 1 FROM enrolments e WHERE e.household_id = g.id)
            OR EXISTS (SELECT 1 FROM members m WHERE m.household_id = g.id)
            OR EXISTS (SELECT 1 FROM payment_instruments p WHERE p.household_id = g.id))) THEN
      RAISE EXCEPTION 'households with enrolments, members or instruments cannot be deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'regions' THEN
    IF EXISTS (SELECT 1 FROM gone g LEFT JOIN regions r ON r.code = g.code
        WHERE r.code IS NULL
          AND EXISTS (SELECT 1 FROM households h WHERE h.region_code = g.code)) THEN
      RAISE EXCEPTION 'regions named by households cannot be deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'districts' THEN
    IF EXISTS (SELECT 1 FROM gone g LEFT JOIN districts d ON d.code = g.code
        WHERE d.code IS NULL
          AND EXISTS (SELECT 1 FROM households h WHERE h.district_code = g.code)) THEN
      RAISE EXCEPTION 'districts named by households cannot be deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'import_files' THEN
    IF EXISTS (SELECT 1 FROM gone g LEFT JOIN import_files f ON f.id = g.id
        WHERE f.id IS NULL
          AND EXISTS (SELECT 1 FROM households h WHERE h.import_file_id = g.id)) THEN
      RAISE EXCEPTION 'import files named by households cannot be deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'lipw_workers' THEN
    IF EXISTS (SELECT 1 FROM gone g LEFT JOIN lipw_workers w ON w.id = g.id
        WHERE w.id IS NULL
          AND EXISTS (SELECT 1 FROM lipw_attendance a WHERE a.worker_id = g.id)) THEN
      RAISE EXCEPTION 'workers with attendance cannot be deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'lipw_subprojects' THEN
    IF EXISTS (SELECT 1 FROM gone g LEFT JOIN lipw_subprojects s ON s.id = g.id
        WHERE s.id IS NULL
          AND EXISTS (SELECT 1 FROM lipw_attendance a WHERE a.subproject_id = g.id)) THEN
      RAISE EXCEPTION 'sub-projects with attendance cannot be deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER households_referenced_delete AFTER DELETE ON households
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER households_referenced_update AFTER UPDATE ON households
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER regions_referenced_delete AFTER DELETE ON regions
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER regions_referenced_update AFTER UPDATE ON regions
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER districts_referenced_delete AFTER DELETE ON districts
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER districts_referenced_update AFTER UPDATE ON districts
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER import_files_referenced_delete AFTER DELETE ON import_files
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER import_files_referenced_update AFTER UPDATE ON import_files
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER lipw_workers_referenced_delete AFTER DELETE ON lipw_workers
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER lipw_workers_referenced_update AFTER UPDATE ON lipw_workers
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER lipw_subprojects_referenced_delete AFTER DELETE ON lipw_subprojects
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
--> statement-breakpoint
CREATE TRIGGER lipw_subprojects_referenced_update AFTER UPDATE ON lipw_subprojects
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolment_referenced();
