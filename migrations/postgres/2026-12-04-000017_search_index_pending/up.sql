-- SQLite only (its FTS5 search index is written once per transaction; see the SQLite migration
-- of the same name). PostgreSQL's trigram index lives in work_orders itself: nothing to do. The
-- migration is here so that both backends have the same versions.
SELECT 1;
