#!/usr/bin/env bash
# prometheus/check.sh — the Prometheus checks of the dashboard service, against real programs:
#   1. promtool check rules alerts.yml
#   2. promtool check config prometheus.yml
#   3. promtool check metrics on the service's real /metrics (the service started here on a
#      free loopback port, with a real redis-server, so the Redis gauge is there too)
#   4. a real Prometheus (its own instance: free port, temporary storage; any system service of
#      the Debian package is left alone) scraping the service with prometheus.yml, the port
#      substituted: up{job="dashboard"} == 1, and after some requests a rate query of the
#      request counter returns data
#   5. the alert rules loaded, and DashboardRedisDown pending once redis-server is killed
# Every wait has a deadline; every process started here is stopped on exit. Exits non-zero if a
# check fails (every check runs; the summary lists them).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP="$(cd "$HERE/.." && pwd)"
PROMETHEUS="${PROMETHEUS:-/usr/bin/prometheus}"
PROMTOOL="${PROMTOOL:-/usr/bin/promtool}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"
WAIT_S="${WAIT_S:-60}"

log() { printf '[prometheus] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Polls a command until it succeeds; returns 1 after $1 seconds.
wait_for() {
  local limit=$1; shift
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then return 1; fi
    sleep 0.25
  done
}

TMP="$(mktemp -d "${TMPDIR:-/tmp}/dashboard-prometheus.XXXXXX")"
REDIS_PID="" SERVER_PID="" PROM_PID=""
stop_pid() {
  local pid=$1
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$PROM_PID"
  stop_pid "$SERVER_PID"
  stop_pid "$REDIS_PID"
  wait 2>/dev/null || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for exe in "$PROMETHEUS" "$PROMTOOL" "$REDIS_SERVER"; do
  [[ -x "$exe" ]] || die "$exe not found (apt-get install prometheus redis-server)"
done

declare -a RESULTS=()
failed=0
record() { # what, ok (0/1), detail
  if [[ "$2" == 0 ]]; then RESULTS+=("PASS  $1: $3"); else RESULTS+=("FAIL  $1: $3"); failed=1; fi
}

# Prometheus's HTTP API: the number of series of an instant query (-1 on error).
query_count() {
  curl -sf --max-time 5 --get --data-urlencode "query=$1" "$PROM/api/v1/query" \
    | python3 -c 'import json, sys; d = json.load(sys.stdin); print(len(d["data"]["result"]) if d.get("status") == "success" else -1)' 2>/dev/null \
    || echo -1
}
# The first value of an instant query, or empty.
query_value() {
  curl -sf --max-time 5 --get --data-urlencode "query=$1" "$PROM/api/v1/query" \
    | python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
}
has_series() { [[ "$(query_count "$1")" -gt 0 ]]; }

# 1, 2: the files.
log "promtool check rules alerts.yml"
out=$(cd "$HERE" && "$PROMTOOL" check rules alerts.yml 2>&1); rc=$?
printf '%s\n' "$out"
record "promtool check rules alerts.yml" "$rc" "$(printf '%s' "$out" | grep -o 'SUCCESS: [0-9]* rules found\|FAILED.*' | head -1)"

log "promtool check config prometheus.yml"
out=$(cd "$HERE" && "$PROMTOOL" check config prometheus.yml 2>&1); rc=$?
printf '%s\n' "$out"
record "promtool check config prometheus.yml" "$rc" "$(printf '%s' "$out" | grep -o 'SUCCESS: prometheus.yml is valid.*\|FAILED.*' | head -1)"

# 3: the service's real /metrics.
REDIS_PORT=$(free_port)
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --logfile "$TMP/redis.log" &
REDIS_PID=$!
wait_for 10 redis-cli -p "$REDIS_PORT" ping || die "redis-server did not answer within 10 s"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
(cd "$APP" && PORT=$PORT HOST=127.0.0.1 REDIS_URL="redis://127.0.0.1:$REDIS_PORT" LOG_LEVEL=warn exec node server/main.js) \
  >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_for "$WAIT_S" curl -sf --max-time 2 "$BASE/readyz" || { cat "$TMP/server.log" >&2; die "the service was not ready within ${WAIT_S} s"; }
log "service on $BASE (redis on port $REDIS_PORT)"

# Some traffic first, so the histograms and cache counters have series.
for path in "/api/stats/27" "/api/summary?start=1&end=100000" "/api/summary?start=1&end=100000" \
    "/api/density?start=1&end=100000&width=64&height=32" "/api/stats/0" "/api/trajectory/27?limit=10"; do
  curl -s --max-time 30 -o /dev/null "$BASE$path"
done
curl -sf --max-time 10 -o "$TMP/metrics.txt" "$BASE/metrics" || die "GET /metrics failed"
log "promtool check metrics on $BASE/metrics ($(grep -c '^[a-z]' "$TMP/metrics.txt") samples)"
out=$("$PROMTOOL" check metrics <"$TMP/metrics.txt" 2>&1); rc=$?
[[ -n "$out" ]] && printf '%s\n' "$out"
if (( rc == 0 )); then
  record "promtool check metrics (/metrics)" 0 "no problems in $(grep -c '^[a-z]' "$TMP/metrics.txt") samples"
else
  record "promtool check metrics (/metrics)" 1 "$(printf '%s' "$out" | grep -c .) problems (exit $rc), first: $(printf '%s' "$out" | head -1)"
fi

# 4: a real Prometheus.
PROM_PORT=$(free_port)
PROM="http://127.0.0.1:$PROM_PORT"
sed "s/127\.0\.0\.1:8080/127.0.0.1:$PORT/" "$HERE/prometheus.yml" >"$TMP/prometheus.yml"
cp "$HERE/alerts.yml" "$TMP/alerts.yml"
"$PROMETHEUS" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$TMP/prometheus.log" 2>&1 &
PROM_PID=$!
if ! wait_for "$WAIT_S" curl -sf --max-time 2 "$PROM/-/ready"; then
  cat "$TMP/prometheus.log" >&2
  die "prometheus was not ready within ${WAIT_S} s"
fi
log "prometheus pid $PROM_PID on $PROM scraping $BASE every 1 s"

t0=$(date +%s)
if wait_for "$WAIT_S" has_series 'up{job="dashboard"} == 1'; then
  record 'up{job="dashboard"} == 1' 0 "within $(( $(date +%s) - t0 )) s of prometheus being ready"
else
  record 'up{job="dashboard"} == 1' 1 "not within ${WAIT_S} s: $(curl -s --max-time 5 "$PROM/api/v1/targets" | head -c 400)"
fi

# Requests for a few seconds, then the rate of the request counter.
RATE_QUERY='sum by (route) (rate(collatz_dashboard_http_request_duration_seconds_count{route!="/metrics"}[15s]))'
end=$(( $(date +%s) + 5 ))
sent=0
while (( $(date +%s) < end )); do
  for path in "/api/stats/27" "/api/summary?start=1&end=100000" "/api/trajectory/27?limit=10"; do
    curl -s --max-time 5 -o /dev/null "$BASE$path" && sent=$((sent + 1))
  done
done
if wait_for "$WAIT_S" has_series "$RATE_QUERY > 0"; then
  series=$(query_count "$RATE_QUERY > 0")
  stats_rate=$(query_value 'sum(rate(collatz_dashboard_http_request_duration_seconds_count{route="/api/stats/:n"}[15s]))')
  record "rate query returns data" 0 "$series routes with a rate > 0 after $sent requests; /api/stats/:n at $(printf '%.1f' "${stats_rate:-0}")/s"
else
  record "rate query returns data" 1 "no series of '$RATE_QUERY > 0' within ${WAIT_S} s"
fi

# The alert expressions evaluate on the real series (over 15 s instead of 5 m).
P95_QUERY='histogram_quantile(0.95, sum by (le, route) (rate(collatz_dashboard_http_request_duration_seconds_bucket{route=~"/api/.*", route!="/api/jobs/:id/events"}[15s])))'
if wait_for 10 has_series "$P95_QUERY"; then
  p95=$(query_value "max($P95_QUERY)")
  record "p95 alert expression evaluates" 0 "$(query_count "$P95_QUERY") routes, the highest p95 $(python3 -c "print(f'{float(\"${p95:-0}\") * 1000:.1f} ms')")"
else
  record "p95 alert expression evaluates" 1 "no series"
fi
ERR_QUERY='sum(rate(collatz_dashboard_http_request_duration_seconds_count{status_code=~"5.."}[15s])) / sum(rate(collatz_dashboard_http_request_duration_seconds_count[15s]))'
# No 5xx at all: the ratio's numerator has no series, so the ratio is empty and the alert is quiet.
record "error-rate alert expression quiet" "$([[ "$(query_count "$ERR_QUERY > 0.01")" == 0 ]] && echo 0 || echo 1)" "no series of the ratio over 1%"

# 5: the rules, and the Redis alert for real.
rules=$(curl -sf --max-time 5 "$PROM/api/v1/rules" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(sum(len(g["rules"]) for g in d["data"]["groups"]))' 2>/dev/null || echo 0)
record "alert rules loaded by prometheus" "$([[ "$rules" == 4 ]] && echo 0 || echo 1)" "$rules rules"
if has_series 'collatz_dashboard_redis_up == 1'; then
  stop_pid "$REDIS_PID"; REDIS_PID=""
  if wait_for "$WAIT_S" has_series 'ALERTS{alertname="DashboardRedisDown"}'; then
    record "DashboardRedisDown fires when redis-server is killed" 0 \
      "ALERTS{alertname=\"DashboardRedisDown\"} $(curl -sf --max-time 5 --get --data-urlencode 'query=ALERTS{alertname="DashboardRedisDown"}' "$PROM/api/v1/query" | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["result"][0]["metric"]["alertstate"])')"
  else
    record "DashboardRedisDown fires when redis-server is killed" 1 "no ALERTS series within ${WAIT_S} s"
  fi
  code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/api/summary?start=1&end=100000")
  record "requests still served with Redis down" "$([[ "$code" == 200 ]] && echo 0 || echo 1)" "GET /api/summary: $code"
else
  record "DashboardRedisDown fires when redis-server is killed" 1 "collatz_dashboard_redis_up == 1 never scraped"
fi

echo
echo "Prometheus checks (prometheus $("$PROMETHEUS" --version 2>&1 | awk 'NR==1 { print $3 }'), promtool, redis-server, the service on loopback)"
printf '%s\n' "${RESULTS[@]}"
echo
pass=0; fail=0
for r in "${RESULTS[@]}"; do [[ "$r" == PASS* ]] && pass=$((pass + 1)) || fail=$((fail + 1)); done
echo "$pass passed, $fail failed"
exit "$failed"
