DROP TRIGGER version_topic_members_insert ON topic_members;
DROP TRIGGER version_topic_members_delete ON topic_members;
DROP FUNCTION data_version_new_topic_members();
DROP FUNCTION data_version_old_topic_members();
