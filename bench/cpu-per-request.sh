#!/usr/bin/env bash
# A/B of server binaries on one seeded database: for each binary and page, wrk for DURATION s at
# 16 connections, and the CPU time the app and PostgreSQL spent per request (from /proc; on
# SQLite the app's alone). Rounds alternate the binaries; the summary gives medians. CPU per
# request moves less with the machine's noise than req/s does.
#
#   DATABASE_URL=postgres://…/bench100k bench/cpu-per-request.sh /tmp/faena-before target/release/faena
#
# The database must hold the `bench` user of bench/run.sh (seed it there: OTS=… bench/run.sh,
# with DATABASE_URL or KEEP_DB). Knobs: ROUNDS (3), DURATION (4), PAGES (paths; @ID is the
# newest order; STEP is a write: the steps table's in-place editor, POST /ot/{id}/pasos/{step}
# with its fragment header and a new comment each time, round-robin over the steps of the list's
# first 20 orders; CREATE is bench/run.sh's create: a reprogramming of one of the list's first
# 200 orders with its steps, by the HTML form — it adds orders to the database; FILTERS and
# SEARCHES are bench/run.sh's 50 filters and 50 searches in turn), PORT (18193).
set -euo pipefail
# shellcheck source=bench/login.sh
source "$(dirname "$0")/login.sh"
: "${DATABASE_URL:?set DATABASE_URL to a database seeded by bench/run.sh}"
[ $# -ge 1 ] || { echo "usage: $0 BINARY [BINARY…]"; exit 2; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-4}
PORT=${PORT:-18193}
PAGES=${PAGES:-/ot /ot/@ID /operaciones/ot/datatable/?start=0&length=25 /ot?q=reparacion /ot?estatus=8}
BASE="http://127.0.0.1:${PORT}"
export RUST_LOG=warn
OUT=$(mktemp)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -f "$OUT" "$OUT.lua" "$OUT.create.lua"' EXIT

# CPU ticks (1/100 s) of every PostgreSQL process on this machine (0 on SQLite).
pg_ticks() {
  local t=0 p
  [[ $DATABASE_URL == postgres* ]] || { echo 0; return; }
  for p in $(pgrep -x postgres || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

for round in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do
    FAENA_BIND="127.0.0.1:${PORT}" "$bin" serve >/dev/null 2>&1 &
    SERVER=$!
    for _ in $(seq 1 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done
    jar=$(mktemp)
    bench_login "$BASE" "$jar"
    cookie="faena=$(awk '$6 == "faena" {print $7}' "$jar")"
    id=$(curl -s -b "$jar" "$BASE/ot" | sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | head -n1)
    if [[ " $PAGES " == *" STEP "* ]]; then
      token=$(curl -s -b "$jar" "$BASE/ot" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
      steps=$(for o in $(curl -s -b "$jar" "$BASE/ot" | sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | sort -un | head -n 20); do
        curl -s -b "$jar" "$BASE/ot/$o"; done |
        sed -n 's/.*action="\(\/ot\/[0-9]*\/pasos\/[0-9]*\)".*/"\1",/p' | tr -d '\n')
      cat >"$OUT.lua" <<LUA
local paths = { $steps }
local n = 0
request = function()
  n = n + 1
  local body = "estatus=2&fecha_inicio=&fecha_termino=&fecha_entrega=&archivo=&comentario=Avance+" .. n .. "&csrf_token=$token"
  return wrk.format("POST", paths[(n % #paths) + 1], {
    ["Content-Type"] = "application/x-www-form-urlencoded", ["x-faena-fragment"] = "1",
    ["Cookie"] = "$cookie" }, body)
end
LUA
    fi
    if [[ " $PAGES " == *" CREATE "* ]]; then
      token=$(curl -s -b "$jar" "$BASE/ot" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
      parents=$(for p in 1 2; do curl -s -b "$jar" "$BASE/ot?per=100&page=$p"; done |
        sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | sort -un | head -n 200 | paste -sd, -)
      cat >"$OUT.create.lua" <<LUA
local parents = { $parents }
request = function()
  local body = "id_tipo=5&ot_principal=" .. parents[math.random(1, #parents)] ..
    "&oficio_ot=PEP-BENCH-2026&descripcion_trabajo=Reprogramaci%C3%B3n+de+prueba" ..
    "&responsable_proyecto=1&responsable_cliente=Ing.+Bench&id_cliente=1&monto_mxn=1%2C234.50" ..
    "&fecha_inicio_programado=2026-01-01&plazo_dias=30&csrf_token=$token"
  return wrk.format("POST", "/ot", {
    ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "$cookie" }, body)
end
LUA
    fi
    rm -f "$jar"
    for page in $PAGES; do
      page=${page//@ID/$id}
      target=("$BASE$page")
      [ "$page" = STEP ] && target=(-s "$OUT.lua" "$BASE/")
      [ "$page" = CREATE ] && target=(-s "$OUT.create.lua" "$BASE/")
      [ "$page" = FILTERS ] && target=(-s "$(dirname "$0")/filters.lua" "$BASE/ot")
      [ "$page" = SEARCHES ] && target=(-s "$(dirname "$0")/searches.lua" "$BASE/ot")
      wrk -t2 -c16 -d1s -H "Cookie: $cookie" "${target[@]}" >/dev/null # warm-up
      p0=$(pg_ticks); a0=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
      res=$(wrk -t2 -c16 -d"${DURATION}s" -H "Cookie: $cookie" "${target[@]}")
      p1=$(pg_ticks); a1=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
      n=$(echo "$res" | awk '/requests in/ {print $1}')
      rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
      us=$(( ((a1 - a0) + (p1 - p0)) * 10000 / n ))
      echo "$round $bin $page $rps $us" | tee -a "$OUT"
      bad=$(echo "$res" | awk '/Non-2xx or 3xx/ {print $5}')
      [ -z "$bad" ] || echo "   warning: $bad answers were not 2xx/3xx (the figure above counts them)"
    done
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  done
done

echo "== medians over $ROUNDS rounds: req/s, CPU µs per request (app + PostgreSQL)"
sort -k3,3 -k2,2 "$OUT" | awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { key = $3 "  " $2; rps[key] = rps[key] " " $4; us[key] = us[key] " " $5; if (!(key in seen)) { seen[key] = 1; order[++k] = key } }
  END { for (i = 1; i <= k; i++) printf "%-60s %8.0f req/s %7.0f µs\n", order[i], median(rps[order[i]]), median(us[order[i]]) }'
