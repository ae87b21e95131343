DROP INDEX comments_body_trgm;
ALTER TABLE assignments DROP COLUMN reminded_on;
DROP TABLE notifications;
