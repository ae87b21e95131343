DROP INDEX submitters_identity; ALTER TABLE submitters DROP COLUMN identity_key;
