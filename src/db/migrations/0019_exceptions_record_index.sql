-- A file's exceptions are found by its records' ids: without this index each count or cleanup of them
-- read every exception once per record whenever the planner misjudged how many records a file has.
CREATE INDEX "exceptions_record_idx" ON "exceptions" USING btree ("settlement_record_id");
