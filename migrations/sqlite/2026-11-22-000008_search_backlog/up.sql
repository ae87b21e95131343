-- Comments imported in bulk are written first and added to the trigram index afterwards, a
-- range of ids at a time (`pubcom serve` works through them in the background; searches
-- use LIKE while any range is left). The triggers leave rows of a pending range alone:
-- removing a row the index never held would corrupt it.
CREATE TABLE search_backlog (
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL
);

DROP TRIGGER comments_fts_insert;
DROP TRIGGER comments_fts_delete;
DROP TRIGGER comments_fts_update;
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments
WHEN NOT EXISTS (SELECT 1 FROM search_backlog b WHERE new.id BETWEEN b.first_id AND b.last_id)
BEGIN
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments
WHEN NOT EXISTS (SELECT 1 FROM search_backlog b WHERE old.id BETWEEN b.first_id AND b.last_id)
BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body ON comments
WHEN NOT EXISTS (SELECT 1 FROM search_backlog b WHERE old.id BETWEEN b.first_id AND b.last_id)
BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
