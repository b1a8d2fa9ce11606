-- W12 search, index-backed (issue 12 §5): a trigram GIN index over the order's folded search
-- text (folio, oficio, PTE folio, description, client representative; folded in Rust, so accents
-- and case are aside on both backends). `LIKE '%word%'` uses it; the index is maintained by
-- PostgreSQL in the writing transaction. pg_trgm ships with PostgreSQL (contrib).
-- Client and project-manager names are matched through their catalogs (see db/work_orders/list.rs).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP INDEX work_orders_search_idx;
CREATE INDEX work_orders_search_trgm ON work_orders USING gin (search_text gin_trgm_ops);
