-- Exact list totals without reading the orders (W12, issue 14). Counting the orders of a filter
-- combination read every order of its most selective column (status x manager: 125,000 index
-- entries at 1,000,000 orders); the totals per combination of the columns the list filters on
-- are kept by triggers in the transaction that changes the orders, so any combination of those
-- filters is the sum of a few rows. A missing client or year is kept as 0.
CREATE TABLE list_counts (
    kind_id INTEGER NOT NULL,
    status_id INTEGER NOT NULL,
    project_manager_id INTEGER NOT NULL,
    client_id INTEGER NOT NULL,
    list_year INTEGER NOT NULL,
    record_state INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (kind_id, status_id, project_manager_id, client_id, list_year, record_state)
);

-- Concurrent writers must not wait on each other for a total's row (nor deadlock, one moving an
-- order from A to B while another moves one from B to A): the triggers only append changes
-- here, and `fold_list_counts()` (run every few seconds by each instance) moves them into
-- `list_counts` in one statement.
CREATE TABLE list_count_changes (
    kind_id INTEGER NOT NULL,
    status_id INTEGER NOT NULL,
    project_manager_id INTEGER NOT NULL,
    client_id INTEGER NOT NULL,
    list_year INTEGER NOT NULL,
    record_state INTEGER NOT NULL,
    n BIGINT NOT NULL
);
-- Every fold deletes what it moved, and every count reads this table whole: vacuum it after a
-- thousand dead rows whatever its size (the default waits for 20 % of the table plus 50).
ALTER TABLE list_count_changes SET (
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_scale_factor = 0
);

INSERT INTO list_counts
SELECT kind_id, status_id, project_manager_id, COALESCE(client_id, 0), COALESCE(list_year, 0),
       record_state, COUNT(*)
FROM work_orders
GROUP BY 1, 2, 3, 4, 5, 6;

-- One statement-level trigger per operation, reading the statement's changed rows at once (a
-- bulk insert of 10,000 orders appends one row per combination, not 10,000).
CREATE FUNCTION list_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO list_count_changes
        SELECT kind_id, status_id, project_manager_id, COALESCE(client_id, 0),
               COALESCE(list_year, 0), record_state, COUNT(*)
        FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO list_count_changes
        SELECT kind_id, status_id, project_manager_id, COALESCE(client_id, 0),
               COALESCE(list_year, 0), record_state, -COUNT(*)
        FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6;
    ELSE
        INSERT INTO list_count_changes
        SELECT kind_id, status_id, project_manager_id, client_id, list_year, record_state, SUM(n)
        FROM (
            SELECT kind_id, status_id, project_manager_id, COALESCE(client_id, 0) AS client_id,
                   COALESCE(list_year, 0) AS list_year, record_state, -1 AS n
            FROM old_rows
            UNION ALL
            SELECT kind_id, status_id, project_manager_id, COALESCE(client_id, 0),
                   COALESCE(list_year, 0), record_state, 1
            FROM new_rows
        ) moved
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING SUM(n) <> 0;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER list_counts_insert AFTER INSERT ON work_orders
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_counts_change();
CREATE TRIGGER list_counts_update AFTER UPDATE ON work_orders
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_counts_change();
CREATE TRIGGER list_counts_delete AFTER DELETE ON work_orders
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_counts_change();

-- Moves the appended changes into the totals, at most one caller at a time (another caller
-- returns at once). Returns how many changes it moved.
CREATE FUNCTION fold_list_counts() RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    moved BIGINT;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('fold_list_counts')) THEN
        RETURN 0;
    END IF;
    WITH gone AS (DELETE FROM list_count_changes RETURNING *),
    sums AS (
        SELECT kind_id, status_id, project_manager_id, client_id, list_year, record_state,
               SUM(n) AS n, COUNT(*) AS changes
        FROM gone GROUP BY 1, 2, 3, 4, 5, 6
    ),
    merged AS (
        INSERT INTO list_counts
        SELECT kind_id, status_id, project_manager_id, client_id, list_year, record_state, n
        FROM sums
        ON CONFLICT (kind_id, status_id, project_manager_id, client_id, list_year, record_state)
        DO UPDATE SET n = list_counts.n + EXCLUDED.n
    )
    SELECT COALESCE(SUM(changes), 0) INTO moved FROM sums;
    RETURN moved;
END;
$$;

-- What the list sums: the totals and the changes not yet folded in, read in one snapshot.
CREATE VIEW list_count_rows AS
SELECT kind_id, status_id, project_manager_id, client_id, list_year, record_state, n
FROM list_counts
UNION ALL
SELECT kind_id, status_id, project_manager_id, client_id, list_year, record_state, n
FROM list_count_changes;
