-- Each order's step counts (W10: total, completed, applicable), kept by triggers in the
-- transaction that writes its steps (issue 14). The list, its exports and printouts showed them
-- by counting every step of the page's orders: 200 steps for a page of 25, a fifth of the list
-- page's work. A narrow table of its own, not columns of `work_orders`: a step change rewrites
-- four integers instead of the order's wide row, and on PostgreSQL never locks the order.
-- Completed is status 3 (COMPLETADO); applicable is every status but 14 (NO APLICA), as
-- `db::steps::COUNT_COLUMNS` counts them. An order without steps has no row (zeros).
CREATE TABLE order_step_counts (
    work_order_id INTEGER PRIMARY KEY REFERENCES work_orders (id) ON DELETE CASCADE,
    total INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    applicable INTEGER NOT NULL
);

INSERT INTO order_step_counts
SELECT work_order_id, COUNT(*), SUM(status_id = 3), SUM(status_id <> 14)
FROM steps GROUP BY work_order_id;

CREATE TRIGGER step_counts_insert AFTER INSERT ON steps
BEGIN
    INSERT INTO order_step_counts
    VALUES (NEW.work_order_id, 1, NEW.status_id = 3, NEW.status_id <> 14)
    ON CONFLICT (work_order_id) DO UPDATE SET
        total = total + 1,
        completed = completed + excluded.completed,
        applicable = applicable + excluded.applicable;
END;

CREATE TRIGGER step_counts_delete AFTER DELETE ON steps
BEGIN
    UPDATE order_step_counts SET
        total = total - 1,
        completed = completed - (OLD.status_id = 3),
        applicable = applicable - (OLD.status_id <> 14)
    WHERE work_order_id = OLD.work_order_id;
END;

CREATE TRIGGER step_counts_update AFTER UPDATE OF status_id, work_order_id ON steps
WHEN OLD.status_id IS NOT NEW.status_id OR OLD.work_order_id IS NOT NEW.work_order_id
BEGIN
    UPDATE order_step_counts SET
        total = total - 1,
        completed = completed - (OLD.status_id = 3),
        applicable = applicable - (OLD.status_id <> 14)
    WHERE work_order_id = OLD.work_order_id;
    INSERT INTO order_step_counts
    VALUES (NEW.work_order_id, 1, NEW.status_id = 3, NEW.status_id <> 14)
    ON CONFLICT (work_order_id) DO UPDATE SET
        total = total + 1,
        completed = completed + excluded.completed,
        applicable = applicable + excluded.applicable;
END;
