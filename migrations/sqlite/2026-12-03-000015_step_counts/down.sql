DROP TRIGGER step_counts_update;
DROP TRIGGER step_counts_delete;
DROP TRIGGER step_counts_insert;
DROP TABLE order_step_counts;
