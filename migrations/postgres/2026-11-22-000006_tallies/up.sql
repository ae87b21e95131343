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
);

INSERT INTO comment_tallies (consultation_id, dimension, value, n)
    SELECT consultation_id, 'all', '', COUNT(*) FROM comments GROUP BY consultation_id
    UNION ALL SELECT consultation_id, 'category', COALESCE(category_id::text, ''), COUNT(*) FROM comments GROUP BY 1, 3
    UNION ALL SELECT consultation_id, 'clause', COALESCE(clause_id::text, ''), COUNT(*) FROM comments GROUP BY 1, 3
    UNION ALL SELECT consultation_id, 'chapter', COALESCE('=' || chapter, ''), COUNT(*) FROM comments GROUP BY 1, 3
    UNION ALL SELECT c.consultation_id, 'state', r.state, COUNT(*) FROM responses r JOIN comments c ON c.id = r.comment_id GROUP BY 1, 3
    UNION ALL SELECT c.consultation_id, 'disposition', r.disposition, COUNT(*) FROM responses r JOIN comments c ON c.id = r.comment_id GROUP BY 1, 3
    UNION ALL SELECT c.consultation_id, 'assigned', '', COUNT(*) FROM assignments a JOIN comments c ON c.id = a.comment_id GROUP BY 1;

-- Applies changes in key order, so that two transactions touching the same counts lock
-- them in the same order and cannot deadlock.
CREATE FUNCTION tally_apply(changes comment_tallies[]) RETURNS void AS $$
DECLARE
    ch comment_tallies;
BEGIN
    FOR ch IN
        SELECT * FROM unnest(changes) AS u
        ORDER BY u.consultation_id, u.dimension, u.value
    LOOP
        INSERT INTO comment_tallies (consultation_id, dimension, value, n)
        VALUES (ch.consultation_id, ch.dimension, ch.value, ch.n)
        ON CONFLICT (consultation_id, dimension, value)
        DO UPDATE SET n = comment_tallies.n + EXCLUDED.n;
    END LOOP;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION tally_comment_row(c comments, delta BIGINT) RETURNS comment_tallies[] AS $$
    SELECT ARRAY[
        ROW(c.consultation_id, 'category', COALESCE(c.category_id::text, ''), delta)::comment_tallies,
        ROW(c.consultation_id, 'clause', COALESCE(c.clause_id::text, ''), delta)::comment_tallies,
        ROW(c.consultation_id, 'chapter', COALESCE('=' || c.chapter, ''), delta)::comment_tallies
    ]
$$ LANGUAGE sql;

CREATE FUNCTION tally_comments() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tally_apply(tally_comment_row(NEW, 1)
            || ROW(NEW.consultation_id, 'all', '', 1)::comment_tallies);
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tally_apply(tally_comment_row(OLD, -1) || tally_comment_row(NEW, 1));
        RETURN NULL;
    ELSE
        -- Before the row goes: its answer and assignment are still there to be uncounted
        -- (their own delete triggers, fired by the cascade, no longer find the comment).
        PERFORM tally_apply(tally_comment_row(OLD, -1)
            || ROW(OLD.consultation_id, 'all', '', -1)::comment_tallies
            || ARRAY(
                SELECT ROW(OLD.consultation_id, 'state', r.state, -1)::comment_tallies FROM responses r WHERE r.comment_id = OLD.id
                UNION ALL SELECT ROW(OLD.consultation_id, 'disposition', r.disposition, -1)::comment_tallies FROM responses r WHERE r.comment_id = OLD.id
                UNION ALL SELECT ROW(OLD.consultation_id, 'assigned', '', -1)::comment_tallies FROM assignments a WHERE a.comment_id = OLD.id
            ));
        RETURN OLD;
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tally_comments_insert AFTER INSERT ON comments
    FOR EACH ROW EXECUTE FUNCTION tally_comments();
CREATE TRIGGER tally_comments_update AFTER UPDATE OF category_id, clause_id, chapter ON comments
    FOR EACH ROW EXECUTE FUNCTION tally_comments();
CREATE TRIGGER tally_comments_delete BEFORE DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION tally_comments();

CREATE FUNCTION tally_responses() RETURNS trigger AS $$
DECLARE
    changes comment_tallies[] := '{}';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        changes := changes || ARRAY(
            SELECT ROW(c.consultation_id, 'state', OLD.state, -1)::comment_tallies FROM comments c WHERE c.id = OLD.comment_id
            UNION ALL SELECT ROW(c.consultation_id, 'disposition', OLD.disposition, -1)::comment_tallies FROM comments c WHERE c.id = OLD.comment_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        changes := changes || ARRAY(
            SELECT ROW(c.consultation_id, 'state', NEW.state, 1)::comment_tallies FROM comments c WHERE c.id = NEW.comment_id
            UNION ALL SELECT ROW(c.consultation_id, 'disposition', NEW.disposition, 1)::comment_tallies FROM comments c WHERE c.id = NEW.comment_id);
    END IF;
    PERFORM tally_apply(changes);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tally_responses_change AFTER INSERT OR DELETE OR UPDATE OF state, disposition, comment_id ON responses
    FOR EACH ROW EXECUTE FUNCTION tally_responses();

CREATE FUNCTION tally_assignments() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tally_apply(ARRAY(SELECT ROW(c.consultation_id, 'assigned', '', 1)::comment_tallies FROM comments c WHERE c.id = NEW.comment_id));
    ELSE
        PERFORM tally_apply(ARRAY(SELECT ROW(c.consultation_id, 'assigned', '', -1)::comment_tallies FROM comments c WHERE c.id = OLD.comment_id));
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tally_assignments_change AFTER INSERT OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION tally_assignments();
