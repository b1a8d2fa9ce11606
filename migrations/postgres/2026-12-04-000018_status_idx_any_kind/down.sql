DROP INDEX work_orders_status_idx;
CREATE INDEX work_orders_status_idx ON work_orders (kind_id, status_id, id, record_state);
