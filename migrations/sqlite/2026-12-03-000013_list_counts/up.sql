-- Exact list totals without reading the orders (W12, issue 14). Counting the orders of a filter
-- combination read every order of its most selective column (status x manager: 125,000 index
-- entries at 1,000,000 orders); the totals per combination of the columns the list filters on
-- are kept here by triggers in the transaction that changes the orders, so any combination of
-- those filters is the sum of a few rows. A missing client or year is kept as 0.
CREATE TABLE list_counts (
    kind_id INTEGER NOT NULL,
    status_id INTEGER NOT NULL,
    project_manager_id INTEGER NOT NULL,
    client_id INTEGER NOT NULL,
    list_year INTEGER NOT NULL,
    record_state INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (kind_id, status_id, project_manager_id, client_id, list_year, record_state)
) WITHOUT ROWID;

INSERT INTO list_counts
SELECT kind_id, status_id, project_manager_id, COALESCE(client_id, 0), COALESCE(list_year, 0),
       record_state, COUNT(*)
FROM work_orders
GROUP BY 1, 2, 3, 4, 5, 6;

-- SQLite has one writer at a time: the triggers add to the totals' rows in place.
CREATE TRIGGER list_counts_insert AFTER INSERT ON work_orders
BEGIN
    INSERT INTO list_counts VALUES (NEW.kind_id, NEW.status_id, NEW.project_manager_id,
        COALESCE(NEW.client_id, 0), COALESCE(NEW.list_year, 0), NEW.record_state, 1)
    ON CONFLICT (kind_id, status_id, project_manager_id, client_id, list_year, record_state)
    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER list_counts_delete AFTER DELETE ON work_orders
BEGIN
    UPDATE list_counts SET n = n - 1
    WHERE kind_id = OLD.kind_id AND status_id = OLD.status_id
      AND project_manager_id = OLD.project_manager_id AND client_id = COALESCE(OLD.client_id, 0)
      AND list_year = COALESCE(OLD.list_year, 0) AND record_state = OLD.record_state;
END;

CREATE TRIGGER list_counts_update
AFTER UPDATE OF kind_id, status_id, project_manager_id, client_id, list_year, record_state
ON work_orders
WHEN OLD.kind_id IS NOT NEW.kind_id OR OLD.status_id IS NOT NEW.status_id
  OR OLD.project_manager_id IS NOT NEW.project_manager_id OR OLD.client_id IS NOT NEW.client_id
  OR OLD.list_year IS NOT NEW.list_year OR OLD.record_state IS NOT NEW.record_state
BEGIN
    UPDATE list_counts SET n = n - 1
    WHERE kind_id = OLD.kind_id AND status_id = OLD.status_id
      AND project_manager_id = OLD.project_manager_id AND client_id = COALESCE(OLD.client_id, 0)
      AND list_year = COALESCE(OLD.list_year, 0) AND record_state = OLD.record_state;
    INSERT INTO list_counts VALUES (NEW.kind_id, NEW.status_id, NEW.project_manager_id,
        COALESCE(NEW.client_id, 0), COALESCE(NEW.list_year, 0), NEW.record_state, 1)
    ON CONFLICT (kind_id, status_id, project_manager_id, client_id, list_year, record_state)
    DO UPDATE SET n = n + 1;
END;

-- What the list sums (on PostgreSQL it also holds the changes not yet folded in).
CREATE VIEW list_count_rows AS
SELECT kind_id, status_id, project_manager_id, client_id, list_year, record_state, n
FROM list_counts;
