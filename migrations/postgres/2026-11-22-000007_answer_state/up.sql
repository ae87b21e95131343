-- The review state of a comment's answer (NULL: unanswered) beside the comment, kept by a
-- trigger, so that a list filtered by category and state reads one index range.
ALTER TABLE comments ADD COLUMN answer_state TEXT;
UPDATE comments SET answer_state = r.state FROM responses r WHERE r.comment_id = comments.id;
CREATE INDEX comments_state ON comments(consultation_id, answer_state, number, part);
CREATE INDEX comments_category_state ON comments(consultation_id, category_id, answer_state, number, part);

CREATE FUNCTION answer_state_follow() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE comments SET answer_state = NULL
        WHERE id = OLD.comment_id AND (TG_OP = 'DELETE' OR OLD.comment_id <> NEW.comment_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE comments SET answer_state = NEW.state WHERE id = NEW.comment_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER answer_state_follow AFTER INSERT OR DELETE OR UPDATE OF state, comment_id ON responses
    FOR EACH ROW EXECUTE FUNCTION answer_state_follow();
