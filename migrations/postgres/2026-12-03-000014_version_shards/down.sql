UPDATE list_versions SET version = (SELECT SUM(version) FROM list_versions
    WHERE name = 'work_orders' OR (name > 'work_orders#' AND name < 'work_orders$'))
WHERE name = 'work_orders';
DELETE FROM list_versions WHERE name > 'work_orders#' AND name < 'work_orders$';
