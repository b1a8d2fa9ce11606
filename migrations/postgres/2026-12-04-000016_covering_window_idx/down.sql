DROP INDEX work_orders_vessel_window_idx;
DROP INDEX work_orders_platform_window_idx;
DROP INDEX work_orders_yard_window_idx;
CREATE INDEX work_orders_vessel_window_idx ON work_orders (vessel_site_id, status_id, record_state,
    planned_start, planned_end, real_start, real_end, yard_start, yard_end);
CREATE INDEX work_orders_platform_window_idx ON work_orders (platform_site_id, status_id,
    record_state, planned_start, planned_end, real_start, real_end, yard_start, yard_end);
CREATE INDEX work_orders_yard_window_idx ON work_orders (yard_site_id, status_id, record_state,
    planned_start, planned_end, real_start, real_end, yard_start, yard_end);
