-- The double-booking check (W20) looks for active orders on one vessel, platform or yard whose
-- dates reach into an order's span, on every save and every OT page (issue 14). With the site
-- alone indexed, each candidate's row was read to test its status and dates (a busy platform of
-- the demo data: 1,674 rows, 5 ms); with the status and dates in the index only the matches are.
-- The site stays the leading column, so lookups by site alone use these too.
DROP INDEX work_orders_vessel_idx;
DROP INDEX work_orders_platform_idx;
DROP INDEX work_orders_yard_idx;
CREATE INDEX work_orders_vessel_window_idx ON work_orders (vessel_site_id, status_id, record_state,
    planned_start, planned_end, real_start, real_end, yard_start, yard_end);
CREATE INDEX work_orders_platform_window_idx ON work_orders (platform_site_id, status_id,
    record_state, planned_start, planned_end, real_start, real_end, yard_start, yard_end);
CREATE INDEX work_orders_yard_window_idx ON work_orders (yard_site_id, status_id, record_state,
    planned_start, planned_end, real_start, real_end, yard_start, yard_end);
