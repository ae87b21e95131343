-- Staff confirmed a submitter's kind by hand: the pre-publication check then no longer asks
-- whether an organisation whose name is not of an organisation's shape is really a person.
ALTER TABLE submitters ADD COLUMN kind_confirmed BOOLEAN NOT NULL DEFAULT FALSE;
