#!/usr/bin/env bash
# The queries behind each read page (as FAENA_SLOW_QUERY_MS=0 logs them), explained on a seeded
# database: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, the query plan and the time of each run on
# SQLite (`sqlite3` CLI). The page's own ids and values are looked up first.
#
#   DATABASE_URL=postgres://…/bm_1000000 bench/explain.sh
#   DATABASE_URL=sqlite:///tmp/bm_1000000.db bench/explain.sh
set -euo pipefail
URL=${DATABASE_URL:?set DATABASE_URL to a seeded database}

if [[ $URL == postgres* ]]; then
  run() { psql -X -q -At "$URL" -c "$1"; }
  explain() { echo "-- $1"; psql -X -q "$URL" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $2" | sed 's/^/   /'; }
  like="search_text LIKE '%reparacion%'"
else
  DB=${URL#sqlite://}
  run() { sqlite3 "$DB" "$1"; }
  explain() {
    echo "-- $1"
    sqlite3 "$DB" ".eqp on" ".timer on" "$2" | grep -v '^[0-9|., -]*$' | sed 's/^/   /'
  }
  like="id IN (SELECT -rowid FROM work_order_search WHERE work_order_search MATCH '\"reparacion\"')"
fi

ID=$(run "SELECT max(id) FROM work_orders WHERE kind_id = 4 AND record_state <> 0")
PAGE=$(run "SELECT string_agg(id::text, ',') FROM (SELECT id FROM work_orders WHERE kind_id = 4 AND record_state <> 0 ORDER BY id DESC LIMIT 25) t" 2>/dev/null ||
  run "SELECT group_concat(id) FROM (SELECT id FROM work_orders WHERE kind_id = 4 AND record_state <> 0 ORDER BY id DESC LIMIT 25)")
# A page's ids as the app binds them: one parameter whatever their number (db::prepared).
if [[ $URL == postgres* ]]; then SET=" = ANY('{$PAGE}'::int[])"; else SET=" IN (SELECT value FROM json_each('[$PAGE]'))"; fi
echo "== $(run "SELECT count(*) FROM work_orders") orders; detail order $ID"

echo "== /ot (default), datatable/ (same queries)"
explain "page ids (names joined only to sort by them)" "SELECT work_orders.id FROM work_orders WHERE work_orders.record_state <> 0 AND work_orders.kind_id = 4 ORDER BY work_orders.id DESC LIMIT 25 OFFSET 0"
explain "count: kept totals (cached per filter until a write)" "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM list_count_rows WHERE record_state <> 0 AND kind_id = 4"
explain "rows" "SELECT work_orders.*, planning_docs.folio, clients.description, statuses.description FROM work_orders LEFT JOIN planning_docs ON work_orders.planning_doc_id = planning_docs.id LEFT JOIN clients ON work_orders.client_id = clients.id JOIN statuses ON statuses.id = work_orders.status_id WHERE work_orders.id$SET"
explain "facts: step counts, reprogramming counts, physical progress (one statement)" "SELECT 1 AS part, work_order_id AS id, CAST(COUNT(*) AS BIGINT) AS total, CAST(SUM(CASE WHEN status_id = 3 THEN 1 ELSE 0 END) AS BIGINT) AS completed, CAST(SUM(CASE WHEN status_id <> 14 THEN 1 ELSE 0 END) AS BIGINT) AS applicable FROM steps WHERE work_order_id$SET GROUP BY work_order_id UNION ALL SELECT 2, parent_id, CAST(COUNT(*) AS BIGINT), 0, 0 FROM work_orders WHERE parent_id$SET AND +kind_id = 5 AND record_state <> 0 GROUP BY parent_id UNION ALL SELECT 3, work_order_id, CAST(progress_real AS BIGINT), CAST(progress_client AS BIGINT), 0 FROM schedule_versions WHERE work_order_id$SET AND active"

echo "== /ot?estatus=8"
explain "page ids" "SELECT id FROM work_orders WHERE record_state <> 0 AND kind_id = 4 AND status_id = 8 ORDER BY id DESC LIMIT 25"
explain "count: kept totals (first time)" "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM list_count_rows WHERE record_state <> 0 AND kind_id = 4 AND status_id = 8"
explain "count of a combination: kept totals" "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM list_count_rows WHERE record_state <> 0 AND status_id = 8 AND project_manager_id = 2"
explain "the same from the orders (before the kept totals)" "SELECT count(*) FROM work_orders WHERE record_state <> 0 AND status_id = 8 AND project_manager_id = 2"

echo "== /ot?q=reparacion"
explain "page ids" "SELECT id FROM work_orders WHERE record_state <> 0 AND kind_id = 4 AND $like ORDER BY id DESC LIMIT 25"
explain "count, stops at 1,001" "SELECT count(*) FROM (SELECT id FROM work_orders WHERE record_state <> 0 AND kind_id = 4 AND $like LIMIT 1001) t"

echo "== /ot/$ID, obtener_datos/"
explain "order" "SELECT * FROM work_orders WHERE id = $ID AND record_state <> 0"
explain "steps" "SELECT * FROM steps WHERE work_order_id = $ID ORDER BY id"
explain "history" "SELECT * FROM activity_log WHERE table_name = 'work_orders' AND record_id = $ID ORDER BY id DESC"
explain "double-booking candidates (one query per site; every column from the index)" "SELECT id, folio, parent_id, status_id, record_state, client_id, project_manager_id, front_id, planned_start, planned_end, real_start, real_end, vessel_site_id, platform_site_id, intercom_site_id, yard_site_id, requires_yard, yard_start, yard_end FROM work_orders WHERE platform_site_id = 12 AND record_state <> 0 AND status_id IN (5, 8, 16, 9) AND (planned_start <= '2027-01-01' OR real_start <= '2027-01-01' OR yard_start <= '2027-01-01') AND (planned_end >= '2026-01-01' OR real_end >= '2026-01-01' OR yard_end >= '2026-01-01')"
