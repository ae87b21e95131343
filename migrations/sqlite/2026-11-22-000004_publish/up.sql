-- Personal information removed from a comment's published text. The comment itself keeps
-- what was submitted; the export replaces `original` by `replacement`.
CREATE TABLE redactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    original TEXT NOT NULL,
    replacement TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX redactions_comment ON redactions(comment_id);
