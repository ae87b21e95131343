-- A submission's text is kept only where it differs from its one comment: an import wrote
-- every text twice. NULL means "the body of its only comment, unedited"; the trigger keeps
-- the received text before a comment's body first changes (a split, an edit).
ALTER TABLE submissions ALTER COLUMN body DROP NOT NULL;
UPDATE submissions s SET body = NULL
FROM comments c
WHERE c.submission_id = s.id AND c.body = s.body
  AND NOT EXISTS (SELECT 1 FROM comments o WHERE o.submission_id = s.id AND o.id <> c.id);

CREATE FUNCTION comments_keep_received_body() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE submissions SET body = OLD.body WHERE id = OLD.submission_id AND body IS NULL;
    RETURN NEW;
END $$;
CREATE TRIGGER comments_keep_received_body BEFORE UPDATE OF body ON comments
FOR EACH ROW WHEN (NEW.body IS DISTINCT FROM OLD.body)
EXECUTE FUNCTION comments_keep_received_body();
