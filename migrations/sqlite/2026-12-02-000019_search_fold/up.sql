-- The search index holds each comment's text folded as queries are (NFKC, `pubcom_fold`,
-- a function pubcom registers on every connection): ＴＬＳ finds TLS, ｸﾗｳﾄﾞ finds クラウド.
-- The index is contentless now: its text is no longer the text of `comments` (searches only
-- read row ids from it); a row is deleted with the same folded text it was added with.
DROP TRIGGER comments_fts_insert;
DROP TRIGGER comments_fts_delete;
DROP TRIGGER comments_fts_update;
DROP TABLE comments_fts;
CREATE VIRTUAL TABLE comments_fts USING fts5(body, content='', tokenize='trigram');
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments
WHEN NOT EXISTS (SELECT 1 FROM search_backlog b WHERE new.id BETWEEN b.first_id AND b.last_id)
BEGIN
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, pubcom_fold(new.body));
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments
WHEN NOT EXISTS (SELECT 1 FROM search_backlog b WHERE old.id BETWEEN b.first_id AND b.last_id)
BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, pubcom_fold(old.body));
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body ON comments
WHEN NOT EXISTS (SELECT 1 FROM search_backlog b WHERE old.id BETWEEN b.first_id AND b.last_id)
BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, pubcom_fold(old.body));
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, pubcom_fold(new.body));
END;
INSERT INTO comments_fts(rowid, body)
    SELECT id, pubcom_fold(body) FROM comments c
    WHERE NOT EXISTS (SELECT 1 FROM search_backlog b WHERE c.id BETWEEN b.first_id AND b.last_id);
