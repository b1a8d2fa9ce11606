-- The work orders' version spread over 16 rows (issue 14): every save of an order bumps it, and
-- with one row concurrent saves on PostgreSQL waited for each other's commit. A save bumps one
-- row at random; a reader sums 'work_orders' and 'work_orders#1'..'work_orders#15'.
INSERT INTO list_versions (name, version) VALUES
    ('work_orders#1', 0), ('work_orders#2', 0), ('work_orders#3', 0), ('work_orders#4', 0),
    ('work_orders#5', 0), ('work_orders#6', 0), ('work_orders#7', 0), ('work_orders#8', 0),
    ('work_orders#9', 0), ('work_orders#10', 0), ('work_orders#11', 0), ('work_orders#12', 0),
    ('work_orders#13', 0), ('work_orders#14', 0), ('work_orders#15', 0);
