#!/usr/bin/env bash
# A WxBind cluster on this machine: PostgreSQL, the WeChat emulator as its own process, N app
# instances and nginx in front (round-robin, no stickiness, fit for Server-Sent Events).
#
#   scripts/cluster.sh up N     publish (Release), start everything, print the URLs
#   scripts/cluster.sh status   what runs, and whether each instance is healthy
#   scripts/cluster.sh down     stop exactly what `up` started
#   scripts/cluster.sh stop-instance I | start-instance I    one instance (a rolling restart)
#   scripts/cluster.sh app COMMAND...   a command of the app with the instances' settings,
#                                       e.g. 'app admin grant you@example.com'
#
# Settings (environment):
#   WXBIND_CLUSTER_POSTGRES   a connection string to use instead of a throwaway PostgreSQL
#   WXBIND_CLUSTER_BASE_PORT  ports: nginx base+80, emulator base+90, instances base+101..,
#                             throwaway PostgreSQL base+432 (default 24000)
#   WXBIND_CLUSTER_STATE      pid files, logs and the rendered configs (default artifacts/cluster)
#   WXBIND_CLUSTER_REUSE_PUBLISH=1  start the build published by an earlier `up` (no publish)
# Wechat__* and WxBind__* variables reach both the emulator and the instances.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

state=${WXBIND_CLUSTER_STATE:-$root/artifacts/cluster}
base=${WXBIND_CLUSTER_BASE_PORT:-24000}
lb_port=$((base + 80))
emu_port=$((base + 90))
pg_port=$((base + 432))
lb_url="http://127.0.0.1:$lb_port"
emu_url="http://127.0.0.1:$emu_port"

log() { printf '== %s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# A pid file holds "PID START": START (the process's start time, /proc/PID/stat field 22) tells
# our process from an unrelated one that got the same pid later (after a reboot, say).
started_at() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null; }
pid_of() { cut -d' ' -f1 "$1"; }
alive() {
  [ -f "$1" ] || return 1
  local pid start
  read -r pid start <"$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(started_at "$pid")" = "$start" ]
}

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

# --- install what is missing (as root with apt) ------------------------------------------------
install_missing() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  if [ -z "${WXBIND_CLUSTER_POSTGRES:-}" ] && [ ! -x "$(pg_bindir)/postgres" ]; then missing+=(postgresql); fi
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing ${missing[*]}; install them (as root: apt-get install ${missing[*]})"
  fi
  log "installing ${missing[*]}"
  # Debian's packages start their own service on install (nginx on port 80); this cluster runs
  # its own processes, so keep the package scripts from starting anything.
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local apt_log="$state/logs/apt.log"
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1 \
    || echo "apt-get reported an error (see $apt_log); going on with whatever was installed" >&2
  if [ -n "$created_policy" ]; then rm -f "$policy"; fi
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { tail -n 20 "$apt_log" >&2; die "nginx could not be installed (log: $apt_log)"; }
  if [ -z "${WXBIND_CLUSTER_POSTGRES:-}" ] && [ ! -x "$(pg_bindir)/postgres" ]; then
    tail -n 20 "$apt_log" >&2; die "PostgreSQL could not be installed (log: $apt_log)"
  fi
  command -v curl >/dev/null 2>&1 || die "curl could not be installed (log: $apt_log)"
}

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# Starts "$@" in the background in its own session, records its pid, logs to $state/logs/NAME.log.
start_process() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && exec setsid "$@" >>"$state/logs/$name.log" 2>&1 </dev/null) &
  echo "$! $(started_at $!)" >"$state/pids/$name.pid"
}

wait_healthy() {
  local name=$1 url=$2 tries=0
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    alive "$state/pids/$name.pid" || { tail -n 30 "$state/logs/$name.log" >&2; die "$name exited; log: $state/logs/$name.log"; }
    tries=$((tries + 1))
    [ $tries -lt 240 ] || die "$name did not become healthy at $url; log: $state/logs/$name.log"
    sleep 0.5
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# "port 24080 is taken (by nginx, pid 123)" when ss can tell.
port_taken() {
  local holder
  holder=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n 1 | sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/\1, pid \2/')
  die "port $1 is taken${holder:+ (by $holder)}; stop that, or move the cluster with WXBIND_CLUSTER_BASE_PORT (now $base)"
}

# --- up ---------------------------------------------------------------------------------------
start_postgres() {
  local bindir data owner=()
  bindir=$(pg_bindir)
  data=$(mktemp -d /tmp/wxbind-cluster-pg.XXXXXX)
  echo "$data" >"$state/pgdata"
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the throwaway cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$data"
    owner=(runuser -u postgres --)
  fi
  log "PostgreSQL on 127.0.0.1:$pg_port (throwaway, data in $data)"
  "${owner[@]}" "$bindir/initdb" -D "$data/db" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # Room for every instance's pool (see Maximum Pool Size below) plus their LISTEN connections.
  "${owner[@]}" "$bindir/pg_ctl" -D "$data/db" -l "$data/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $data -c max_connections=300" start >/dev/null
  "${owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres wxbind
  postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=wxbind;Maximum Pool Size=40"
}

# The settings every instance (and every command of the app) runs with. Development: the
# emulator's account values (appsettings.Development.json); the emulator is not mounted, the
# WeChat client calls the emulator process instead.
instance_settings() {
  # shellcheck disable=SC1091
  . "$state/instance.env"
  export ASPNETCORE_ENVIRONMENT=Development WxBind__Storage__Provider=Postgres Emulator__Enabled=false \
    Wechat__ApiBaseUrl="$emu_url/emulator" Wechat__MpBaseUrl="$emu_url/emulator" Wechat__OpenBaseUrl="$emu_url/emulator"
}

# Instance I on port base+100+I, named appI; the caller waits for it to be healthy.
start_instance() {
  local i=$1 port=$(($base + 100 + $1))
  log "instance app$i on http://127.0.0.1:$port"
  (instance_settings
   ASPNETCORE_URLS="http://127.0.0.1:$port" WxBind__InstanceName="app$i" \
     start_process "app$i" "$state/publish/app" dotnet WxBind.dll)
}

up() {
  local count=${1:-}
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || die "up needs the number of instances (1-99), e.g. 'up 3'"
  if [ -d "$state/pids" ] && ls "$state/pids"/*.pid >/dev/null 2>&1; then
    die "a cluster is already up (state in $state); run '$0 down' first"
  fi
  local ports="$lb_port $emu_port $(seq -s ' ' $((base + 101)) $((base + 100 + count)))"
  [ -n "${WXBIND_CLUSTER_POSTGRES:-}" ] || ports+=" $pg_port"
  for port in $ports; do
    port_free "$port" || port_taken "$port"
  done
  mkdir -p "$state/pids" "$state/logs" "$state/nginx"
  install_missing
  # Whatever stops `up` half-way (a failed step, Ctrl-C) stops what it had started.
  trap 'echo "cluster.sh: up did not finish; stopping what was started" >&2; down >/dev/null 2>&1 || true' EXIT

  local publish="$state/publish"
  if [ -n "${WXBIND_CLUSTER_REUSE_PUBLISH:-}" ] && [ -f "$publish/app/WxBind.dll" ] && [ -f "$publish/emulator/WxBind.EmulatorServer.dll" ]; then
    log "reusing the published build in $publish"
  else
    log "publishing the app and the emulator (Release)"
    dotnet publish src/WxBind/WxBind.csproj -c Release -o "$publish/app" --nologo -v quiet >"$state/logs/publish.log" 2>&1 \
      || { tail -n 30 "$state/logs/publish.log" >&2; die "publishing the app failed"; }
    dotnet publish src/WxBind.EmulatorServer/WxBind.EmulatorServer.csproj -c Release -o "$publish/emulator" --nologo -v quiet >>"$state/logs/publish.log" 2>&1 \
      || { tail -n 30 "$state/logs/publish.log" >&2; die "publishing the emulator failed"; }
  fi

  postgres=${WXBIND_CLUSTER_POSTGRES:-}
  if [ -z "$postgres" ]; then
    port_free "$pg_port" || port_taken "$pg_port"
    start_postgres
  fi

  # Development: the emulator's account values (appsettings.Development.json) on both sides.
  log "emulator on $emu_url"
  ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$emu_url" \
    Emulator__CallbackUrl="$lb_url/wechat/callback" Emulator__PublicBaseUrl="$emu_url" \
    start_process emulator "$publish/emulator" dotnet WxBind.EmulatorServer.dll
  wait_healthy emulator "$emu_url/healthz"

  # What every instance gets, kept for start-instance (mode 600: it may hold a database password).
  (umask 077 && {
    printf 'export ConnectionStrings__Postgres=%q\n' "$postgres"
    printf 'export WxBind__PublicBaseUrl=%q\n' "$lb_url"
  } >"$state/instance.env")
  local upstreams="" i
  for i in $(seq 1 "$count"); do
    start_instance "$i"
    upstreams+="    server 127.0.0.1:$((base + 100 + i)) max_fails=1 fail_timeout=5s;"$'\n'
  done
  # Started together: migrations serialise on an advisory lock, so each script runs once.
  for i in $(seq 1 "$count"); do wait_healthy "app$i" "http://127.0.0.1:$((base + 100 + i))/healthz"; done

  log "nginx on $lb_url"
  local site="$state/nginx/wxbind.conf"
  awk -v servers="${upstreams%$'\n'}" -v listen="127.0.0.1:$lb_port" -v access="$state/logs/nginx-access.log" \
    '{ gsub(/__LISTEN__/, listen); gsub(/__ACCESS_LOG__/, access); if ($0 ~ /__UPSTREAM_SERVERS__/) print servers; else print }' \
    deploy/nginx-wxbind.conf >"$site"
  {
    if [ "$(id -u)" = 0 ]; then echo "user www-data;"; fi
    echo "worker_processes 1;"
    # A graceful stop (QUIT, a reload) waits this long for open event streams, then closes them.
    echo "worker_shutdown_timeout 5s;"
    echo "pid $state/nginx/nginx.pid;"
    echo "error_log $state/logs/nginx-error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  client_body_temp_path $state/nginx/client_body;"
    echo "  proxy_temp_path $state/nginx/proxy;"
    echo "  fastcgi_temp_path $state/nginx/fastcgi;"
    echo "  uwsgi_temp_path $state/nginx/uwsgi;"
    echo "  scgi_temp_path $state/nginx/scgi;"
    echo "  include $site;"
    echo "}"
  } >"$state/nginx/nginx.conf"
  "$(nginx_bin)" -t -q -e "$state/logs/nginx-error.log" -c "$state/nginx/nginx.conf" -p "$state/nginx" \
    || die "nginx rejected $state/nginx/nginx.conf"
  start_process nginx "$state/nginx" "$(nginx_bin)" -e "$state/logs/nginx-error.log" -c "$state/nginx/nginx.conf" -p "$state/nginx" -g "daemon off;"
  wait_healthy nginx "$lb_url/healthz"
  trap - EXIT

  {
    echo "WXBIND_CLUSTER_URL=$lb_url"
    echo "WXBIND_CLUSTER_EMULATOR=$emu_url"
    echo "WXBIND_CLUSTER_INSTANCES=$count"
    echo "WXBIND_CLUSTER_BASE_PORT=$base"
  } >"$state/cluster.env"
  echo
  echo "site:      $lb_url"
  echo "phone:     $emu_url/emulator/phone"
  echo "instances: $(for i in $(seq 1 "$count"); do printf 'app%s=http://127.0.0.1:%s ' "$i" $((base + 100 + i)); done)"
  echo "logs:      $state/logs"
  echo "stop with: $0 down"
}

# --- down -------------------------------------------------------------------------------------
stop_pid() {
  local file=$1 name pid
  name=$(basename "$file" .pid)
  pid=$(pid_of "$file")
  # A pid file whose process is gone (or whose pid now belongs to another process) is only removed.
  if alive "$file"; then
    # nginx stops gracefully on QUIT (open event streams get worker_shutdown_timeout); the .NET
    # processes on TERM (in-flight requests finish, event streams end so pages reconnect elsewhere).
    if [ "$name" = nginx ]; then kill -QUIT "$pid" 2>/dev/null || true; else kill -TERM "$pid" 2>/dev/null || true; fi
    for _ in $(seq 1 100); do alive "$file" || break; sleep 0.1; done
    if alive "$file"; then
      echo "$name ($pid) did not stop in 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

down() {
  local file
  if ! ls "$state"/pids/*.pid >/dev/null 2>&1 && [ ! -f "$state/pgdata" ]; then
    echo "no cluster is up (state in $state); nothing to stop"
    return 0
  fi
  # The balancer first, so no request reaches an instance that is going away.
  if [ -f "$state/pids/nginx.pid" ]; then stop_pid "$state/pids/nginx.pid"; fi
  for file in "$state"/pids/app*.pid "$state"/pids/*.pid; do
    if [ -f "$file" ]; then stop_pid "$file"; fi
  done
  if [ -f "$state/pgdata" ]; then
    local data owner=()
    data=$(cat "$state/pgdata")
    if [ "$(id -u)" = 0 ]; then owner=(runuser -u postgres --); fi
    if [ -d "$data/db" ]; then
      "${owner[@]}" "$(pg_bindir)/pg_ctl" -D "$data/db" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$data" "$state/pgdata"
  fi
  rm -f "$state/cluster.env" "$state/instance.env"
  echo "cluster stopped (logs kept in $state/logs)"
}

# --- one instance at a time (rolling restarts) --------------------------------------------------
instance_command() {
  local action=$1 i=${2:-}
  [[ "$i" =~ ^[1-9][0-9]?$ ]] || die "$action-instance needs an instance number, e.g. '$action-instance 2'"
  [ -f "$state/instance.env" ] || die "no cluster is up (state in $state)"
  if [ "$action" = stop ]; then
    alive "$state/pids/app$i.pid" || die "app$i is not running"
    stop_pid "$state/pids/app$i.pid"
    echo "app$i stopped; nginx sends its share to the others"
  else
    alive "$state/pids/app$i.pid" && die "app$i is already running"
    port_free $((base + 100 + i)) || port_taken $((base + 100 + i))
    start_instance "$i"
    wait_healthy "app$i" "http://127.0.0.1:$((base + 100 + i))/healthz"
    echo "app$i is back"
  fi
}

# --- a command of the app (admin grant, menu publish, ...) -------------------------------------
app_command() {
  [ $# -gt 0 ] || die "app needs a command of the app, e.g. 'app admin grant you@example.com'"
  [ -f "$state/instance.env" ] || die "no cluster is up (state in $state); run '$0 up N' first"
  (instance_settings
   cd "$state/publish/app" && exec dotnet WxBind.dll "$@")
}

# --- status -----------------------------------------------------------------------------------
status() {
  if ! ls "$state"/pids/*.pid >/dev/null 2>&1; then
    echo "no cluster is up (state in $state)"
    return 1
  fi
  local file name status=0
  [ -f "$state/cluster.env" ] && sed 's/^/  /' "$state/cluster.env"
  for file in "$state"/pids/*.pid; do
    name=$(basename "$file" .pid)
    if alive "$file"; then
      printf '  %-10s pid %-8s running\n' "$name" "$(pid_of "$file")"
    else
      printf '  %-10s pid %-8s STOPPED\n' "$name" "$(pid_of "$file")"
      status=1
    fi
  done
  if [ -f "$state/pgdata" ]; then
    if "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$pg_port" 2>/dev/null; then
      printf '  %-10s 127.0.0.1:%s running\n' postgres "$pg_port"
    else
      printf '  %-10s 127.0.0.1:%s STOPPED\n' postgres "$pg_port"
      status=1
    fi
  fi
  if [ -f "$state/cluster.env" ]; then
    local answer
    answer=$(curl -sS -o /dev/null -w '%{http_code} from %header{x-instance}' --max-time 2 "$lb_url/healthz" 2>/dev/null || echo unreachable)
    echo "  balancer /healthz: $answer"
  fi
  return $status
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down ;;
  status) status ;;
  stop-instance) instance_command stop "${2:-}" ;;
  start-instance) instance_command start "${2:-}" ;;
  app) shift; app_command "$@" ;;
  *) usage ;;
esac
