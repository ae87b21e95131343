ALTER TABLE submitters DROP COLUMN kind_confirmed;
