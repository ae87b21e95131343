-- Indexes that answer list filters, their order and the dashboard's counts without reading
-- comment rows (in SQLite a long body pushes later columns onto overflow pages).
DROP INDEX comments_category;
CREATE INDEX comments_category ON comments(consultation_id, category_id, number, part);
DROP INDEX comments_clause;
CREATE INDEX comments_clause ON comments(consultation_id, clause_id, number, part);
CREATE INDEX comments_chapter ON comments(consultation_id, chapter);
CREATE INDEX responses_comment_state ON responses(comment_id, state, disposition);
