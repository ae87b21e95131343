DROP TABLE redactions;
