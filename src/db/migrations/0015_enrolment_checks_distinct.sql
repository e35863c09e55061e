-- The statement checks of 0014 probe each distinct key a statement wrote once, not once per row:
-- a batch of members names about a quarter as many households as it has rows, and a batch of
-- households only a few regions and districts and one import file.

CREATE OR REPLACE FUNCTION sika_households_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT region_code FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = c.region_code)) THEN
    RAISE EXCEPTION 'households names a region that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT district_code FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM districts d WHERE d.code = c.district_code)) THEN
    RAISE EXCEPTION 'households names a district that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT import_file_id FROM changed) c
             WHERE c.import_file_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM import_files f WHERE f.id = c.import_file_id)) THEN
    RAISE EXCEPTION 'households names an import file that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sika_household_child_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT household_id FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM households h WHERE h.id = c.household_id)) THEN
    RAISE EXCEPTION '% names a household that does not exist', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sika_lipw_attendance_refs() RETURNS trigger LANGUAGE plpgsql
  SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT worker_id FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM lipw_workers w WHERE w.id = c.worker_id)) THEN
    RAISE EXCEPTION 'lipw_attendance names a worker that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT subproject_id FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM lipw_subprojects s WHERE s.id = c.subproject_id)) THEN
    RAISE EXCEPTION 'lipw_attendance names a sub-project that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
