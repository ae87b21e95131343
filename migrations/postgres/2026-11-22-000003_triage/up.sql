-- Work to tell a user about in their next digest mail.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    mailed_at TIMESTAMP
);
CREATE INDEX notifications_pending ON notifications(mailed_at, user_id);

ALTER TABLE assignments ADD COLUMN reminded_on DATE;

-- Japanese substring search: trigram index serving LIKE '%…%'.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX comments_body_trgm ON comments USING gin (body gin_trgm_ops);
