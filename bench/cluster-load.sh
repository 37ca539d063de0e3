#!/usr/bin/env bash
# Load through the balancer: scripts/cluster.sh with 1, 2 and 4 instances, driven by wrk.
#
#   bench/cluster-load.sh [N ...]        (default: 1 2 4)
#
# Scenarios, each WXBIND_LOAD_SECONDS (default 10; scan a third of it, so the QR codes made in
# the qr scenario last) with WXBIND_LOAD_CONNECTIONS (default 32):
#   push  WeChat text pushes (Safe mode: two signatures, AES, XML, dedup record, encrypted reply)
#   qr    login QR codes created (POST /api/qr-sessions: a call to WeChat's qrcode/create at the
#         emulator, a database insert, the JSON answer)
#   scan  SCAN pushes of those QR codes, each from a new WeChat user (the session moves to
#         awaiting_agreement and the reply carries the agreement link)
# Every push is signed afresh and sent once (a repeat would be a replay and is refused by design).
# For each run it prints requests/s, latency, non-2xx answers, and the CPU each part of the
# cluster used, so the bottleneck shows. Needs wrk (apt-get install wrk) and PostgreSQL (psql).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${WXBIND_LOAD_SECONDS:-10}
connections=${WXBIND_LOAD_CONNECTIONS:-32}
threads=${WXBIND_LOAD_THREADS:-2}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 2 4)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

export WXBIND_CLUSTER_STATE="$root/artifacts/cluster-load"
export WXBIND_CLUSTER_BASE_PORT=${WXBIND_LOAD_BASE_PORT:-24700}
# One client address makes every request: the per-address QR limit at its highest (10000 a minute
# per instance). Request logging at Information would measure the console, not the app.
export WxBind__QrSessions__CreatePermitsPerMinute=10000 Logging__LogLevel__Default=Warning
site="http://127.0.0.1:$((WXBIND_CLUSTER_BASE_PORT + 80))"
psql_cluster() { psql -X -A -t -q -h 127.0.0.1 -p $((WXBIND_CLUSTER_BASE_PORT + 432)) -U postgres -d wxbind -c "$1"; }
work="$WXBIND_CLUSTER_STATE/load"
results="$WXBIND_CLUSTER_STATE/results.txt"

# The account values the local cluster runs with (src/WxBind/appsettings.Development.json).
token=wxbindDevToken2026
aes_key=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
app_id=wx5e1a7b3c9d2f4e60

cleanup() { scripts/cluster.sh down >/dev/null 2>&1 || true; }
trap cleanup EXIT

# CPU ticks (user+system) of a process and its children, by role.
ticks_of() { local total=0 pid; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo $total; }
children() { pgrep -P "$1" 2>/dev/null || true; }
cpu_snapshot() {
  local apps=() pid postmaster
  for pid in "$WXBIND_CLUSTER_STATE"/pids/app*.pid; do apps+=("$(cut -d" " -f1 "$pid")"); done
  local nginx; nginx=$(cut -d" " -f1 "$WXBIND_CLUSTER_STATE/pids/nginx.pid")
  local emulator; emulator=$(cut -d" " -f1 "$WXBIND_CLUSTER_STATE/pids/emulator.pid")
  postmaster=$(head -n 1 "$(cat "$WXBIND_CLUSTER_STATE/pgdata")/db/postmaster.pid")
  # shellcheck disable=SC2046
  echo "$(ticks_of "${apps[@]}") $(ticks_of "$nginx" $(children "$nginx")) $(ticks_of "$emulator") $(ticks_of "$postmaster" $(children "$postmaster"))" \
    "$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)"
}

# Runs wrk for one scenario and prints one table row.
measure() {
  local n=$1 name=$2 script=$3 duration=$4
  local before after
  before=$(cpu_snapshot)
  WXBIND_LOAD_THREADS=$threads wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$site" >"$work/$name-$n.txt" 2>&1
  after=$(cpu_snapshot)
  # ticks are 1/100 s; shares are of all the machine's CPU time during the run (2 cores = 200 %).
  read -r a1 x1 e1 p1 busy1 idle1 <<<"$before"
  read -r a2 x2 e2 p2 busy2 idle2 <<<"$after"
  local wall=$(((busy2 - busy1) + (idle2 - idle1)))
  local rps p50 p99 non2xx errors
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$work/$name-$n.txt")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/$name-$n.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/$name-$n.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses/ { print $NF }' "$work/$name-$n.txt"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors/ { print $0 }' "$work/$name-$n.txt" | sed 's/.*Socket errors: *//'); errors=${errors:-none}
  printf '%-5s %2s  %7s  %8s  %8s  %7s  %4s%%  %5s%%  %5s%%  %5s%%  %5s%%  %s\n' \
    "$name" "$n" "$rps" "$p50" "$p99" "$non2xx" \
    $(((busy2 - busy1) * 100 / wall)) $(((a2 - a1) * 100 / wall)) $(((x2 - x1) * 100 / wall)) $(((e2 - e1) * 100 / wall)) $(((p2 - p1) * 100 / wall)) \
    "$errors" | tee -a "$results"
  grep -q "ran out" "$work/$name-$n.txt" && echo "   ($name with $n: wrk sent every prepared push before the time was up; the rate above is a lower bound)" | tee -a "$results"
  return 0
}

mkdir -p "$WXBIND_CLUSTER_STATE"
: >"$results"
{
  echo "cluster load: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the first run"
  echo "wrk: $threads threads, $connections connections, ${seconds}s per scenario (scan $(((seconds + 2) / 3))s); nginx, instances, emulator and PostgreSQL on this machine"
  echo "cpu = whole machine busy (other work included); apps/nginx/emu/pg = share of the machine each used"
  printf '%-5s %2s  %7s  %8s  %8s  %7s  %5s  %6s  %6s  %6s  %6s  %s\n' scen N "req/s" "p50" "p99" "non-2xx" "cpu" "apps" "nginx" "emu" "pg" "socket errors"
} | tee -a "$results"

reuse=${WXBIND_CLUSTER_REUSE_PUBLISH:-}
for n in "${sizes[@]}"; do
  WXBIND_CLUSTER_REUSE_PUBLISH=$reuse scripts/cluster.sh up "$n" >/dev/null
  reuse=1
  rm -rf "$work" && mkdir -p "$work"

  # push: enough fresh pushes that none is sent twice at any plausible rate.
  dotnet run bench/cluster-load/PushFile.cs -- text $((seconds * 5000)) "$token" "$aes_key" "$app_id" "$work/push.txt" >/dev/null
  WXBIND_LOAD_FILE="$work/push.txt" measure "$n" push bench/cluster-load/pushes.lua "$seconds"

  # qr: login QR codes; their scenes feed the scan scenario.
  measure "$n" qr bench/cluster-load/qr-sessions.lua "$seconds"
  psql_cluster "SELECT scene_str FROM qr_sessions WHERE purpose = 'login' AND status = 'pending'" >"$work/scenes.txt"
  dotnet run bench/cluster-load/PushFile.cs -- scan "$(wc -l <"$work/scenes.txt")" "$token" "$aes_key" "$app_id" "$work/scan.txt" "$work/scenes.txt" >/dev/null
  WXBIND_LOAD_FILE="$work/scan.txt" measure "$n" scan bench/cluster-load/pushes.lua $(((seconds + 2) / 3))
  echo "   scan with $n: sessions now $(psql_cluster "SELECT string_agg(status || '=' || c, ' ') FROM (SELECT status, COUNT(*) c FROM qr_sessions GROUP BY status ORDER BY status) s")" | tee -a "$results"

  scripts/cluster.sh down >/dev/null
done
echo "results: $results; wrk output: $work"
