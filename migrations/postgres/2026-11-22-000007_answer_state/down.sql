DROP TRIGGER answer_state_follow ON responses;
DROP FUNCTION answer_state_follow();
DROP INDEX comments_category_state;
DROP INDEX comments_state;
ALTER TABLE comments DROP COLUMN answer_state;
