CREATE INDEX comments_match_key ON comments(consultation_id, match_key);
