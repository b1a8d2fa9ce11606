DROP INDEX work_orders_search_trgm;
CREATE INDEX work_orders_search_idx ON work_orders (kind_id, record_state, search_text);
