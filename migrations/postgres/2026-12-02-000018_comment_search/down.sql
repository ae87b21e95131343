DROP TRIGGER comments_search_update ON comments;
DROP TRIGGER comments_search_insert ON comments;
DROP FUNCTION comment_search_update();
DROP FUNCTION comment_search_insert();
DROP TABLE comment_search;
CREATE INDEX comments_body_trgm ON comments USING gin (body gin_trgm_ops);

CREATE OR REPLACE FUNCTION tally_comments_updated() RETURNS trigger AS $$
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
