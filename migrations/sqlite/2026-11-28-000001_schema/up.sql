-- Faena schema (SQLite). Keep in step with ../../postgres: a test compares both.
-- Money is BIGINT centavos; timestamps are TIMESTAMP holding UTC, always set from Rust.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'gestor', 'consulta')),
    active BOOLEAN NOT NULL DEFAULT 1,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE app_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Catalogs (legacy ids kept, DOMAIN.md section 2). Rows are deactivated, never deleted.
CREATE TABLE kinds (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    description TEXT NOT NULL,
    scope INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    description TEXT NOT NULL,
    scope INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE fronts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    description TEXT NOT NULL,
    scope INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    description TEXT NOT NULL,
    category_id INTEGER NOT NULL REFERENCES fronts (id),
    comment TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);
CREATE INDEX sites_category_idx ON sites (category_id);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    description TEXT NOT NULL,
    client_type_id INTEGER REFERENCES kinds (id),
    comment TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE project_managers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    description TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);

-- Planning documents (PTE) that initial work orders come from.
CREATE TABLE planning_docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    folio TEXT NOT NULL,
    request_letter TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    client_id INTEGER REFERENCES clients (id),
    project_manager_id INTEGER REFERENCES project_managers (id),
    request_date DATE,
    delivery_date DATE,
    duration_days INTEGER,
    status INTEGER NOT NULL DEFAULT 1,
    record_state INTEGER NOT NULL DEFAULT 1,
    comment TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id)
);
CREATE INDEX planning_docs_folio_idx ON planning_docs (folio);

-- Work orders (legacy table `ot`, every field) plus optimistic-concurrency version and audit columns.
CREATE TABLE work_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind_id INTEGER NOT NULL REFERENCES kinds (id),
    planning_doc_id INTEGER REFERENCES planning_docs (id),
    folio TEXT NOT NULL,
    oficio TEXT NOT NULL,
    description TEXT NOT NULL,
    project_manager_id INTEGER NOT NULL REFERENCES project_managers (id),
    client_representative TEXT NOT NULL,
    client_id INTEGER REFERENCES clients (id),
    status_id INTEGER NOT NULL REFERENCES statuses (id),
    record_state INTEGER NOT NULL DEFAULT 1 CHECK (record_state IN (-1, 0, 1)),
    parent_id INTEGER REFERENCES work_orders (id),
    revision INTEGER,
    planned_start DATE,
    planned_end DATE,
    real_start DATE,
    real_end DATE,
    real_end_from_status BOOLEAN NOT NULL DEFAULT 0,
    duration_days INTEGER,
    amount_mxn BIGINT NOT NULL DEFAULT 0,
    amount_usd BIGINT NOT NULL DEFAULT 0,
    front_id INTEGER REFERENCES fronts (id),
    vessel_site_id INTEGER REFERENCES sites (id),
    platform_site_id INTEGER REFERENCES sites (id),
    intercom_site_id INTEGER REFERENCES sites (id),
    yard_site_id INTEGER REFERENCES sites (id),
    requires_yard BOOLEAN NOT NULL DEFAULT 0,
    yard_start DATE,
    yard_end DATE,
    comment TEXT NOT NULL DEFAULT '',
    list_year INTEGER,
    -- W12 free text: lower-cased folio, oficio, PTE folio and description, kept by the app.
    search_text TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id)
);
-- W12 list filters and W4/W2 lookups. Lists filter "visible" as record_state <> 0 and lead with
-- the kind, so that the newest-first page walks (kind_id, id) without sorting.
CREATE INDEX work_orders_list_idx ON work_orders (kind_id, id);
CREATE INDEX work_orders_status_idx ON work_orders (kind_id, status_id, record_state);
-- Covering index: counting and scanning a text search reads the index, not the wide rows.
CREATE INDEX work_orders_search_idx ON work_orders (kind_id, record_state, search_text);
CREATE INDEX work_orders_pm_idx ON work_orders (project_manager_id);
CREATE INDEX work_orders_client_idx ON work_orders (client_id);
CREATE INDEX work_orders_year_idx ON work_orders (list_year);
CREATE INDEX work_orders_vessel_idx ON work_orders (vessel_site_id);
CREATE INDEX work_orders_platform_idx ON work_orders (platform_site_id);
CREATE INDEX work_orders_intercom_idx ON work_orders (intercom_site_id);
CREATE INDEX work_orders_yard_idx ON work_orders (yard_site_id);
CREATE INDEX work_orders_parent_idx ON work_orders (parent_id);
CREATE INDEX work_orders_folio_idx ON work_orders (folio);
CREATE INDEX work_orders_pte_idx ON work_orders (planning_doc_id);
-- W2: one non-deleted initial OT per PTE, and a unique folio among non-deleted initial OTs.
CREATE UNIQUE INDEX work_orders_one_initial_per_pte ON work_orders (planning_doc_id)
    WHERE kind_id = 4 AND record_state <> 0;
CREATE UNIQUE INDEX work_orders_initial_folio_unique ON work_orders (folio)
    WHERE kind_id = 4 AND record_state <> 0;
-- W4: revision numbers are unique per parent among non-deleted reprogrammings.
CREATE UNIQUE INDEX work_orders_revision_unique ON work_orders (parent_id, revision)
    WHERE kind_id = 5 AND record_state <> 0;

-- Step templates (legacy `paso_ot`), in sets 4, 5 and 18.
CREATE TABLE step_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    set_id INTEGER NOT NULL REFERENCES kinds (id),
    description TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    client_type_id INTEGER REFERENCES kinds (id),
    comment TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);
CREATE INDEX step_templates_set_idx ON step_templates (set_id, active);

-- W3: which template set an OT of a kind (and optionally a client) gets. A NULL client means "any other".
CREATE TABLE step_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind_id INTEGER NOT NULL REFERENCES kinds (id),
    client_id INTEGER REFERENCES clients (id),
    template_set_id INTEGER NOT NULL REFERENCES kinds (id)
);
CREATE UNIQUE INDEX step_rules_kind_client_unique ON step_rules (kind_id, client_id) WHERE client_id IS NOT NULL;
CREATE UNIQUE INDEX step_rules_kind_default_unique ON step_rules (kind_id) WHERE client_id IS NULL;

-- The execution steps of one OT (legacy `ot_detalle`).
CREATE TABLE steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id),
    template_id INTEGER NOT NULL REFERENCES step_templates (id),
    status_id INTEGER NOT NULL REFERENCES statuses (id),
    start_date DATE,
    end_date DATE,
    delivery_date DATE,
    comment TEXT NOT NULL DEFAULT '',
    link TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX steps_work_order_idx ON steps (work_order_id, template_id);

-- W11: every change, with field-level old and new values.
CREATE TABLE activity_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TIMESTAMP NOT NULL,
    user_id INTEGER REFERENCES users (id),
    username TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id INTEGER,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    detail TEXT
);
CREATE INDEX activity_log_record_idx ON activity_log (table_name, record_id);
CREATE INDEX activity_log_at_idx ON activity_log (at);
CREATE INDEX activity_log_user_idx ON activity_log (user_id);
