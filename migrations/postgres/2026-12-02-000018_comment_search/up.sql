-- The trigram index moves off `comments` into a table of its own, as SQLite's FTS table is:
-- every other change to a comment (its 同旨 group, category, clause) rewrote the row and so
-- re-added all of the body's trigrams to the GIN index (a 100,000-comment 同旨 proposal
-- spent most of its 134 s there). The table is kept by triggers; searches look ids up in it.
CREATE TABLE comment_search (
    comment_id BIGINT PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE,
    consultation_id BIGINT NOT NULL,
    body TEXT NOT NULL
);
INSERT INTO comment_search (comment_id, consultation_id, body)
    SELECT id, consultation_id, body FROM comments;
DROP INDEX comments_body_trgm;
CREATE INDEX comment_search_body_trgm ON comment_search USING gin (body gin_trgm_ops);

CREATE FUNCTION comment_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_search (comment_id, consultation_id, body)
        VALUES (NEW.id, NEW.consultation_id, NEW.body);
    RETURN NULL;
END $$;
CREATE FUNCTION comment_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE comment_search SET body = NEW.body WHERE comment_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER comments_search_insert AFTER INSERT ON comments
    FOR EACH ROW EXECUTE FUNCTION comment_search_insert();
CREATE TRIGGER comments_search_update AFTER UPDATE OF body ON comments
    FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION comment_search_update();

-- The changed rows are collected first, then counted: written as one expression, the plan
-- PL/pgSQL kept from a large statement made each later small update of the transaction
-- pay ~250 ms in this trigger (a 同旨 proposal updates comments hundreds of times).
CREATE OR REPLACE FUNCTION tally_comments_updated() RETURNS trigger AS $$
DECLARE
    changed_old comments[];
    changed_new comments[];
BEGIN
    -- Only rows whose counted columns changed.
    changed_old := ARRAY(
        SELECT o::comments FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.category_id, o.clause_id, o.chapter) IS DISTINCT FROM (n.category_id, n.clause_id, n.chapter)
    );
    IF cardinality(changed_old) = 0 THEN
        RETURN NULL;
    END IF;
    changed_new := ARRAY(
        SELECT n::comments FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.category_id, o.clause_id, o.chapter) IS DISTINCT FROM (n.category_id, n.clause_id, n.chapter)
    );
    PERFORM tally_apply(tally_comments_rows(changed_old, -1) || tally_comments_rows(changed_new, 1));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
