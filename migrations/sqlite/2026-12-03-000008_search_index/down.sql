DROP TRIGGER work_order_search_update;
DROP TRIGGER work_order_search_delete;
DROP TRIGGER work_order_search_insert;
DROP TABLE work_order_search;
CREATE INDEX work_orders_search_idx ON work_orders (kind_id, record_state, search_text);
