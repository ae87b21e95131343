-- The whole flow's data model: intake → triage → drafting → review → publish.
-- Kept in step with migrations/postgres: same tables, columns and indexes.

CREATE TABLE consultations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The draft's structure (原案): 編 > 章 > sections > items, each with its text.
CREATE TABLE clauses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES clauses(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    heading TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    depth INTEGER NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (consultation_id, label)
);
CREATE INDEX clauses_parent ON clauses(parent_id);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (consultation_id, name)
);

-- Contact data here is personal information: never exported, shown only to permitted users.
CREATE TABLE submitters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    attribute TEXT NOT NULL DEFAULT '',
    email TEXT,
    phone TEXT,
    address TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, kind, name)
);

CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    profile TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    comments_added INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, sha256)
);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    submitter_id BIGINT REFERENCES submitters(id) ON DELETE SET NULL,
    import_batch_id BIGINT REFERENCES import_batches(id) ON DELETE SET NULL,
    source_row INTEGER,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX submissions_consultation ON submissions(consultation_id);

CREATE TABLE duplicate_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    representative_comment_id BIGINT,
    status TEXT NOT NULL,
    method TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One point to answer. (number, part) is the stable No.: part 0 is an unsplit comment,
-- parts 1.. are the points split from comment `number`.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    submission_id BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    part INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    volume TEXT,
    chapter TEXT,
    page TEXT,
    category_id BIGINT REFERENCES categories(id) ON DELETE SET NULL,
    clause_id BIGINT REFERENCES clauses(id) ON DELETE SET NULL,
    duplicate_group_id BIGINT REFERENCES duplicate_groups(id) ON DELETE SET NULL,
    split_from_id BIGINT REFERENCES comments(id) ON DELETE SET NULL,
    match_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, number, part)
);
CREATE INDEX comments_submission ON comments(submission_id);
CREATE INDEX comments_category ON comments(consultation_id, category_id);
CREATE INDEX comments_clause ON comments(consultation_id, clause_id);
CREATE INDEX comments_group ON comments(duplicate_group_id);
CREATE INDEX comments_match_key ON comments(consultation_id, match_key);

-- Clause references found in a comment's 章/頁 cells or its text (parsed, or set by hand).
CREATE TABLE comment_clause_refs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    raw TEXT NOT NULL,
    clause_path TEXT,
    detail TEXT,
    page_from INTEGER,
    page_to INTEGER,
    clause_id BIGINT REFERENCES clauses(id) ON DELETE SET NULL
);
CREATE INDEX comment_clause_refs_comment ON comment_clause_refs(comment_id);
CREATE INDEX comment_clause_refs_path ON comment_clause_refs(clause_path);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    can_view_personal BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE consultation_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    UNIQUE (consultation_id, user_id)
);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id BIGINT NOT NULL UNIQUE REFERENCES comments(id) ON DELETE CASCADE,
    drafter_id BIGINT NOT NULL REFERENCES users(id),
    assigned_by BIGINT REFERENCES users(id),
    due_on DATE,
    assigned_at TIMESTAMP NOT NULL
);
CREATE INDEX assignments_drafter ON assignments(drafter_id);

CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    clause_prefix TEXT,
    category_id BIGINT REFERENCES categories(id) ON DELETE CASCADE,
    drafter_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position INTEGER NOT NULL
);

-- 方針・コメント: one per comment; `version` guards against lost updates.
CREATE TABLE responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id BIGINT NOT NULL UNIQUE REFERENCES comments(id) ON DELETE CASCADE,
    disposition TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    reviewer_remark TEXT,
    updated_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX responses_state ON responses(state);

-- 修正内容: one change to one clause, answering one or more comments.
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    clause_id BIGINT REFERENCES clauses(id) ON DELETE SET NULL,
    clause_label TEXT NOT NULL,
    original_text TEXT NOT NULL,
    revised_text TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX revisions_consultation ON revisions(consultation_id);

CREATE TABLE revision_comments (
    revision_id BIGINT NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    PRIMARY KEY (revision_id, comment_id)
);
CREATE INDEX revision_comments_comment ON revision_comments(comment_id);

-- 定型文: consultation_id NULL means a phrase loaded from templates/.
CREATE TABLE stock_phrases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id BIGINT REFERENCES consultations(id) ON DELETE CASCADE,
    disposition TEXT NOT NULL,
    body TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mail_outbox_pending ON mail_outbox(sent_at, next_attempt_at);

-- Append-only: the app has no code path that updates or deletes these rows.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    consultation_id BIGINT REFERENCES consultations(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_events_consultation ON audit_events(consultation_id, occurred_at);
