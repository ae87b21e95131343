-- Comments a bulk import is writing (ids from first_comment_id on): their insert triggers
-- leave the counts and the data version to the import, which adds them once at its end
-- (a million rows made a million upserts of the same few counters). Written and emptied
-- inside the import's transaction: no other connection ever sees a row here.
CREATE TABLE bulk_loads (first_comment_id INTEGER PRIMARY KEY);

DROP TRIGGER tally_comments_insert;
CREATE TRIGGER tally_comments_insert AFTER INSERT ON comments
WHEN NOT EXISTS (SELECT 1 FROM bulk_loads b WHERE new.id >= b.first_comment_id)
BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n) VALUES
        (new.consultation_id, 'all', '', 1),
        (new.consultation_id, 'category', COALESCE(new.category_id, ''), 1),
        (new.consultation_id, 'clause', COALESCE(new.clause_id, ''), 1),
        (new.consultation_id, 'chapter', COALESCE('=' || new.chapter, ''), 1)
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

DROP TRIGGER version_comments_insert;
CREATE TRIGGER version_comments_insert AFTER INSERT ON comments
WHEN NOT EXISTS (SELECT 1 FROM bulk_loads b WHERE new.id >= b.first_comment_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
