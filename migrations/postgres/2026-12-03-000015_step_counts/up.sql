-- Each order's step counts (W10: total, completed, applicable), kept by triggers in the
-- transaction that writes its steps (issue 14). The list, its exports and printouts showed them
-- by counting every step of the page's orders: 200 steps for a page of 25, a fifth of the list
-- page's work. A narrow table of its own, not columns of `work_orders`: a step change rewrites
-- four integers instead of the order's wide row, and never locks the order (nor fires its
-- list-total trigger). Completed is status 3 (COMPLETADO); applicable is every status but 14
-- (NO APLICA), as `db::steps::COUNT_COLUMNS` counts them. An order without steps has no row.
CREATE TABLE order_step_counts (
    work_order_id INTEGER PRIMARY KEY REFERENCES work_orders (id) ON DELETE CASCADE,
    total INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    applicable INTEGER NOT NULL
);

INSERT INTO order_step_counts
SELECT work_order_id, COUNT(*), COUNT(*) FILTER (WHERE status_id = 3),
       COUNT(*) FILTER (WHERE status_id <> 14)
FROM steps GROUP BY work_order_id;

-- One statement-level trigger per operation, reading the statement's changed rows at once (a
-- bulk insert of 10,000 steps writes each order's counts once). An update that changes no count
-- (a comment, a date) writes nothing. Each operation has its own statement: a trigger function
-- may only name the transition tables its trigger has.
CREATE FUNCTION step_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH moved AS (
            SELECT work_order_id, 1 AS total, (status_id = 3)::int AS completed,
                   (status_id <> 14)::int AS applicable
            FROM new_rows
        )
        INSERT INTO order_step_counts AS kept
        SELECT work_order_id, SUM(total), SUM(completed), SUM(applicable)
        FROM moved GROUP BY work_order_id
        HAVING SUM(total) <> 0 OR SUM(completed) <> 0 OR SUM(applicable) <> 0
        ON CONFLICT (work_order_id) DO UPDATE SET
            total = kept.total + EXCLUDED.total,
            completed = kept.completed + EXCLUDED.completed,
            applicable = kept.applicable + EXCLUDED.applicable;
    ELSIF TG_OP = 'DELETE' THEN
        WITH moved AS (
            SELECT work_order_id, -1 AS total, -(status_id = 3)::int AS completed,
                   -(status_id <> 14)::int AS applicable
            FROM old_rows
        )
        INSERT INTO order_step_counts AS kept
        SELECT work_order_id, SUM(total), SUM(completed), SUM(applicable)
        FROM moved GROUP BY work_order_id
        HAVING SUM(total) <> 0 OR SUM(completed) <> 0 OR SUM(applicable) <> 0
        ON CONFLICT (work_order_id) DO UPDATE SET
            total = kept.total + EXCLUDED.total,
            completed = kept.completed + EXCLUDED.completed,
            applicable = kept.applicable + EXCLUDED.applicable;
    ELSE
        WITH moved AS (
            SELECT work_order_id, 1 AS total, (status_id = 3)::int AS completed,
                   (status_id <> 14)::int AS applicable
            FROM new_rows
            UNION ALL
            SELECT work_order_id, -1 AS total, -(status_id = 3)::int AS completed,
                   -(status_id <> 14)::int AS applicable
            FROM old_rows
        )
        INSERT INTO order_step_counts AS kept
        SELECT work_order_id, SUM(total), SUM(completed), SUM(applicable)
        FROM moved GROUP BY work_order_id
        HAVING SUM(total) <> 0 OR SUM(completed) <> 0 OR SUM(applicable) <> 0
        ON CONFLICT (work_order_id) DO UPDATE SET
            total = kept.total + EXCLUDED.total,
            completed = kept.completed + EXCLUDED.completed,
            applicable = kept.applicable + EXCLUDED.applicable;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER step_counts_insert AFTER INSERT ON steps
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION step_counts_change();
CREATE TRIGGER step_counts_update AFTER UPDATE ON steps
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION step_counts_change();
CREATE TRIGGER step_counts_delete AFTER DELETE ON steps
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION step_counts_change();
