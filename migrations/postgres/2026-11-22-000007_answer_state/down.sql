DROP TRIGGER answer_state_delete ON responses;
DROP TRIGGER answer_state_update ON responses;
DROP TRIGGER answer_state_insert ON responses;
DROP FUNCTION answer_state_cleared();
DROP FUNCTION answer_state_moved();
DROP FUNCTION answer_state_set();
DROP INDEX comments_category_state;
DROP INDEX comments_state;
ALTER TABLE comments DROP COLUMN answer_state;
