DROP INDEX responses_comment_state;
DROP INDEX comments_chapter;
DROP INDEX comments_clause;
CREATE INDEX comments_clause ON comments(consultation_id, clause_id);
DROP INDEX comments_category;
CREATE INDEX comments_category ON comments(consultation_id, category_id);
