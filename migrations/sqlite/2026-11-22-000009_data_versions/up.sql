-- A number per consultation that grows with every change to its comments, answers,
-- assignments, submitters or clauses: what list pages count is cached under it, so that
-- paging through a search or a filter does not count again until something changed.
CREATE TABLE data_versions (
    consultation_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
CREATE TRIGGER version_comments_insert AFTER INSERT ON comments
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_comments_update AFTER UPDATE ON comments
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_comments_delete AFTER DELETE ON comments
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (old.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_submitters_insert AFTER INSERT ON submitters
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_submitters_update AFTER UPDATE ON submitters
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_submitters_delete AFTER DELETE ON submitters
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (old.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_clauses_insert AFTER INSERT ON clauses
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_clauses_update AFTER UPDATE ON clauses
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (new.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_clauses_delete AFTER DELETE ON clauses
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES (old.consultation_id, 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_responses_insert AFTER INSERT ON responses
WHEN EXISTS (SELECT 1 FROM comments c WHERE c.id = new.comment_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT c.consultation_id FROM comments c WHERE c.id = new.comment_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_responses_update AFTER UPDATE ON responses
WHEN EXISTS (SELECT 1 FROM comments c WHERE c.id = new.comment_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT c.consultation_id FROM comments c WHERE c.id = new.comment_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_responses_delete AFTER DELETE ON responses
WHEN EXISTS (SELECT 1 FROM comments c WHERE c.id = old.comment_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT c.consultation_id FROM comments c WHERE c.id = old.comment_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_assignments_insert AFTER INSERT ON assignments
WHEN EXISTS (SELECT 1 FROM comments c WHERE c.id = new.comment_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT c.consultation_id FROM comments c WHERE c.id = new.comment_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_assignments_update AFTER UPDATE ON assignments
WHEN EXISTS (SELECT 1 FROM comments c WHERE c.id = new.comment_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT c.consultation_id FROM comments c WHERE c.id = new.comment_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER version_assignments_delete AFTER DELETE ON assignments
WHEN EXISTS (SELECT 1 FROM comments c WHERE c.id = old.comment_id)
BEGIN
    INSERT INTO data_versions (consultation_id, version) VALUES ((SELECT c.consultation_id FROM comments c WHERE c.id = old.comment_id), 1)
    ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1;
END;
