-- 論点: comments that make the same point in different words, summarised by staff
-- (意見の概要) and answered once. The topic's own answer lives here; its members' answers
-- are copies kept in step, as a confirmed 同旨 group's are.
CREATE TABLE topics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    clause_id BIGINT REFERENCES clauses(id) ON DELETE SET NULL,
    category_id BIGINT REFERENCES categories(id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1,
    disposition TEXT,
    answer_body TEXT NOT NULL DEFAULT '',
    answer_state TEXT NOT NULL DEFAULT 'not_started',
    answer_version INTEGER NOT NULL DEFAULT 0,
    reviewer_remark TEXT,
    answer_updated_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, number)
);
-- Which topic a comment is in: at most one (the key). Kept beside comments, not in them, so
-- moving thousands of comments does not run the comments' triggers.
CREATE TABLE topic_members (
    comment_id INTEGER PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE,
    topic_id BIGINT NOT NULL REFERENCES topics(id) ON DELETE CASCADE
);
CREATE INDEX topic_members_topic ON topic_members(topic_id);

-- A suggestion staff dismissed, by the sorted ids of its members: it is not offered again
-- while the same comments would form it.
CREATE TABLE topic_dismissals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    signature TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, signature)
);
