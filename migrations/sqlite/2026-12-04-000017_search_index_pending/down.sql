DELETE FROM work_order_search
WHERE rowid IN (SELECT -id FROM work_order_search_pending WHERE indexed = 1);
INSERT INTO work_order_search (rowid, search_text)
SELECT -id, search_text FROM work_order_search_pending WHERE search_text IS NOT NULL;

DROP TRIGGER work_order_search_insert;
DROP TRIGGER work_order_search_update;
DROP TRIGGER work_order_search_delete;
DROP TABLE work_order_search_pending;

CREATE TRIGGER work_order_search_insert AFTER INSERT ON work_orders BEGIN
    INSERT INTO work_order_search (rowid, search_text) VALUES (-new.id, new.search_text);
END;
CREATE TRIGGER work_order_search_delete AFTER DELETE ON work_orders BEGIN
    DELETE FROM work_order_search WHERE rowid = -old.id;
END;
CREATE TRIGGER work_order_search_update AFTER UPDATE OF search_text ON work_orders BEGIN
    DELETE FROM work_order_search WHERE rowid = -old.id;
    INSERT INTO work_order_search (rowid, search_text) VALUES (-new.id, new.search_text);
END;
