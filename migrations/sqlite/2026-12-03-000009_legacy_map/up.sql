-- W21: what `faena import-legacy` migrated, so that running it again updates instead of
-- duplicating. One row per legacy row: its table and id, the Faena row it became, and a
-- fingerprint of its content (unchanged rows are left alone).
CREATE TABLE legacy_map (
    source TEXT NOT NULL,
    legacy_id BIGINT NOT NULL,
    faena_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (source, legacy_id)
);
-- The legacy users' e-mail addresses (auth_user.email) are kept.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
