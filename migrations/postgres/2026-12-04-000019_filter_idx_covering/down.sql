DROP INDEX work_orders_status_idx;
DROP INDEX work_orders_pm_idx;
DROP INDEX work_orders_client_idx;
DROP INDEX work_orders_year_idx;
CREATE INDEX work_orders_status_idx ON work_orders (status_id, id, kind_id, record_state);
CREATE INDEX work_orders_pm_idx ON work_orders (project_manager_id, id, kind_id, record_state);
CREATE INDEX work_orders_client_idx ON work_orders (client_id, id, kind_id, record_state);
CREATE INDEX work_orders_year_idx ON work_orders (list_year, id, kind_id, record_state);
ANALYZE work_orders;
