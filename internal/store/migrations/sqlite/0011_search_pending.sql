-- Nothing to do on SQLite: this number is PostgreSQL's bound on the pending list of its trigram
-- index, and the engines keep the same versions (a copy between them compares them).
SELECT 1;
