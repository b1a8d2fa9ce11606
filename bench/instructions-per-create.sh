#!/usr/bin/env bash
# A/B of server binaries by instructions, not seconds: each binary serves a fresh copy of one
# seeded SQLite database under `valgrind --tool=callgrind`; after 20 warm-up creates the counters
# are zeroed, N creates (reprogrammings, the bench's create request, one at a time) are posted,
# and the instructions the whole server ran are divided by N. The same binary on the same copy
# gives the same figure within ~0.5 %, whatever else the machine is doing (req/s move ±20 %
# here), so a change of a few percent in the create path can be seen.
#
#   OTS=100000 KEEP_DB=/tmp/b100k.db NO_CREATE=1 ONLY=trivial bench/run.sh   # seed once
#   DB=/tmp/b100k.db bench/instructions-per-create.sh /tmp/faena-before target/release/faena
#
# Knobs: N (100), PORT (18210). Prints "<binary>: <instructions> instr/create"; keeps the last
# profile in $WORK/callgrind.out.* for callgrind_annotate when KEEP_PROFILE=1.
set -euo pipefail
: "${DB:?set DB to a SQLite file seeded by bench/run.sh (KEEP_DB=…)}"
[ $# -ge 1 ] || { echo "usage: $0 BINARY [BINARY…]"; exit 2; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
N=${N:-100}
PORT=${PORT:-18210}
BASE="http://127.0.0.1:${PORT}"
WORK=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; [ -n "${KEEP_PROFILE:-}" ] || rm -rf "$WORK"' EXIT
export RUST_LOG=warn

for bin in "$@"; do
  cp "$DB" "$WORK/copy.db"
  rm -f "$WORK/copy.db-wal" "$WORK/copy.db-shm" "$WORK"/callgrind.out*
  DATABASE_URL="sqlite://$WORK/copy.db" FAENA_BIND="127.0.0.1:${PORT}" \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "$bin" serve \
    >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done
  jar="$WORK/jar"
  token=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
  curl -s -c "$jar" -b "$jar" -o /dev/null \
    -d "username=bench&password=bench-clave-segura-2026&csrf_token=$token" "$BASE/login"
  token=$(curl -s -b "$jar" "$BASE/ot" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
  # Initial orders to reprogram: the first 500 of the list, as bench/run.sh takes them.
  mapfile -t parents < <(for p in 1 2 3 4 5; do curl -s -b "$jar" "$BASE/ot?per=100&page=$p"; done |
    sed -n 's/.*href="\/ot\/\([0-9]*\)".*/\1/p' | sort -un | head -n 500)
  post() {
    curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" \
      --data "id_tipo=5&ot_principal=$1&oficio_ot=PEP-BENCH-2026&descripcion_trabajo=Reprogramaci%C3%B3n+de+prueba&responsable_proyecto=1&responsable_cliente=Ing.+Bench&id_cliente=1&monto_mxn=1%2C234.50&fecha_inicio_programado=2026-01-01&plazo_dias=30&csrf_token=$token" \
      "$BASE/ot"
  }
  for i in $(seq 1 20); do post "${parents[$((i % ${#parents[@]}))]}" >/dev/null; done
  callgrind_control -z "$SERVER" >/dev/null 2>&1
  codes=$(for i in $(seq 1 "$N"); do post "${parents[$((i * 7 % ${#parents[@]}))]}"; done | sort | uniq -c | tr -s ' ' | paste -sd, -)
  callgrind_control -d "$SERVER" >/dev/null 2>&1
  sleep 1
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  profile=$(ls -t "$WORK"/callgrind.out.* | head -n1)
  total=$(awk '/^(summary|totals):/ {print $2; exit}' "$profile")
  echo "$bin: $((total / N)) instr/create (HTTP codes:$codes)"
done
