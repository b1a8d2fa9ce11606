#!/usr/bin/env bash
# A/B of server binaries by instructions, not seconds: each binary serves a fresh copy of one
# seeded SQLite database under `valgrind --tool=callgrind`; after 20 warm-up requests the
# counters are zeroed, N requests of one kind are posted one at a time, and the instructions the
# whole server ran are divided by N. The same binary on the same copy gives the same figure within
# ~0.5 %, whatever else the machine is doing (req/s move ±20 % here), so a change of a few percent
# can be seen.
#
#   OTS=100000 KEEP_DB=/tmp/b100k.db NO_CREATE=1 ONLY=trivial bench/run.sh   # seed once
#   DB=/tmp/b100k.db bench/instructions-per-request.sh /tmp/faena-before target/release/faena
#   DB=/tmp/b100k.db REQ=step bench/instructions-per-request.sh target/release/faena
#
# REQ (the request measured):
#   create  a reprogramming of one of the list's first 500 initial orders, by the HTML form (the
#           bench's create request; 6 steps generated)
#   step    a step changed in place (the steps table's editor: POST /ot/{id}/pasos/{step} with
#           its fragment header, answered with the row), a new comment each time, on the steps
#           of the orders the warm-up created
#   edit    an order edited by the HTML form (a new description each time), on the orders the
#           warm-up created (posted without `version`, as a legacy client: the edit applies)
#   detail  the order page (GET /ot/{id}) of the orders the warm-up created
#   trivial the logged-in trivial page (GET /), the issue's yardstick for read pages
#   list    the list's first page (GET /ot)
#   search  the list searched for 50 different texts in turn (bench/run.sh's "50 searches")
#   filter  the list under 50 different filters in turn (bench/run.sh's "50 filters")
# Knobs: N (100), PORT (18210). Prints "<binary>: <instructions> instr/<REQ>"; keeps the last
# profile in $WORK/callgrind.out.* for callgrind_annotate when KEEP_PROFILE=1.
set -euo pipefail
# shellcheck source=bench/login.sh
source "$(dirname "$0")/login.sh"
: "${DB:?set DB to a SQLite file seeded by bench/run.sh (KEEP_DB=…)}"
[ $# -ge 1 ] || { echo "usage: $0 BINARY [BINARY…]"; exit 2; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
REQ=${REQ:-create}
case "$REQ" in create | step | edit | detail | trivial | list | search | filter) ;;
  *) echo "REQ must be create, step, edit, detail, trivial, list, search or filter"; exit 2 ;;
esac
# The searches and filters of bench/run.sh's cases, in the same turn.
WORDS=(reparacion repar mantenimiento rehabilitacion+ductos ductos valvulas
  sustitucion+de+valvulas inspeccion+pintura anticorrosiva contra+incendio incendio habitacional
  modulo cableado instrumentacion patin+medicion montaje frente+12 ducto+12 descarga+frente+7
  lineas pemex exploracion intercom sureste litoral ramirez lopez hernandez villanueva
  perez+salas mendez dominguez rios ot-2024 ot-2023-00 000123 00042 pep-spr spr-12 pte-0001
  pendiente 2025 reparacion+tanque grua xyzzy plataforma+marina+norte mantenimiento+valvulas
  sustit reparaci%C3%B3n)
STATUSES=(5 6 7 8 9 10 11 16)
filter_query() {
  local n=$(($1 % 50))
  local q="estatus=${STATUSES[$((n % 8))]}&responsable=$((n % 3 + 1))"
  [ $((n % 2)) -eq 0 ] && q="$q&tipo=todos"
  [ "$n" -ge 24 ] && q="$q&anio=$((2024 + n % 3))"
  [ "$n" -ge 40 ] && q="$q&cliente=$((n % 4 + 1))"
  echo "$q"
}
N=${N:-100}
PORT=${PORT:-18210}
BASE="http://127.0.0.1:${PORT}"
WORK=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; [ -n "${KEEP_PROFILE:-}" ] || rm -rf "$WORK"' EXIT
export RUST_LOG=warn
ORDER="oficio_ot=PEP-BENCH-2026&responsable_proyecto=1&responsable_cliente=Ing.+Bench&id_cliente=1&monto_mxn=1%2C234.50&fecha_inicio_programado=2026-01-01&plazo_dias=30"

for bin in "$@"; do
  cp "$DB" "$WORK/copy.db"
  rm -f "$WORK/copy.db-wal" "$WORK/copy.db-shm" "$WORK"/callgrind.out*
  DATABASE_URL="sqlite://$WORK/copy.db" FAENA_BIND="127.0.0.1:${PORT}" \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "$bin" serve \
    >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done
  jar="$WORK/jar"
  bench_login "$BASE" "$jar"
  token=$(curl -s -b "$jar" "$BASE/ot" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
  # Initial orders to reprogram: the first 500 of the list, as bench/run.sh takes them.
  mapfile -t parents < <(for p in 1 2 3 4 5; do curl -s -b "$jar" "$BASE/ot?per=100&page=$p"; done |
    sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | sort -un | head -n 500)
  # Prints the order the create made (the redirect's target), or the HTTP code.
  create() {
    curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' -b "$jar" \
      --data "id_tipo=5&ot_principal=$1&descripcion_trabajo=Reprogramaci%C3%B3n+de+prueba&$ORDER&csrf_token=$token" \
      "$BASE/ot"
  }
  mapfile -t created < <(for i in $(seq 1 20); do create "${parents[$((i % ${#parents[@]}))]}"; done |
    sed -n 's/^30[0-9] .*\/ot\/\([0-9]*\).*/\1/p')
  [ "${#created[@]}" -gt 0 ] || { echo "$bin: the warm-up created nothing"; exit 1; }
  mapfile -t steps < <(for o in "${created[@]}"; do curl -s -b "$jar" "$BASE/ot/$o"; done |
    sed -n 's/.*action="\(\/ot\/[0-9]*\/pasos\/[0-9]*\)".*/\1/p')
  request() {
    case "$REQ" in
      create) create "${parents[$(($1 * 7 % ${#parents[@]}))]}" | cut -d' ' -f1 ;;
      step)
        curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" -H 'x-faena-fragment: 1' \
          --data "estatus=2&fecha_inicio=&fecha_termino=&fecha_entrega=&comentario=Avance+$1&archivo=&csrf_token=$token" \
          "$BASE${steps[$(($1 % ${#steps[@]}))]}"
        ;;
      edit)
        curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" \
          --data "descripcion_trabajo=Edici%C3%B3n+$1&$ORDER&csrf_token=$token" \
          "$BASE/ot/${created[$(($1 % ${#created[@]}))]}"
        ;;
      detail) curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" "$BASE/ot/${created[$(($1 % ${#created[@]}))]}" ;;
      trivial) curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" "$BASE/" ;;
      list) curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" "$BASE/ot" ;;
      search) curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" "$BASE/ot?q=${WORDS[$(($1 % 50))]}" ;;
      filter) curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" "$BASE/ot?$(filter_query "$1")" ;;
    esac
  }
  for i in $(seq 1 20); do request "$((i + 1000))" >/dev/null; done
  callgrind_control -z "$SERVER" >/dev/null 2>&1
  codes=$(for i in $(seq 1 "$N"); do request "$i"; done | sort | uniq -c | tr -s ' ' | paste -sd, -)
  callgrind_control -d "$SERVER" >/dev/null 2>&1
  sleep 1
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  profile=$(ls -t "$WORK"/callgrind.out.* | head -n1)
  total=$(awk '/^(summary|totals):/ {print $2; exit}' "$profile")
  echo "$bin: $((total / N)) instr/$REQ (HTTP codes:$codes)"
done
