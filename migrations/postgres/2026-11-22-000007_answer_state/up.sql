-- The review state of a comment's answer (NULL: unanswered) beside the comment, kept by a
-- trigger, so that a list filtered by category and state reads one index range.
ALTER TABLE comments ADD COLUMN answer_state TEXT;
UPDATE comments SET answer_state = r.state FROM responses r WHERE r.comment_id = comments.id;
CREATE INDEX comments_state ON comments(consultation_id, answer_state, number, part);
CREATE INDEX comments_category_state ON comments(consultation_id, category_id, answer_state, number, part);

-- Once per statement (transition tables), like the counts: see …_tallies.
CREATE FUNCTION answer_state_set() RETURNS trigger AS $$
BEGIN
    UPDATE comments c SET answer_state = n.state
    FROM new_rows n WHERE c.id = n.comment_id AND c.answer_state IS DISTINCT FROM n.state;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION answer_state_moved() RETURNS trigger AS $$
BEGIN
    UPDATE comments c SET answer_state = NULL
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE c.id = o.comment_id AND o.comment_id <> n.comment_id;
    UPDATE comments c SET answer_state = n.state
    FROM new_rows n WHERE c.id = n.comment_id AND c.answer_state IS DISTINCT FROM n.state;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION answer_state_cleared() RETURNS trigger AS $$
BEGIN
    UPDATE comments c SET answer_state = NULL FROM old_rows o WHERE c.id = o.comment_id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER answer_state_insert AFTER INSERT ON responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION answer_state_set();
CREATE TRIGGER answer_state_update AFTER UPDATE ON responses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION answer_state_moved();
CREATE TRIGGER answer_state_delete AFTER DELETE ON responses
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION answer_state_cleared();
