-- The double-booking check (W20) reads every active order on the order's vessel, platform and
-- yard whose dates reach into its span, on every save and every OT page (issue 14). Migration
-- 000011 put the status and dates in the site indexes, but PostgreSQL still visited the table
-- for every entry with the site and status (a bitmap heap scan cannot test the dates in the
-- index): a busy yard of the demo data, 681 entries, 359 table pages, 546 rows dropped by the
-- dates, 1.2 ms, twice per OT page. With every column the check reads carried in the index
-- (INCLUDE), it is an index-only scan: 0.35 ms, no table page read while the visibility map is
-- set (VACUUM; autovacuum keeps it).
DROP INDEX work_orders_vessel_window_idx;
DROP INDEX work_orders_platform_window_idx;
DROP INDEX work_orders_yard_window_idx;
CREATE INDEX work_orders_vessel_window_idx ON work_orders (vessel_site_id, status_id, record_state,
    planned_start, planned_end, real_start, real_end, yard_start, yard_end)
    INCLUDE (id, folio, parent_id, client_id, project_manager_id, front_id, platform_site_id,
             intercom_site_id, yard_site_id, requires_yard);
CREATE INDEX work_orders_platform_window_idx ON work_orders (platform_site_id, status_id,
    record_state, planned_start, planned_end, real_start, real_end, yard_start, yard_end)
    INCLUDE (id, folio, parent_id, client_id, project_manager_id, front_id, vessel_site_id,
             intercom_site_id, yard_site_id, requires_yard);
CREATE INDEX work_orders_yard_window_idx ON work_orders (yard_site_id, status_id, record_state,
    planned_start, planned_end, real_start, real_end, yard_start, yard_end)
    INCLUDE (id, folio, parent_id, client_id, project_manager_id, front_id, vessel_site_id,
             platform_site_id, intercom_site_id, requires_yard);
