-- The review state of a comment's answer (NULL: unanswered) beside the comment, kept by
-- triggers, so that a list filtered by category and state reads one index range.
ALTER TABLE comments ADD COLUMN answer_state TEXT;
UPDATE comments SET answer_state = (SELECT r.state FROM responses r WHERE r.comment_id = comments.id)
    WHERE id IN (SELECT comment_id FROM responses);
CREATE INDEX comments_state ON comments(consultation_id, answer_state, number, part);
CREATE INDEX comments_category_state ON comments(consultation_id, category_id, answer_state, number, part);

CREATE TRIGGER answer_state_insert AFTER INSERT ON responses BEGIN
    UPDATE comments SET answer_state = new.state WHERE id = new.comment_id;
END;
CREATE TRIGGER answer_state_update AFTER UPDATE OF state, comment_id ON responses BEGIN
    UPDATE comments SET answer_state = NULL WHERE id = old.comment_id AND old.comment_id <> new.comment_id;
    UPDATE comments SET answer_state = new.state WHERE id = new.comment_id;
END;
CREATE TRIGGER answer_state_delete AFTER DELETE ON responses BEGIN
    UPDATE comments SET answer_state = NULL WHERE id = old.comment_id;
END;
