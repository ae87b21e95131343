-- PostgreSQL's pg_trgm index is kept by PostgreSQL itself: nothing waits to be indexed.
SELECT 1;
