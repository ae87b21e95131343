-- Individuals are published as 個人A, 個人B, … in the order they were first seen. The number
-- is kept beside each one instead of counting the individuals before it on every view.
ALTER TABLE submitters ADD COLUMN public_number INTEGER;
UPDATE submitters s SET public_number = n.r FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY consultation_id ORDER BY id) AS r
    FROM submitters WHERE kind = 'individual'
) n WHERE n.id = s.id;
CREATE INDEX submitters_public_number ON submitters(consultation_id, kind, public_number);
