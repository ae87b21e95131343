-- Moving comments between 論点 changes what a list filtered by 論点 counts: the
-- consultation's data version grows with it, once per statement (see …_data_versions).
CREATE FUNCTION data_version_new_topic_members() RETURNS trigger AS $$
BEGIN
    PERFORM data_version_bump(ARRAY(SELECT t.consultation_id FROM new_rows n JOIN topics t ON t.id = n.topic_id));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION data_version_old_topic_members() RETURNS trigger AS $$
BEGIN
    PERFORM data_version_bump(ARRAY(SELECT t.consultation_id FROM old_rows o JOIN topics t ON t.id = o.topic_id));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER version_topic_members_insert AFTER INSERT ON topic_members
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_new_topic_members();
CREATE TRIGGER version_topic_members_delete AFTER DELETE ON topic_members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_old_topic_members();
