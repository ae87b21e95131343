DROP TRIGGER comments_fts_update;
DROP TRIGGER comments_fts_delete;
DROP TRIGGER comments_fts_insert;
DROP TABLE comments_fts;
ALTER TABLE assignments DROP COLUMN reminded_on;
DROP TABLE notifications;
