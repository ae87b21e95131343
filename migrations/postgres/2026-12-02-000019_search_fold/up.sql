-- The searched copy of each text is folded as queries are (NFKC): ＴＬＳ finds TLS, ｸﾗｳﾄﾞ
-- finds クラウド.
UPDATE comment_search SET body = normalize(body, NFKC) WHERE body IS NOT NFKC NORMALIZED;
CREATE OR REPLACE FUNCTION comment_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_search (comment_id, consultation_id, body)
        VALUES (NEW.id, NEW.consultation_id, normalize(NEW.body, NFKC));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION comment_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE comment_search SET body = normalize(NEW.body, NFKC) WHERE comment_id = NEW.id;
    RETURN NULL;
END $$;
