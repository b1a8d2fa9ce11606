-- Annex C import (W14): units of measure, the master concept catalog, the administered exchange
-- rate, and each OT's imports with their items and daily programmed volumes.
-- Exact values: volumes are BIGINT millionths (6 decimals), unit prices BIGINT ten-thousandths
-- (4 decimals), exchange rates BIGINT ten-thousandths of a peso per dollar.

CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    clave TEXT NOT NULL,
    description TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX units_clave_unique ON units (clave);

-- The master concept catalog (catálogo de conceptos). `code` is the item code (partida): the
-- ordinary one, or the extraordinary one when the ordinary is empty.
CREATE TABLE concepts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    price_mxn BIGINT NOT NULL DEFAULT 0,
    price_usd BIGINT NOT NULL DEFAULT 0,
    annex TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1
);
CREATE INDEX concepts_code_idx ON concepts (code);

-- Exchange rates (MXN per USD) as an administrator sets them; the newest is the one in use.
CREATE TABLE exchange_rates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    rate BIGINT NOT NULL,
    valid_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    username TEXT NOT NULL
);

CREATE TABLE annex_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id),
    active BOOLEAN NOT NULL,
    mode TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    rows INTEGER NOT NULL,
    -- The span of the daily schedule (NULL without one): the months the page shows.
    first_day DATE,
    last_day DATE,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    username TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- At most one active import per OT, whatever the timing of two uploads.
CREATE UNIQUE INDEX annex_imports_one_active ON annex_imports (work_order_id) WHERE active;
CREATE INDEX annex_imports_order_idx ON annex_imports (work_order_id, id);

CREATE TABLE annex_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES annex_imports (id),
    row_number INTEGER NOT NULL,
    annex TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    unit TEXT NOT NULL,
    volume BIGINT NOT NULL,
    price_mxn BIGINT NOT NULL,
    price_usd BIGINT NOT NULL
);
CREATE UNIQUE INDEX annex_items_row_unique ON annex_items (import_id, row_number);

CREATE TABLE annex_daily (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES annex_items (id),
    day DATE NOT NULL,
    volume BIGINT NOT NULL
);
CREATE INDEX annex_daily_item_idx ON annex_daily (item_id, day);

-- The error workbook of a refused import (of an OT's annex, or of the concept catalog when
-- work_order_id is NULL), kept a day for its download.
CREATE TABLE annex_error_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    work_order_id INTEGER REFERENCES work_orders (id),
    user_id INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    file_name TEXT NOT NULL,
    content BLOB NOT NULL
);

INSERT INTO units (id, clave, description, active) VALUES
    (1, 'PZA', 'PIEZA', 1),
    (2, 'M', 'METRO', 1),
    (3, 'M2', 'METRO CUADRADO', 1),
    (4, 'M3', 'METRO CUBICO', 1),
    (5, 'KG', 'KILOGRAMO', 1),
    (6, 'TON', 'TONELADA', 1),
    (7, 'LOTE', 'LOTE', 1),
    (8, 'JGO', 'JUEGO', 1),
    (9, 'SERV', 'SERVICIO', 1),
    (10, 'DIA', 'DIA', 1),
    (11, 'HR', 'HORA', 1),
    (12, 'L', 'LITRO', 1);
