-- The list's count cache (W12): a version bumped by every transaction that changes work orders,
-- last thing before it commits. A cached total is used only while the version is unchanged, so
-- it is exact on one instance or many. 'catalogs' does the same for the catalog names pages show.
CREATE TABLE list_versions (
    name TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO list_versions (name, version) VALUES ('work_orders', 0), ('catalogs', 0);
