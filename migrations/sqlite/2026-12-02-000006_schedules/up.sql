-- Schedules (W15–W18): each import of an OT's programa de obra is a version with its tasks and
-- links; at most one version per OT is active. Progress captures hang off tasks (history kept).
-- Exact values: durations in minutes (with the file's minutes per day), lags in tenths of a
-- minute as MSPDI writes them, weights in millionths of the number written in the file,
-- percentages in hundredths.

CREATE TABLE schedule_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id),
    number INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    content BLOB NOT NULL,
    task_count INTEGER NOT NULL,
    link_count INTEGER NOT NULL,
    project_start DATE,
    project_finish DATE,
    minutes_per_day INTEGER NOT NULL,
    has_weights BOOLEAN NOT NULL,
    unmatched_captures INTEGER NOT NULL,
    -- The rolled-up physical progress (hundredths of a percent), kept current by every capture so
    -- that the OT list reads it in one query.
    progress_real INTEGER NOT NULL DEFAULT 0,
    progress_client INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    username TEXT NOT NULL
);
CREATE UNIQUE INDEX schedule_versions_one_active ON schedule_versions (work_order_id) WHERE active;
CREATE UNIQUE INDEX schedule_versions_number ON schedule_versions (work_order_id, number);

CREATE TABLE schedule_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES schedule_versions (id),
    uid INTEGER NOT NULL,
    position INTEGER NOT NULL,
    wbs TEXT NOT NULL,
    outline_level INTEGER NOT NULL,
    parent_uid INTEGER,
    name TEXT NOT NULL,
    start DATE NOT NULL,
    finish DATE NOT NULL,
    duration_minutes BIGINT NOT NULL,
    milestone BOOLEAN NOT NULL,
    summary BOOLEAN NOT NULL,
    weight BIGINT,
    percent_complete INTEGER NOT NULL,
    baseline_start DATE,
    baseline_finish DATE,
    critical BOOLEAN NOT NULL,
    resources TEXT NOT NULL
);
CREATE UNIQUE INDEX schedule_tasks_uid ON schedule_tasks (version_id, uid);
CREATE INDEX schedule_tasks_position ON schedule_tasks (version_id, position);

CREATE TABLE schedule_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES schedule_versions (id),
    predecessor_uid INTEGER NOT NULL,
    successor_uid INTEGER NOT NULL,
    link_type TEXT NOT NULL,
    lag_tenths BIGINT NOT NULL,
    lag_format INTEGER NOT NULL
);
CREATE INDEX schedule_links_version ON schedule_links (version_id);

CREATE TABLE schedule_progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    task_id INTEGER NOT NULL REFERENCES schedule_tasks (id),
    real_pct INTEGER,
    client_pct INTEGER,
    applies_on DATE NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    username TEXT NOT NULL
);
CREATE INDEX schedule_progress_task ON schedule_progress (task_id, applies_on);
