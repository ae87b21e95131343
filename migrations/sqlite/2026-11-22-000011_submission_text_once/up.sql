-- A submission's text is kept only where it differs from its one comment: an import wrote
-- every text twice. NULL means "the body of its only comment, unedited"; the trigger keeps
-- the received text before a comment's body first changes (a split, an edit).
ALTER TABLE submissions ADD COLUMN received_body TEXT;
UPDATE submissions SET received_body = body
WHERE (SELECT COUNT(*) FROM comments c WHERE c.submission_id = submissions.id) <> 1
   OR NOT EXISTS (SELECT 1 FROM comments c
                  WHERE c.submission_id = submissions.id AND c.body = submissions.body);
ALTER TABLE submissions DROP COLUMN body;
ALTER TABLE submissions RENAME COLUMN received_body TO body;

CREATE TRIGGER comments_keep_received_body BEFORE UPDATE OF body ON comments
WHEN NEW.body IS NOT OLD.body
BEGIN
    UPDATE submissions SET body = OLD.body WHERE id = OLD.submission_id AND body IS NULL;
END;
