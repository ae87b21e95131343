UPDATE comment_search s SET body = c.body FROM comments c WHERE c.id = s.comment_id;
CREATE OR REPLACE FUNCTION comment_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_search (comment_id, consultation_id, body)
        VALUES (NEW.id, NEW.consultation_id, NEW.body);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION comment_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE comment_search SET body = NEW.body WHERE comment_id = NEW.id;
    RETURN NULL;
END $$;
