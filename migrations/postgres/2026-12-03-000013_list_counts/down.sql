DROP VIEW list_count_rows;
DROP FUNCTION fold_list_counts();
DROP TRIGGER list_counts_delete ON work_orders;
DROP TRIGGER list_counts_update ON work_orders;
DROP TRIGGER list_counts_insert ON work_orders;
DROP FUNCTION list_counts_change();
DROP TABLE list_count_changes;
DROP TABLE list_counts;
