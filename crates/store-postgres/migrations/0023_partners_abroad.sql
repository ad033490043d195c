-- A partner abroad (the receiving organisation of a return from Romania) is listed in the
-- directory with its country, ISO 3166-1 alpha-2; the jurisdiction's own organisations have none.
ALTER TABLE organisations ADD COLUMN country TEXT;
