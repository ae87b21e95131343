-- Who a submitter is, ignoring width and spacing (個人Ｃ = 個人C, 株式会社 ＡＢＣ = 株式会社ABC):
-- NFKC without spaces, lower case, computed by the application. Rows from before keep their
-- name as their key (they were told apart by exact name until now).
ALTER TABLE submitters ADD COLUMN identity_key TEXT;
UPDATE submitters SET identity_key = name;
CREATE INDEX submitters_identity ON submitters(consultation_id, kind, identity_key);
