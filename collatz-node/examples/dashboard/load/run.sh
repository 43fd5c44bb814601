#!/usr/bin/env bash
# load/run.sh — the dashboard's load test: a real redis-server and the service on free loopback
# ports, a verify job over 10^10 numbers started first so the load runs beside it, then Locust
# (headless, 100 users, load/locustfile.py) for ${DURATION:-30s}, the server's RSS sampled each
# second, and the checks of load/check.py:
#   p95 of the cached routes (summary (popular), density (popular), stats) under 100 ms,
#   no failures other than intended 429s, cache hit ratio of the frequent queries over 90%,
#   max RSS under ${RSS_BOUND_MIB:-1536} MiB, and the verify job still running or done.
# Exits non-zero if a check fails. `DURATION=60s bash load/run.sh` is the 60 s benchmark.
#
# Needs: node, /usr/bin/redis-server, python3 (Locust goes into target/locust-venv, created
# here when missing). Output (Locust's CSVs, the metrics, the server's log): ${OUT_DIR:-target/dashboard-load}.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$APP/../../.." && pwd)"
DURATION="${DURATION:-30s}"
USERS="${USERS:-100}"
SPAWN_RATE="${SPAWN_RATE:-50}"
RSS_BOUND_MIB="${RSS_BOUND_MIB:-1536}"
VENV="${LOCUST_VENV:-$REPO/target/locust-venv}"
OUT="${OUT_DIR:-$REPO/target/dashboard-load}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"

case "$DURATION" in
  *h) secs=$(( ${DURATION%h} * 3600 )) ;;
  *m) secs=$(( ${DURATION%m} * 60 )) ;;
  *s) secs=${DURATION%s} ;;
  *) secs=$DURATION ;;
esac

log() { printf '[load] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Polls a command until it succeeds; fails after $1 seconds.
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then die "timed out after ${limit}s waiting for $what"; fi
    sleep 0.2
  done
}

REDIS_PID="" SERVER_PID="" SAMPLER_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$SAMPLER_PID" ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "$REDIS_PID" ]]; then
    kill -TERM "$REDIS_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$REDIS_PID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ -x "$REDIS_SERVER" ]] || die "$REDIS_SERVER not found (apt-get install redis-server)"
command -v node >/dev/null || die "node not found"
[[ -d "$APP/node_modules" ]] || die "run npm install in $APP first"

if [[ ! -x "$VENV/bin/locust" ]]; then
  log "creating $VENV with locust 2.47.0"
  python3 -m venv "$VENV"
  timeout 600 "$VENV/bin/pip" install --quiet locust==2.47.0
fi

rm -rf "$OUT"
mkdir -p "$OUT"

REDIS_PORT=$(free_port)
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no --logfile "$OUT/redis.log" &
REDIS_PID=$!
wait_for 10 "redis-server on port $REDIS_PORT" redis-cli -p "$REDIS_PORT" ping
log "redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
# Requests are not logged one by one (LOG_LEVEL=warn): the test measures the service, not its log.
(cd "$APP" && PORT=$PORT HOST=127.0.0.1 REDIS_URL="redis://127.0.0.1:$REDIS_PORT" LOG_LEVEL="${LOG_LEVEL:-warn}" \
  exec node server/main.js) >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
wait_for 30 "the service's /readyz on $BASE" curl -sf --max-time 2 "$BASE/readyz"
log "service pid $SERVER_PID on $BASE, readyz $(curl -s --max-time 2 "$BASE/readyz")"

# Once a second, from start-up on: the service's RSS in KiB (rss.txt), and once the verify job
# exists, its state (verify-progress.txt: "epoch state done").
(
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null >>"$OUT/rss.txt" || true
    if [[ -s "$OUT/verify-id.txt" ]]; then
      { curl -s --max-time 1 "$BASE/api/jobs/$(cat "$OUT/verify-id.txt")" 2>/dev/null; echo; } \
        | sed -n "s/.*\"state\":\"\([a-z]*\)\",\"done\":\([0-9]*\).*/$(date +%s) \1 \2/p" \
        >>"$OUT/verify-progress.txt" || true
    fi
    sleep 1
  done
) &
SAMPLER_PID=$!

# The warm-up runs in the background after start: asking for its last item waits until it is done.
curl -sf --max-time 120 -o /dev/null "$BASE/api/summary?start=1&end=10000000&histogram=true" \
  || die "the warm-up's summary of [1, 10^7) did not come within 120 s"

VERIFY_ID=$(curl -sf --max-time 10 -H 'content-type: application/json' \
  -d '{"kind":"verify","start":"1","end":"10000000001"}' "$BASE/api/jobs" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') \
  || die "POST /api/jobs (verify over 10^10) failed"
echo "$VERIFY_ID" >"$OUT/verify-id.txt"
log "verify job $VERIFY_ID over [1, 10^10 + 1) started"

curl -sf --max-time 10 -o "$OUT/metrics-before.txt" "$BASE/metrics" || die "GET /metrics failed"


date +%s >"$OUT/load-start.txt"
log "locust: $USERS users, spawn rate $SPAWN_RATE/s, $DURATION against $BASE"
locust_rc=0
(cd "$OUT" && PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=10 $(( secs + 120 )) "$VENV/bin/locust" \
  -f "$HERE/locustfile.py" --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "$BASE" --csv "$OUT/locust" --only-summary --loglevel WARNING) || locust_rc=$?
date +%s >"$OUT/load-end.txt"
# Locust exits 1 when a request failed; the checks below say which.
if (( locust_rc != 0 && locust_rc != 1 )); then die "locust exited with $locust_rc"; fi

curl -sf --max-time 10 -o "$OUT/metrics-after.txt" "$BASE/metrics" || die "GET /metrics after the load failed"
curl -sf --max-time 10 -o "$OUT/verify.json" "$BASE/api/jobs/$VERIFY_ID" || die "GET /api/jobs/$VERIFY_ID failed"
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""

check_rc=0
python3 "$HERE/check.py" --dir "$OUT" --rss-bound-mib "$RSS_BOUND_MIB" --duration "$DURATION" || check_rc=$?
log "outputs in $OUT"
exit "$check_rc"
