-- The list's filters (W12) read their page newest first (ORDER BY id DESC LIMIT 25): with the
-- filtered column alone indexed, every match was sorted to find the first page (62,824 orders
-- EN EJECUCION of 1,000,000: 7 ms per page, growing with the data). With the id right after the
-- filtered column the page is read in order and stops at 25; kind and record state at the end
-- keep each index covering for the filter's count (issue 14); the unfiltered list's index gets
-- the record state too, or the covering status index would be preferred and every order sorted.
DROP INDEX work_orders_list_idx;
DROP INDEX work_orders_status_idx;
DROP INDEX work_orders_pm_idx;
DROP INDEX work_orders_client_idx;
DROP INDEX work_orders_year_idx;
CREATE INDEX work_orders_list_idx ON work_orders (kind_id, id, record_state);
CREATE INDEX work_orders_status_idx ON work_orders (kind_id, status_id, id, record_state);
CREATE INDEX work_orders_pm_idx ON work_orders (project_manager_id, id, kind_id, record_state);
CREATE INDEX work_orders_client_idx ON work_orders (client_id, id, kind_id, record_state);
CREATE INDEX work_orders_year_idx ON work_orders (list_year, id, kind_id, record_state);
-- Fresh statistics for the new indexes (without them SQLite guessed that a third of the table
-- was cheaper than three rows by parent).
ANALYZE work_orders;
