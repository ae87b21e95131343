DROP TRIGGER comments_keep_received_body;
UPDATE submissions SET body = (SELECT c.body FROM comments c WHERE c.submission_id = submissions.id)
WHERE body IS NULL;
ALTER TABLE submissions ADD COLUMN received_body TEXT NOT NULL DEFAULT '';
UPDATE submissions SET received_body = COALESCE(body, '');
ALTER TABLE submissions DROP COLUMN body;
ALTER TABLE submissions RENAME COLUMN received_body TO body;
