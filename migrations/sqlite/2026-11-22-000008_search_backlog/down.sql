-- Index what is pending, then put the unconditional triggers back.
INSERT INTO comments_fts(rowid, body)
    SELECT c.id, c.body FROM comments c JOIN search_backlog b ON c.id BETWEEN b.first_id AND b.last_id;
DROP TRIGGER comments_fts_insert;
DROP TRIGGER comments_fts_delete;
DROP TRIGGER comments_fts_update;
DROP TABLE search_backlog;
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
