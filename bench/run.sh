#!/usr/bin/env bash
# Benchmark: seeds 100,000 orders into a fresh database, starts the release server, logs in and
# measures with wrk (bounded: DURATION seconds per case, CONNECTIONS concurrent connections):
#   list (default), list with a text filter, 50 different searches in turn, list with a status
#   filter, detail, create.
# Prints requests/s and p50/p99 latency per case.
#
#   bench/run.sh                          # SQLite in a temp folder
#   DATABASE_URL=postgres://… bench/run.sh   # an empty PostgreSQL database you created
# Knobs: OTS (100000), DURATION (10), CONNECTIONS (16), THREADS (2), PORT (18181).
set -euo pipefail
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
export DATABASE_URL=${DATABASE_URL:-sqlite://$WORK/bench.db}
export RUST_LOG=warn

echo "== seeding $OTS orders ($DATABASE_URL)"
$BIN seed-demo --ots "$OTS"
printf 'bench-clave-segura-2026' | $BIN user add bench --role gestor --password-stdin >/dev/null

FAENA_BIND="127.0.0.1:${PORT}" $BIN serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

JAR="$WORK/jar"
TOKEN=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
curl -s -c "$JAR" -b "$JAR" -o /dev/null -d "username=bench&password=bench-clave-segura-2026&csrf_token=$TOKEN" "$BASE/login"
COOKIE="faena=$(awk '$6 == "faena" {print $7}' "$JAR")"
TOKEN=$(curl -s -b "$JAR" "$BASE/ot" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
[ -n "$TOKEN" ] || { echo "login failed"; exit 1; }

DETAIL_ID=$(curl -s -b "$JAR" "$BASE/ot" | sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | head -n1)
# 500 initial orders to reprogram (seed-demo interleaves reprogrammings among them).
PARENTS=$(for p in 1 2 3 4 5; do curl -s -b "$JAR" "$BASE/ot?per=100&page=$p"; done |
  sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | sort -un | head -n 500 | paste -sd, -)

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

cat >"$WORK/search.lua" <<'LUA'
-- 50 different searches in turn (the list's count cache holds each one after its first time;
-- `cargo bench --bench search` measures them uncached).
local words = {"reparacion", "repar", "mantenimiento", "rehabilitacion+ductos", "ductos",
  "valvulas", "sustitucion+de+valvulas", "inspeccion+pintura", "anticorrosiva", "contra+incendio",
  "incendio", "habitacional", "modulo", "cableado", "instrumentacion", "patin+medicion", "montaje",
  "frente+12", "ducto+12", "descarga+frente+7", "lineas", "pemex", "exploracion", "intercom",
  "sureste", "litoral", "ramirez", "lopez", "hernandez", "villanueva", "perez+salas", "mendez",
  "dominguez", "rios", "ot-2024", "ot-2023-00", "000123", "00042", "pep-spr", "spr-12", "pte-0001",
  "pendiente", "2025", "reparacion+tanque", "grua", "xyzzy", "plataforma+marina+norte",
  "mantenimiento+valvulas", "sustit", "reparaci%C3%B3n"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/ot?q=" .. words[(i % #words) + 1])
end
LUA

run_case() {
  local name=$1; shift
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "$@")
  local rps p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx or 3xx/ {print $5}')
  printf '%-28s %10s req/s   p50 %-9s p99 %-9s %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:+(non-2xx/3xx: $non2xx)}"
}

echo "== wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per case"
run_case "list (default)" "$BASE/ot"
run_case "list ?q=reparación" "$BASE/ot?q=reparaci%C3%B3n"
run_case "list, 50 searches in turn" -s "$WORK/search.lua" "$BASE/ot"
run_case "list ?estatus=8" "$BASE/ot?estatus=8"
run_case "detail /ot/$DETAIL_ID" "$BASE/ot/$DETAIL_ID"
run_case "create (reprogramming)" -s "$WORK/create.lua" "$BASE/ot"
