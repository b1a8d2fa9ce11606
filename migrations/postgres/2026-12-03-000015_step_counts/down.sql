DROP TRIGGER step_counts_delete ON steps;
DROP TRIGGER step_counts_update ON steps;
DROP TRIGGER step_counts_insert ON steps;
DROP FUNCTION step_counts_change();
DROP TABLE order_step_counts;
