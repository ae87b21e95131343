-- Counts the dashboard and list pages show, kept in step by triggers instead of recounted:
-- per consultation, comments in all, by category, clause tag and chapter cell, answers by
-- review state and disposition, and assigned comments. `value` is '' for "none"; chapter
-- values are prefixed with '=' so that an empty cell and no cell stay apart.
CREATE TABLE comment_tallies (
    consultation_id BIGINT NOT NULL,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (consultation_id, dimension, value)
) WITHOUT ROWID;

INSERT INTO comment_tallies (consultation_id, dimension, value, n)
    SELECT consultation_id, 'all', '', COUNT(*) FROM comments GROUP BY consultation_id
    UNION ALL SELECT consultation_id, 'category', COALESCE(category_id, ''), COUNT(*) FROM comments GROUP BY 1, 3
    UNION ALL SELECT consultation_id, 'clause', COALESCE(clause_id, ''), COUNT(*) FROM comments GROUP BY 1, 3
    UNION ALL SELECT consultation_id, 'chapter', COALESCE('=' || chapter, ''), COUNT(*) FROM comments GROUP BY 1, 3
    UNION ALL SELECT c.consultation_id, 'state', r.state, COUNT(*) FROM responses r JOIN comments c ON c.id = r.comment_id GROUP BY 1, 3
    UNION ALL SELECT c.consultation_id, 'disposition', r.disposition, COUNT(*) FROM responses r JOIN comments c ON c.id = r.comment_id GROUP BY 1, 3
    UNION ALL SELECT c.consultation_id, 'assigned', '', COUNT(*) FROM assignments a JOIN comments c ON c.id = a.comment_id GROUP BY 1;

CREATE TRIGGER tally_comments_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n) VALUES
        (new.consultation_id, 'all', '', 1),
        (new.consultation_id, 'category', COALESCE(new.category_id, ''), 1),
        (new.consultation_id, 'clause', COALESCE(new.clause_id, ''), 1),
        (new.consultation_id, 'chapter', COALESCE('=' || new.chapter, ''), 1)
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tally_comments_update AFTER UPDATE OF category_id, clause_id, chapter ON comments BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n) VALUES
        (old.consultation_id, 'category', COALESCE(old.category_id, ''), -1),
        (new.consultation_id, 'category', COALESCE(new.category_id, ''), 1),
        (old.consultation_id, 'clause', COALESCE(old.clause_id, ''), -1),
        (new.consultation_id, 'clause', COALESCE(new.clause_id, ''), 1),
        (old.consultation_id, 'chapter', COALESCE('=' || old.chapter, ''), -1),
        (new.consultation_id, 'chapter', COALESCE('=' || new.chapter, ''), 1)
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

-- Before the row goes: its answer and assignment are still there to be uncounted (their own
-- delete triggers, fired by the cascade, no longer find the comment and count nothing).
CREATE TRIGGER tally_comments_delete BEFORE DELETE ON comments BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n) VALUES
        (old.consultation_id, 'all', '', -1),
        (old.consultation_id, 'category', COALESCE(old.category_id, ''), -1),
        (old.consultation_id, 'clause', COALESCE(old.clause_id, ''), -1),
        (old.consultation_id, 'chapter', COALESCE('=' || old.chapter, ''), -1)
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
    INSERT INTO comment_tallies (consultation_id, dimension, value, n)
        SELECT old.consultation_id, 'state', r.state, -1 FROM responses r WHERE r.comment_id = old.id
        UNION ALL SELECT old.consultation_id, 'disposition', r.disposition, -1 FROM responses r WHERE r.comment_id = old.id
        UNION ALL SELECT old.consultation_id, 'assigned', '', -1 FROM assignments a WHERE a.comment_id = old.id
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tally_responses_insert AFTER INSERT ON responses BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n)
        SELECT c.consultation_id, 'state', new.state, 1 FROM comments c WHERE c.id = new.comment_id
        UNION ALL SELECT c.consultation_id, 'disposition', new.disposition, 1 FROM comments c WHERE c.id = new.comment_id
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tally_responses_update AFTER UPDATE OF state, disposition, comment_id ON responses BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n)
        SELECT c.consultation_id, 'state', old.state, -1 FROM comments c WHERE c.id = old.comment_id
        UNION ALL SELECT c.consultation_id, 'disposition', old.disposition, -1 FROM comments c WHERE c.id = old.comment_id
        UNION ALL SELECT c.consultation_id, 'state', new.state, 1 FROM comments c WHERE c.id = new.comment_id
        UNION ALL SELECT c.consultation_id, 'disposition', new.disposition, 1 FROM comments c WHERE c.id = new.comment_id
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tally_responses_delete AFTER DELETE ON responses BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n)
        SELECT c.consultation_id, 'state', old.state, -1 FROM comments c WHERE c.id = old.comment_id
        UNION ALL SELECT c.consultation_id, 'disposition', old.disposition, -1 FROM comments c WHERE c.id = old.comment_id
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tally_assignments_insert AFTER INSERT ON assignments BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n)
        SELECT c.consultation_id, 'assigned', '', 1 FROM comments c WHERE c.id = new.comment_id
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tally_assignments_delete AFTER DELETE ON assignments BEGIN
    INSERT INTO comment_tallies (consultation_id, dimension, value, n)
        SELECT c.consultation_id, 'assigned', '', -1 FROM comments c WHERE c.id = old.comment_id
    ON CONFLICT (consultation_id, dimension, value) DO UPDATE SET n = n + excluded.n;
END;
