-- The search index (migration 000008) is written once per write transaction, not once per order
-- (issue 14). FTS5 keeps the terms of the rows written in memory until the transaction ends or
-- a savepoint begins, then writes them as a new segment and merges segments; the group commit
-- (db/group_commit.rs) runs each transaction of a batch in its own savepoint, and a create's
-- steps INSERT opens a statement savepoint, so every create wrote and merged a segment of its
-- own: a fifth of a create's instructions, under the one writer's lock. The triggers now note
-- which orders' texts changed here, and `db::search_index::apply_pending` indexes them when the
-- transaction (or the batch) commits, in one segment. Every write transaction of the app runs it
-- before its COMMIT, so outside a transaction this table is empty; a row written to
-- `work_orders` by hand (the sqlite3 shell) is indexed by the next save, or the next start.
CREATE TABLE work_order_search_pending (
    -- The order's id.
    id INTEGER PRIMARY KEY,
    -- Its text to index; NULL when the order is gone.
    search_text TEXT,
    -- 1 when the index may hold an older text of the order (to be deleted first).
    indexed INTEGER NOT NULL
);

DROP TRIGGER work_order_search_insert;
DROP TRIGGER work_order_search_update;
DROP TRIGGER work_order_search_delete;

-- A new order: nothing of it is indexed, unless its id was an order deleted in this transaction
-- (`indexed` of that row is kept).
CREATE TRIGGER work_order_search_insert AFTER INSERT ON work_orders BEGIN
    INSERT INTO work_order_search_pending VALUES (new.id, new.search_text, 0)
    ON CONFLICT (id) DO UPDATE SET search_text = excluded.search_text;
END;
-- A new text: the index holds the old one, unless the order was created in this transaction.
CREATE TRIGGER work_order_search_update AFTER UPDATE OF search_text ON work_orders BEGIN
    INSERT INTO work_order_search_pending VALUES (new.id, new.search_text, 1)
    ON CONFLICT (id) DO UPDATE SET search_text = excluded.search_text;
END;
CREATE TRIGGER work_order_search_delete AFTER DELETE ON work_orders BEGIN
    INSERT INTO work_order_search_pending VALUES (old.id, NULL, 1)
    ON CONFLICT (id) DO UPDATE SET search_text = NULL;
END;
