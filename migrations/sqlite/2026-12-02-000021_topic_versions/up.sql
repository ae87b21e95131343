-- Moving comments between 論点 changes what a list filtered by 論点 counts: the
-- consultation's data version grows with it (see …_data_versions).
CREATE TRIGGER version_topic_members_insert AFTER INSERT ON topic_members
WHEN EXISTS (SELECT 1 FROM topics t WHERE t.id = new.topic_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT t.consultation_id FROM topics t WHERE t.id = new.topic_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_topic_members_delete AFTER DELETE ON topic_members
WHEN EXISTS (SELECT 1 FROM topics t WHERE t.id = old.topic_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT t.consultation_id FROM topics t WHERE t.id = old.topic_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
