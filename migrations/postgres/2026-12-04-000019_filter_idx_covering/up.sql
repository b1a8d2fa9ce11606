-- A list filtered on several of its key columns at once (W12: status, project manager, client,
-- year, e.g. `/ot?estatus=6&responsable=3&cliente=2&anio=2026`) read its page through one of
-- their indexes and looked up the order's row for every entry to test the other columns: about
-- 2,600 rows, each on its own table page, for the 25 of one page at 1,000,000 orders (2.4 ms,
-- and a connection's page cache missed most of them under load: the 50 filters of
-- `bench/run.sh` went from 1,790 req/s at 10,000 orders to 930 at 1,000,000). Each filter index
-- now carries every key column of the list, so any combination of them is tested inside the
-- index (SQLite: a covering index; PostgreSQL: an index-only scan once vacuumed) and the table
-- is read for the page's 25 rows only (issue 14).
DROP INDEX work_orders_status_idx;
DROP INDEX work_orders_pm_idx;
DROP INDEX work_orders_client_idx;
DROP INDEX work_orders_year_idx;
CREATE INDEX work_orders_status_idx ON work_orders
    (status_id, id, kind_id, record_state, project_manager_id, client_id, list_year);
CREATE INDEX work_orders_pm_idx ON work_orders
    (project_manager_id, id, kind_id, record_state, status_id, client_id, list_year);
CREATE INDEX work_orders_client_idx ON work_orders
    (client_id, id, kind_id, record_state, status_id, project_manager_id, list_year);
CREATE INDEX work_orders_year_idx ON work_orders
    (list_year, id, kind_id, record_state, status_id, project_manager_id, client_id);
ANALYZE work_orders;
