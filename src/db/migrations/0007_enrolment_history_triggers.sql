-- Effective-dated enrolment: every real change of a household, enrolment, member or payment
-- instrument keeps the version it replaces in <table>_history, so the enrolment can be read as
-- it stood at any moment (<table>_as_of) and a past cycle rebuilt from it. Triggers, not the
-- import code, write the history, so every path that changes these tables is covered:
-- - history is written once per statement from its transition tables, so an import updating
--   thousands of rows writes its history in one insert, and an update that changes nothing
--   writes none;
-- - history is evidence, like the audit trail: append-only;
-- - <table>_as_of(moment) names the history columns, so a column added to a table without its
--   history makes it fail loudly instead of reading wrong.

-- Rows already stored have no known start: they count as in force from the beginning.
UPDATE households SET valid_from = '-infinity';
--> statement-breakpoint
UPDATE enrolments SET valid_from = '-infinity';
--> statement-breakpoint
UPDATE members SET valid_from = '-infinity';
--> statement-breakpoint
UPDATE payment_instruments SET valid_from = '-infinity';
--> statement-breakpoint
UPDATE grant_schedules SET recorded_at = '-infinity';
--> statement-breakpoint

-- A new version is in force from the time of the transaction that made it, the same clock as
-- cycles.built_at. The trigger runs only for rows that really change.
CREATE FUNCTION sika_stamp_valid_from() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.valid_from := now();
  RETURN NEW;
END;
$$;
--> statement-breakpoint

-- The import file being loaded of one of these kinds (its counts are written only when it
-- finishes), or null when no import is running: the file a superseded version was replaced by.
CREATE FUNCTION sika_loading_file(kinds text[]) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT id FROM public.import_files
  WHERE kind = ANY (kinds) AND rows_total = 0
  ORDER BY id DESC LIMIT 1
$$;
--> statement-breakpoint
CREATE TRIGGER households_valid_from BEFORE UPDATE ON households
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sika_stamp_valid_from();
--> statement-breakpoint
CREATE FUNCTION sika_households_superseded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  replaced_by integer := public.sika_loading_file(ARRAY['households']);
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO public.households_history (id, household_ref, region_code, district_code, community, enrolled_on, last_assessed_on, import_file_id, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.household_ref, o.region_code, o.district_code, o.community, o.enrolled_on, o.last_assessed_on, o.import_file_id, o.valid_from, now(), replaced_by, 'update'
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.*) IS DISTINCT FROM (n.*);
  ELSE
    INSERT INTO public.households_history (id, household_ref, region_code, district_code, community, enrolled_on, last_assessed_on, import_file_id, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.household_ref, o.region_code, o.district_code, o.community, o.enrolled_on, o.last_assessed_on, o.import_file_id, o.valid_from, now(), replaced_by, 'delete'
    FROM old_rows o;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER households_history_update AFTER UPDATE ON households
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_households_superseded();
--> statement-breakpoint
CREATE TRIGGER households_history_delete AFTER DELETE ON households
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_households_superseded();
--> statement-breakpoint
CREATE TRIGGER households_history_append_only BEFORE UPDATE OR DELETE ON households_history
  FOR EACH ROW EXECUTE FUNCTION sika_refuse('households_history is append-only');
--> statement-breakpoint
CREATE TRIGGER households_history_no_truncate BEFORE TRUNCATE ON households_history
  FOR EACH STATEMENT EXECUTE FUNCTION sika_refuse('households_history is append-only');
--> statement-breakpoint
CREATE FUNCTION households_as_of(moment timestamptz) RETURNS SETOF public.households
LANGUAGE sql STABLE AS $$
  SELECT * FROM public.households WHERE valid_from <= moment
  UNION ALL
  SELECT id, household_ref, region_code, district_code, community, enrolled_on, last_assessed_on, import_file_id, valid_from FROM public.households_history
  WHERE valid_from <= moment AND valid_to > moment
$$;
--> statement-breakpoint
CREATE TRIGGER enrolments_valid_from BEFORE UPDATE ON enrolments
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sika_stamp_valid_from();
--> statement-breakpoint
CREATE FUNCTION sika_enrolments_superseded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  replaced_by integer := public.sika_loading_file(ARRAY['households']);
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO public.enrolments_history (id, household_id, programme, status, since, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.household_id, o.programme, o.status, o.since, o.valid_from, now(), replaced_by, 'update'
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.*) IS DISTINCT FROM (n.*);
  ELSE
    INSERT INTO public.enrolments_history (id, household_id, programme, status, since, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.household_id, o.programme, o.status, o.since, o.valid_from, now(), replaced_by, 'delete'
    FROM old_rows o;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER enrolments_history_update AFTER UPDATE ON enrolments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolments_superseded();
--> statement-breakpoint
CREATE TRIGGER enrolments_history_delete AFTER DELETE ON enrolments
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_enrolments_superseded();
--> statement-breakpoint
CREATE TRIGGER enrolments_history_append_only BEFORE UPDATE OR DELETE ON enrolments_history
  FOR EACH ROW EXECUTE FUNCTION sika_refuse('enrolments_history is append-only');
--> statement-breakpoint
CREATE TRIGGER enrolments_history_no_truncate BEFORE TRUNCATE ON enrolments_history
  FOR EACH STATEMENT EXECUTE FUNCTION sika_refuse('enrolments_history is append-only');
--> statement-breakpoint
CREATE FUNCTION enrolments_as_of(moment timestamptz) RETURNS SETOF public.enrolments
LANGUAGE sql STABLE AS $$
  SELECT * FROM public.enrolments WHERE valid_from <= moment
  UNION ALL
  SELECT id, household_id, programme, status, since, valid_from FROM public.enrolments_history
  WHERE valid_from <= moment AND valid_to > moment
$$;
--> statement-breakpoint
CREATE TRIGGER members_valid_from BEFORE UPDATE ON members
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sika_stamp_valid_from();
--> statement-breakpoint
CREATE FUNCTION sika_members_superseded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  replaced_by integer := public.sika_loading_file(ARRAY['members']);
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO public.members_history (id, member_ref, household_id, full_name, sex, date_of_birth, ghana_card_pin, category, role, deceased_on, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.member_ref, o.household_id, o.full_name, o.sex, o.date_of_birth, o.ghana_card_pin, o.category, o.role, o.deceased_on, o.valid_from, now(), replaced_by, 'update'
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.*) IS DISTINCT FROM (n.*);
  ELSE
    INSERT INTO public.members_history (id, member_ref, household_id, full_name, sex, date_of_birth, ghana_card_pin, category, role, deceased_on, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.member_ref, o.household_id, o.full_name, o.sex, o.date_of_birth, o.ghana_card_pin, o.category, o.role, o.deceased_on, o.valid_from, now(), replaced_by, 'delete'
    FROM old_rows o;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER members_history_update AFTER UPDATE ON members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_members_superseded();
--> statement-breakpoint
CREATE TRIGGER members_history_delete AFTER DELETE ON members
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_members_superseded();
--> statement-breakpoint
CREATE TRIGGER members_history_append_only BEFORE UPDATE OR DELETE ON members_history
  FOR EACH ROW EXECUTE FUNCTION sika_refuse('members_history is append-only');
--> statement-breakpoint
CREATE TRIGGER members_history_no_truncate BEFORE TRUNCATE ON members_history
  FOR EACH STATEMENT EXECUTE FUNCTION sika_refuse('members_history is append-only');
--> statement-breakpoint
CREATE FUNCTION members_as_of(moment timestamptz) RETURNS SETOF public.members
LANGUAGE sql STABLE AS $$
  SELECT * FROM public.members WHERE valid_from <= moment
  UNION ALL
  SELECT id, member_ref, household_id, full_name, sex, date_of_birth, ghana_card_pin, category, role, deceased_on, valid_from FROM public.members_history
  WHERE valid_from <= moment AND valid_to > moment
$$;
--> statement-breakpoint
CREATE TRIGGER payment_instruments_valid_from BEFORE UPDATE ON payment_instruments
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sika_stamp_valid_from();
--> statement-breakpoint
CREATE FUNCTION sika_payment_instruments_superseded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  replaced_by integer := public.sika_loading_file(ARRAY['instruments']);
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO public.payment_instruments_history (id, household_id, channel, account_number, bank_sort_code, holder_name, verified, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.household_id, o.channel, o.account_number, o.bank_sort_code, o.holder_name, o.verified, o.valid_from, now(), replaced_by, 'update'
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.*) IS DISTINCT FROM (n.*);
  ELSE
    INSERT INTO public.payment_instruments_history (id, household_id, channel, account_number, bank_sort_code, holder_name, verified, valid_from, valid_to, replaced_by_file_id, change)
    SELECT o.id, o.household_id, o.channel, o.account_number, o.bank_sort_code, o.holder_name, o.verified, o.valid_from, now(), replaced_by, 'delete'
    FROM old_rows o;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payment_instruments_history_update AFTER UPDATE ON payment_instruments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_payment_instruments_superseded();
--> statement-breakpoint
CREATE TRIGGER payment_instruments_history_delete AFTER DELETE ON payment_instruments
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sika_payment_instruments_superseded();
--> statement-breakpoint
CREATE TRIGGER payment_instruments_history_append_only BEFORE UPDATE OR DELETE ON payment_instruments_history
  FOR EACH ROW EXECUTE FUNCTION sika_refuse('payment_instruments_history is append-only');
--> statement-breakpoint
CREATE TRIGGER payment_instruments_history_no_truncate BEFORE TRUNCATE ON payment_instruments_history
  FOR EACH STATEMENT EXECUTE FUNCTION sika_refuse('payment_instruments_history is append-only');
--> statement-breakpoint
CREATE FUNCTION payment_instruments_as_of(moment timestamptz) RETURNS SETOF public.payment_instruments
LANGUAGE sql STABLE AS $$
  SELECT * FROM public.payment_instruments WHERE valid_from <= moment
  UNION ALL
  SELECT id, household_id, channel, account_number, bank_sort_code, holder_name, verified, valid_from FROM public.payment_instruments_history
  WHERE valid_from <= moment AND valid_to > moment
$$;
