#!/usr/bin/env bash
# Instructions the app runs per GET of one page, on any database the `bench` user of
# bench/run.sh can log in to (PostgreSQL too, unlike bench/instructions-per-request.sh, which
# copies a SQLite file): the release server under `valgrind --tool=callgrind`, 20 warm-up
# requests, counters zeroed, N requests, the total divided by N. Counts the app only (not
# PostgreSQL's own work); the database is used as it is (run the binaries on copies when they
# migrate it differently).
#
#   DATABASE_URL=postgres://…/b10k bench/instructions-per-page.sh /ot/9867 /tmp/faena-old target/release/faena
#
# Knobs: N (50), PORT (18206), KEEP_PROFILE=1 (keep the profile for callgrind_annotate).
set -euo pipefail
# shellcheck source=bench/login.sh
source "$(dirname "$0")/login.sh"
: "${DATABASE_URL:?set DATABASE_URL to a database seeded by bench/run.sh}"
[ $# -ge 2 ] || { echo "usage: $0 PATH BINARY [BINARY…]"; exit 2; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
PAGE=$1
shift
N=${N:-50}
PORT=${PORT:-18206}
BASE="http://127.0.0.1:${PORT}"
export RUST_LOG=warn
for bin in "$@"; do
  work=$(mktemp -d)
  FAENA_BIND="127.0.0.1:${PORT}" valgrind --tool=callgrind \
    --callgrind-out-file="$work/callgrind.out" "$bin" serve >"$work/log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.3; done
  jar="$work/jar"
  bench_login "$BASE" "$jar"
  codes=$(for _ in $(seq 1 20); do curl -s -b "$jar" -o /dev/null -w '%{http_code}\n' "$BASE$PAGE"; done | sort | uniq -c | tr -s ' \n' ' ')
  callgrind_control -z "$server" >/dev/null 2>&1
  for _ in $(seq 1 "$N"); do curl -s -b "$jar" -o /dev/null "$BASE$PAGE"; done
  callgrind_control -d "$server" >/dev/null 2>&1
  kill "$server"; wait "$server" 2>/dev/null || true
  profile=$(ls -t "$work"/callgrind.out.* | head -n1)
  total=$(callgrind_annotate "$profile" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo "$bin: $((total / N)) instr/GET $PAGE (warm-up HTTP codes: $codes)"
  if [ -n "${KEEP_PROFILE:-}" ]; then echo "   profile: $profile"; else rm -rf "$work"; fi
done
