ALTER TABLE revisions DROP COLUMN revised_clause_label;
