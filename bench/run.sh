#!/usr/bin/env bash
# Benchmark: seeds OTS orders into a fresh database, starts the release server, logs in and
# measures with wrk (bounded: DURATION seconds per case, CONNECTIONS concurrent connections):
#   anonymous /healthz, the logged-in trivial page (GET /, a redirect: session validation only),
#   the list (default, a text search, 50 searches in turn, a status filter, 50 filters in turn),
#   the detail page, the Programa tab (a 120-task MS Project schedule), the legacy API's
#   datatable/ (first page and deep pages) and obtener_datos/ (random ids), and creating.
# Prints requests/s, p50/p99 latency and the ratio to the trivial page of the same run per case.
#
#   bench/run.sh                          # SQLite in a temp folder
#   DATABASE_URL=postgres://… bench/run.sh   # an empty PostgreSQL database you created
# Knobs: OTS (100000), DURATION (10), CONNECTIONS (16), THREADS (2), PORT (18181),
#        KEEP_DB (a path: seed it once, reuse it on later runs; SQLite), SEED=0 (reuse an already
#        seeded DATABASE_URL, e.g. PostgreSQL), NO_CREATE=1 (skip the create case),
#        ONLY (a regular expression: run only the cases it matches, e.g. ONLY='create|filters').
set -euo pipefail
# shellcheck source=bench/login.sh
source "$(dirname "$0")/login.sh"
cd "$(dirname "$0")/.."

OTS=${OTS:-100000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18181}
BASE="http://127.0.0.1:${PORT}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
BIN=target/release/faena

WORK=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ -n "${KEEP_DB:-}" ]; then export DATABASE_URL="sqlite://$KEEP_DB"; fi
export DATABASE_URL=${DATABASE_URL:-sqlite://$WORK/bench.db}
export RUST_LOG=warn

if { [ -n "${KEEP_DB:-}" ] && [ -f "$KEEP_DB" ]; } || [ "${SEED:-1}" = 0 ]; then
  echo "== reusing the seeded database"
else
  echo "== seeding $OTS orders ($DATABASE_URL)"
  start=$SECONDS
  $BIN seed-demo --ots "$OTS"
  echo "seeded in $((SECONDS - start)) s"
  printf 'bench-clave-segura-2026' | $BIN user add bench --role gestor --password-stdin >/dev/null
fi

FAENA_BIND="127.0.0.1:${PORT}" $BIN serve >"$WORK/server.log" 2>&1 &
SERVER=$!
# Up to a minute: a reused database may have migrations to apply (index builds) first.
for _ in $(seq 1 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

JAR="$WORK/jar"
bench_login "$BASE" "$JAR"
COOKIE="faena=$(awk '$6 == "faena" {print $7}' "$JAR")"
TOKEN=$(curl -s -b "$JAR" "$BASE/ot" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
[ -n "$TOKEN" ] || { echo "login failed"; exit 1; }

DETAIL_ID=$(curl -s -b "$JAR" "$BASE/ot" | sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | head -n1)
# 500 initial orders to reprogram (seed-demo interleaves reprogrammings among them).
PARENTS=$(for p in 1 2 3 4 5; do curl -s -b "$JAR" "$BASE/ot?per=100&page=$p"; done |
  sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | sort -un | head -n 500 | paste -sd, -)

MAX_ID=$DETAIL_ID

# A 120-task MS Project schedule (20 phases of 6 chained tasks) on the detail order.
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<Project xmlns="http://schemas.microsoft.com/project"><Name>bench.xml</Name>'
  echo '<StartDate>2026-01-05T08:00:00</StartDate><MinutesPerDay>480</MinutesPerDay><Tasks>'
  echo '<Task><UID>0</UID><ID>0</ID><Name>Programa</Name><OutlineLevel>0</OutlineLevel><WBS>0</WBS>'
  echo '<Start>2026-01-05T08:00:00</Start><Finish>2026-12-31T17:00:00</Finish><Summary>1</Summary></Task>'
  id=0
  for phase in $(seq 1 20); do
    id=$((id + 1)); summary=$id
    month=$(printf '%02d' $(( (phase - 1) % 12 + 1 )))
    echo "<Task><UID>$id</UID><ID>$id</ID><Name>Fase $phase</Name><OutlineLevel>1</OutlineLevel><WBS>$phase</WBS>"
    echo "<Start>2026-$month-01T08:00:00</Start><Finish>2026-$month-28T17:00:00</Finish><Summary>1</Summary></Task>"
    for step in $(seq 1 6); do
      id=$((id + 1))
      day=$(printf '%02d' $((step * 4)))
      echo "<Task><UID>$id</UID><ID>$id</ID><Name>Actividad $phase.$step</Name><OutlineLevel>2</OutlineLevel>"
      echo "<WBS>$phase.$step</WBS><Start>2026-$month-${day}T08:00:00</Start><Finish>2026-$month-${day}T17:00:00</Finish>"
      echo "<Duration>PT8H0M0S</Duration><Summary>0</Summary><PercentComplete>$((step * 10))</PercentComplete>"
      [ "$step" -gt 1 ] && echo "<PredecessorLink><PredecessorUID>$((id - 1))</PredecessorUID><Type>1</Type></PredecessorLink>"
      echo "</Task>"
    done
  done
  echo '</Tasks></Project>'
} >"$WORK/programa.xml"
code=$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' -F "archivo=@$WORK/programa.xml;type=text/xml" \
  -F "csrf_token=$TOKEN" "$BASE/ot/$DETAIL_ID/programa")
echo "schedule upload: HTTP $code"

cat >"$WORK/obtener.lua" <<LUA
-- obtener_datos/ for random order ids.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/operaciones/ot/obtener_datos/?id=" .. math.random(1, $MAX_ID))
end
LUA

cat >"$WORK/deep.lua" <<LUA
-- datatable/ at random offsets over the first 10,000 rows (deep pages).
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/operaciones/ot/datatable/?draw=1&length=25&start=" .. math.random(0, 399) * 25)
end
LUA

cat >"$WORK/create.lua" <<LUA
-- Creates reprogrammings of random initial orders: the full create path (W1, W3, W4, steps).
local token = "$TOKEN"
local parents = {$PARENTS}
math.randomseed(os.time())
request = function()
  local parent = parents[math.random(1, #parents)]
  local body = "id_tipo=5&ot_principal=" .. parent ..
    "&oficio_ot=PEP-BENCH-2026&descripcion_trabajo=Reprogramaci%C3%B3n+de+prueba" ..
    "&responsable_proyecto=1&responsable_cliente=Ing.+Bench&id_cliente=1&monto_mxn=1%2C234.50" ..
    "&fecha_inicio_programado=2026-01-01&plazo_dias=30&csrf_token=" .. token
  return wrk.format("POST", "/ot", {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "$COOKIE"}, body)
end
LUA

TRIVIAL=""
run_case() {
  local name=$1; shift
  # ONLY: a regular expression; other cases are skipped (the two reference cases always run).
  if [ -n "${ONLY:-}" ] && [ -n "$TRIVIAL" ] && ! [[ $name =~ $ONLY ]]; then return; fi
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
  local rps p50 p99 non2xx ratio=""
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx or 3xx/ {print $5}')
  [ -n "$TRIVIAL" ] && ratio=$(awk -v a="$rps" -v b="$TRIVIAL" 'BEGIN {printf "%.0f%%", 100 * a / b}')
  printf '%-30s %10s req/s   p50 %-9s p99 %-9s %6s %s\n' "$name" "$rps" "$p50" "$p99" "$ratio" \
    "${non2xx:+(non-2xx/3xx: $non2xx)}"
  LAST_RPS=$rps
}
LOGGED=(-H "Cookie: $COOKIE")

echo "== wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per case; % of the trivial page"
run_case "anonymous /healthz" "$BASE/healthz"
HEALTH=$LAST_RPS
run_case "trivial page (GET /)" "${LOGGED[@]}" "$BASE/"
TRIVIAL=$LAST_RPS
awk -v a="$TRIVIAL" -v b="$HEALTH" 'BEGIN {printf "trivial page / healthz: %.0f%%\n", 100 * a / b}'
run_case "list (default)" "${LOGGED[@]}" "$BASE/ot"
run_case "list ?q=reparación" "${LOGGED[@]}" "$BASE/ot?q=reparaci%C3%B3n"
run_case "list, 50 searches in turn" "${LOGGED[@]}" -s bench/searches.lua "$BASE/ot"
run_case "list ?estatus=8" "${LOGGED[@]}" "$BASE/ot?estatus=8"
run_case "list, 50 filters in turn" "${LOGGED[@]}" -s bench/filters.lua "$BASE/ot"
run_case "detail /ot/$DETAIL_ID" "${LOGGED[@]}" "$BASE/ot/$DETAIL_ID"
run_case "Programa tab" "${LOGGED[@]}" "$BASE/ot/$DETAIL_ID/programa"
run_case "datatable/ first 25" "${LOGGED[@]}" "$BASE/operaciones/ot/datatable/?draw=1&start=0&length=25"
run_case "datatable/ deep pages" "${LOGGED[@]}" -s "$WORK/deep.lua" "$BASE/operaciones/ot/datatable/"
run_case "obtener_datos/ random ids" "${LOGGED[@]}" -s "$WORK/obtener.lua" "$BASE/operaciones/ot/obtener_datos/"
[ -n "${NO_CREATE:-}" ] || run_case "create (reprogramming)" "${LOGGED[@]}" -s "$WORK/create.lua" "$BASE/ot"

hwm() { awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER/status"; }
echo "server peak memory (VmHWM) after the cases above: $(hwm)"
# One export of every visible order (CSV, streamed), then the peak again.
out=$(curl -s -b "$JAR" -o "$WORK/export.csv" -w '%{http_code} %{time_total}' "$BASE/ot/exportar.csv?tipo=todos")
echo "export /ot/exportar.csv?tipo=todos: HTTP ${out% *}, ${out#* } s, $(($(wc -l <"$WORK/export.csv") - 1)) rows; peak memory now $(hwm)"
