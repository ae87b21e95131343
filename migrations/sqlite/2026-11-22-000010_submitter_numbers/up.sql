-- Individuals are published as 個人A, 個人B, … in the order they were first seen. The number
-- is kept beside each one instead of counting the individuals before it on every view.
ALTER TABLE submitters ADD COLUMN public_number INTEGER;
CREATE TEMP TABLE submitter_ranks (id INTEGER PRIMARY KEY, r INTEGER NOT NULL);
INSERT INTO submitter_ranks (id, r)
    SELECT id, ROW_NUMBER() OVER (PARTITION BY consultation_id ORDER BY id)
    FROM submitters WHERE kind = 'individual';
UPDATE submitters SET public_number = (SELECT r FROM submitter_ranks t WHERE t.id = submitters.id)
WHERE kind = 'individual';
DROP TABLE submitter_ranks;
CREATE INDEX submitters_public_number ON submitters(consultation_id, kind, public_number);
