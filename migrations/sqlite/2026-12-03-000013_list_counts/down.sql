DROP VIEW list_count_rows;
DROP TRIGGER list_counts_update;
DROP TRIGGER list_counts_delete;
DROP TRIGGER list_counts_insert;
DROP TABLE list_counts;
