-- The searched copy of each text is folded as queries are (NFKC, then ASCII lower case, as
-- SQLite's LIKE and trigram index ignore it): ＴＬＳ and tls find TLS, ｸﾗｳﾄﾞ finds クラウド. A
-- plain LIKE on the folded copy keeps pg_trgm's index as fast as before (ILIKE was 3x slower).
UPDATE comment_search SET body = translate(normalize(body, NFKC), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');
CREATE OR REPLACE FUNCTION comment_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_search (comment_id, consultation_id, body)
        VALUES (NEW.id, NEW.consultation_id, translate(normalize(NEW.body, NFKC), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION comment_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE comment_search SET body = translate(normalize(NEW.body, NFKC), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') WHERE comment_id = NEW.id;
    RETURN NULL;
END $$;
