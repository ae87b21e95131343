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

-- Row changes are counted once per statement (transition tables), so that a bulk import
-- of many rows per statement updates each count once per statement: updating one row
-- thousands of times in a transaction leaves a chain of versions every update must walk.
CREATE FUNCTION tally_comments_rows(rows_changed comments[], delta BIGINT) RETURNS comment_tallies[] AS $$
    SELECT COALESCE(array_agg(ROW(consultation_id, dimension, value, n)::comment_tallies), '{}')
    FROM (
        SELECT c.consultation_id, d.dimension, d.value, SUM(delta) AS n
        FROM unnest(rows_changed) AS c,
        LATERAL (VALUES
            ('all', ''),
            ('category', COALESCE(c.category_id::text, '')),
            ('clause', COALESCE(c.clause_id::text, '')),
            ('chapter', COALESCE('=' || c.chapter, ''))
        ) AS d(dimension, value)
        GROUP BY 1, 2, 3
    ) t
$$ LANGUAGE sql;

CREATE FUNCTION tally_comments_inserted() RETURNS trigger AS $$
BEGIN
    PERFORM tally_apply(tally_comments_rows(ARRAY(SELECT n::comments FROM new_rows n), 1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION tally_comments_updated() RETURNS trigger AS $$
BEGIN
    -- Only rows whose counted columns changed.
    PERFORM tally_apply(
        tally_comments_rows(ARRAY(
            SELECT o::comments FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.category_id, o.clause_id, o.chapter) IS DISTINCT FROM (n.category_id, n.clause_id, n.chapter)
        ), -1)
        || tally_comments_rows(ARRAY(
            SELECT n::comments FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.category_id, o.clause_id, o.chapter) IS DISTINCT FROM (n.category_id, n.clause_id, n.chapter)
        ), 1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Before each row goes: its answer and assignment are still there to be uncounted (their
-- own delete triggers, fired by the cascade, no longer find the comment).
CREATE FUNCTION tally_comments_deleting() RETURNS trigger AS $$
BEGIN
    PERFORM tally_apply(tally_comments_rows(ARRAY[OLD], -1)
        || ARRAY(
            SELECT ROW(OLD.consultation_id, 'state', r.state, -1)::comment_tallies FROM responses r WHERE r.comment_id = OLD.id
            UNION ALL SELECT ROW(OLD.consultation_id, 'disposition', r.disposition, -1)::comment_tallies FROM responses r WHERE r.comment_id = OLD.id
            UNION ALL SELECT ROW(OLD.consultation_id, 'assigned', '', -1)::comment_tallies FROM assignments a WHERE a.comment_id = OLD.id
        ));
    RETURN OLD;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tally_comments_insert AFTER INSERT ON comments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_comments_inserted();
CREATE TRIGGER tally_comments_update AFTER UPDATE ON comments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tally_comments_updated();
CREATE TRIGGER tally_comments_delete BEFORE DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION tally_comments_deleting();

-- Answers and assignments: the consultation comes from the comment (none when the comment
-- itself is being deleted: then the comment's trigger has counted them already).
CREATE FUNCTION tally_answers(rows_changed responses[], delta BIGINT) RETURNS comment_tallies[] AS $$
    SELECT COALESCE(array_agg(ROW(consultation_id, dimension, value, n)::comment_tallies), '{}')
    FROM (
        SELECT c.consultation_id, d.dimension, d.value, SUM(delta) AS n
        FROM unnest(rows_changed) AS r
        JOIN comments c ON c.id = r.comment_id,
        LATERAL (VALUES ('state', r.state), ('disposition', r.disposition)) AS d(dimension, value)
        GROUP BY 1, 2, 3
    ) t
$$ LANGUAGE sql;

CREATE FUNCTION tally_responses_inserted() RETURNS trigger AS $$
BEGIN
    PERFORM tally_apply(tally_answers(ARRAY(SELECT n::responses FROM new_rows n), 1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION tally_responses_updated() RETURNS trigger AS $$
BEGIN
    PERFORM tally_apply(
        tally_answers(ARRAY(
            SELECT o::responses FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.state, o.disposition, o.comment_id) IS DISTINCT FROM (n.state, n.disposition, n.comment_id)
        ), -1)
        || tally_answers(ARRAY(
            SELECT n::responses FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.state, o.disposition, o.comment_id) IS DISTINCT FROM (n.state, n.disposition, n.comment_id)
        ), 1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION tally_responses_deleted() RETURNS trigger AS $$
BEGIN
    PERFORM tally_apply(tally_answers(ARRAY(SELECT o::responses FROM old_rows o), -1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tally_responses_insert AFTER INSERT ON responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_responses_inserted();
CREATE TRIGGER tally_responses_update AFTER UPDATE ON responses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tally_responses_updated();
CREATE TRIGGER tally_responses_delete AFTER DELETE ON responses
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_responses_deleted();

CREATE FUNCTION tally_assigned(comment_ids BIGINT[], delta BIGINT) RETURNS comment_tallies[] AS $$
    SELECT COALESCE(array_agg(ROW(c.consultation_id, 'assigned', '', delta * n)::comment_tallies), '{}')
    FROM (
        SELECT c.consultation_id, COUNT(*) AS n
        FROM unnest(comment_ids) AS a(comment_id) JOIN comments c ON c.id = a.comment_id
        GROUP BY 1
    ) c
$$ LANGUAGE sql;

CREATE FUNCTION tally_assignments_inserted() RETURNS trigger AS $$
BEGIN
    PERFORM tally_apply(tally_assigned(ARRAY(SELECT comment_id FROM new_rows), 1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION tally_assignments_deleted() RETURNS trigger AS $$
BEGIN
    PERFORM tally_apply(tally_assigned(ARRAY(SELECT comment_id FROM old_rows), -1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tally_assignments_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_assignments_inserted();
CREATE TRIGGER tally_assignments_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_assignments_deleted();
