DROP TABLE topic_dismissals;
DROP TABLE topic_members;
DROP TABLE topics;
