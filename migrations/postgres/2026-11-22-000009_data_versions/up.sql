-- A number per consultation that grows with every change to its comments, answers,
-- assignments, submitters or clauses: what list pages count is cached under it, so that
-- paging through a search or a filter does not count again until something changed.
CREATE TABLE data_versions (
    consultation_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);

-- Once per statement (transition tables): a bulk import bumps each version once per
-- batch, not once per row. Versions are taken in consultation order, so two transactions
-- cannot deadlock on them.
CREATE FUNCTION data_version_bump(consultations BIGINT[]) RETURNS void AS $$
    INSERT INTO data_versions (consultation_id, version)
    SELECT DISTINCT c, 1 FROM unnest(consultations) AS c WHERE c IS NOT NULL ORDER BY 1
    ON CONFLICT (consultation_id) DO UPDATE SET version = data_versions.version + 1
$$ LANGUAGE sql;

CREATE FUNCTION data_version_new_rows() RETURNS trigger AS $$
BEGIN
    PERFORM data_version_bump(ARRAY(SELECT consultation_id FROM new_rows));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION data_version_old_rows() RETURNS trigger AS $$
BEGIN
    PERFORM data_version_bump(ARRAY(SELECT consultation_id FROM old_rows));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Answers and assignments: the consultation comes from the comment (none when the comment
-- itself is being deleted: then the comment's trigger counts the change).
CREATE FUNCTION data_version_new_answers() RETURNS trigger AS $$
BEGIN
    PERFORM data_version_bump(ARRAY(SELECT c.consultation_id FROM new_rows n JOIN comments c ON c.id = n.comment_id));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION data_version_old_answers() RETURNS trigger AS $$
BEGIN
    PERFORM data_version_bump(ARRAY(SELECT c.consultation_id FROM old_rows o JOIN comments c ON c.id = o.comment_id));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER version_comments_insert AFTER INSERT ON comments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_rows();
CREATE TRIGGER version_comments_update AFTER UPDATE ON comments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_rows();
CREATE TRIGGER version_comments_delete AFTER DELETE ON comments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_old_rows();

CREATE TRIGGER version_submitters_insert AFTER INSERT ON submitters
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_rows();
CREATE TRIGGER version_submitters_update AFTER UPDATE ON submitters
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_rows();
CREATE TRIGGER version_submitters_delete AFTER DELETE ON submitters
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_old_rows();

CREATE TRIGGER version_clauses_insert AFTER INSERT ON clauses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_rows();
CREATE TRIGGER version_clauses_update AFTER UPDATE ON clauses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_rows();
CREATE TRIGGER version_clauses_delete AFTER DELETE ON clauses
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_old_rows();

CREATE TRIGGER version_responses_insert AFTER INSERT ON responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_answers();
CREATE TRIGGER version_responses_update AFTER UPDATE ON responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_answers();
CREATE TRIGGER version_responses_delete AFTER DELETE ON responses
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_old_answers();

CREATE TRIGGER version_assignments_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_answers();
CREATE TRIGGER version_assignments_update AFTER UPDATE ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_answers();
CREATE TRIGGER version_assignments_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_old_answers();
