DROP TRIGGER comments_keep_received_body ON comments;
DROP FUNCTION comments_keep_received_body();
UPDATE submissions s SET body = c.body FROM comments c
WHERE s.body IS NULL AND c.submission_id = s.id;
ALTER TABLE submissions ALTER COLUMN body SET NOT NULL;
