DROP TRIGGER tally_comments_insert;
CREATE TRIGGER tally_comments_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n) VALUES
        (new.consultation_id, 'all', '', 1),
        (new.consultation_id, 'category', COALESCE(new.category_id, ''), 1),
        (new.consultation_id, 'clause', COALESCE(new.clause_id, ''), 1),
        (new.consultation_id, 'chapter', COALESCE('=' || new.chapter, ''), 1)
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;
DROP TRIGGER version_comments_insert;
CREATE TRIGGER version_comments_insert AFTER INSERT ON comments
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
DROP TABLE bulk_loads;
