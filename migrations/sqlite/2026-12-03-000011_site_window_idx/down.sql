DROP INDEX work_orders_yard_window_idx;
DROP INDEX work_orders_platform_window_idx;
DROP INDEX work_orders_vessel_window_idx;
CREATE INDEX work_orders_vessel_idx ON work_orders (vessel_site_id);
CREATE INDEX work_orders_platform_idx ON work_orders (platform_site_id);
CREATE INDEX work_orders_yard_idx ON work_orders (yard_site_id);
