DROP INDEX submitters_public_number;
ALTER TABLE submitters DROP COLUMN public_number;
