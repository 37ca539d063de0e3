#!/usr/bin/env bash
# Runs every test suite. As root on Debian it installs what the suites need (PostgreSQL,
# Chromium, Node.js, nginx for the cluster tests) when missing, starts a throwaway PostgreSQL
# cluster on loopback, switches the PostgreSQL and browser suites on, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# --- 1. install what is missing (only possible as root with apt) -----------------------------
missing=()
[ -x "$(pg_bindir)/postgres" ] || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the packages from starting their own services (nginx on port 80); the tests start their own.
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=1; fi
    apt-get update -qq
    # A package's post-install step may fail to start a service in a container; what matters is
    # that the programs are there, which is checked below.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "apt-get reported an error; going on with whatever was installed" >&2
    if [ -n "$policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    log "not root or no apt-get: cannot install ${missing[*]}; the suites that need them are skipped unless switched on"
  fi
fi

# --- 2. a throwaway PostgreSQL cluster on loopback --------------------------------------------
pg_data=""
stop_postgres() {
  if [ -n "$pg_data" ] && [ -d "$pg_data" ]; then
    runuser -u postgres -- "$(pg_bindir)/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_data"
  fi
}
trap stop_postgres EXIT

if [ -z "${WXBIND_TEST_POSTGRES:-}" ] && [ -x "$(pg_bindir)/postgres" ] && [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
  pg_data=$(mktemp -d /tmp/wxbind-pg.XXXXXX)
  chown postgres "$pg_data"
  pg_port=${WXBIND_TEST_PG_PORT:-55432}
  log "starting PostgreSQL on 127.0.0.1:$pg_port"
  runuser -u postgres -- "$(pg_bindir)/initdb" -D "$pg_data/db" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # 500 connections: the suites run in parallel, every app keeps a pool (up to 100), and the
  # concurrency tests run two instances at full pool at once.
  runuser -u postgres -- "$(pg_bindir)/pg_ctl" -D "$pg_data/db" -l "$pg_data/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c fsync=off -c max_connections=500" start >/dev/null
  pg_data="$pg_data/db"
  export WXBIND_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi
[ -x /usr/bin/chromium ] && export WXBIND_TEST_BROWSER="${WXBIND_TEST_BROWSER:-/usr/bin/chromium}"

# CI asks for both suites: then a missing server or browser is a failure, never a skip.
if [ -n "${WXBIND_REQUIRE_POSTGRES:-}" ] && [ -z "${WXBIND_TEST_POSTGRES:-}" ]; then
  echo "PostgreSQL is required but could not be installed or started" >&2; exit 1
fi
# The cluster tests (nginx in front of several instances) are part of the PostgreSQL suite.
if [ -n "${WXBIND_REQUIRE_POSTGRES:-}" ] && ! { [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; }; then
  echo "nginx is required for the cluster tests but could not be installed" >&2; exit 1
fi
if [ -n "${WXBIND_REQUIRE_BROWSER:-}" ] && [ -z "${WXBIND_TEST_BROWSER:-}" ]; then
  echo "Chromium is required but could not be installed" >&2; exit 1
fi

# --- 3. the cross-check peer (npm) ------------------------------------------------------------
if [ -f tests/crosscheck/package.json ] && command -v npm >/dev/null 2>&1; then
  log "npm ci (cross-check peer)"
  npm ci --prefix tests/crosscheck --no-audit --no-fund --loglevel=error >/dev/null
fi

# --- 4. the tests -----------------------------------------------------------------------------
log "PostgreSQL suite: ${WXBIND_TEST_POSTGRES:+on}${WXBIND_TEST_POSTGRES:-off}; browser suite: ${WXBIND_TEST_BROWSER:+on}${WXBIND_TEST_BROWSER:-off}"
results="$root/artifacts/test-results"
rm -rf "$results"
status=0
# Many in-process apps start and stop: each watches its settings files, so lift the per-user
# inotify limit where we may, and turn the reloading off (tests never edit settings files).
[ "$(id -u)" = 0 ] && sysctl -qw fs.inotify.max_user_instances=8192 2>/dev/null || true
export DOTNET_hostBuilder__reloadConfigOnChange=false
# Build once, then one test project at a time: the cluster, crash and outage suites start real
# processes and servers, and must not compete with each other for this machine's cores.
dotnet build WxBind.slnx --nologo -v q || exit 1
# The reliability suite's figures (kills, acknowledged writes checked, lost, memory) are printed
# at the end, from this file.
mkdir -p "$root/artifacts/reliability"
export WXBIND_RELIABILITY_REPORT="$root/artifacts/reliability/figures.txt"
: > "$WXBIND_RELIABILITY_REPORT"
for project in tests/WxBind.Tests tests/WxBind.BrowserTests tests/WxBind.ClusterTests tests/WxBind.Reliability; do
  log "dotnet test $project"
  dotnet test "$project" --no-build --nologo --logger "trx" --results-directory "$results" "$@" || status=$?
done

# --- 5. a summary, with the PostgreSQL and browser counts visible ------------------------------
sum() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ s += $1 } END { print s + 0 }'; }
count_named() { cat "$results"/*.trx 2>/dev/null | grep -o "<UnitTestResult [^>]*" | grep "testName=\"[^\"]*$1" | grep -c "outcome=\"$2\"" || true; }
passed=$(sum passed); failed=$(sum failed); total=$(sum total); executed=$(sum executed)
skipped=$(( ${total:-0} - ${executed:-0} ))
echo
echo "Reliability figures (short variants; the long ones: ./scripts/reliability.sh):"
cat "$WXBIND_RELIABILITY_REPORT"
echo
echo "PostgreSQL tests: $(count_named Postgres Passed) passed, $(count_named Postgres Failed) failed"
echo "Browser tests: $(count_named "WxBind\.BrowserTests\." Passed) passed, $(count_named "WxBind\.BrowserTests\." Failed) failed"
echo "Reliability tests (crash, outage, faults, hostile input, soak): $(count_named "WxBind\.Reliability\." Passed) passed, $(count_named "WxBind\.Reliability\." Failed) failed"
echo "Cluster tests (nginx, several instances): $(count_named "WxBind\.ClusterTests\." Passed) passed, $(count_named "WxBind\.ClusterTests\." Failed) failed"
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
exit $status
