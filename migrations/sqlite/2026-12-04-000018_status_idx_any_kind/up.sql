-- A status filter over every kind (`/ot?estatus=7&tipo=todos`, "all suspended orders") had no
-- index in id order: the status index began with the kind (migration 000012), so SQLite skipped
-- over the kinds and sorted every order of the status to find the first page — 15 to 71 ms at
-- 1,000,000 orders, growing with the data (issue 14). With the status first and the kind after
-- the id, like the manager's, client's and year's indexes, a status filter reads its page in
-- order whatever the kind; the default list (initial orders) skips the reprogrammings within the
-- index.
DROP INDEX work_orders_status_idx;
CREATE INDEX work_orders_status_idx ON work_orders (status_id, id, kind_id, record_state);
ANALYZE work_orders;
