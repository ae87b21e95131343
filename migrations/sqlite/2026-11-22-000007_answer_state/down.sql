DROP TRIGGER answer_state_delete;
DROP TRIGGER answer_state_update;
DROP TRIGGER answer_state_insert;
DROP INDEX comments_category_state;
DROP INDEX comments_state;
ALTER TABLE comments DROP COLUMN answer_state;
