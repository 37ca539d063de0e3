#!/usr/bin/env bash
# The long reliability runs (tests/WxBind.Reliability with WXBIND_RELIABILITY=long): ≥ 20 SIGKILLs
# of the published app per provider, a 30 s PostgreSQL outage, a test per WeChat fault,
# > 100,000 hostile requests and a 10-minute soak with 2,000 waiting pages. Prints the figures.
#
#   ./scripts/reliability.sh                 # everything
#   ./scripts/reliability.sh Crash           # one area: Crash, Outage, Faults, Hostile, Soak
#
# PostgreSQL: WXBIND_TEST_POSTGRES (an admin connection string) for the crash run on PostgreSQL;
# the outage run starts its own throwaway server (root and Debian's PostgreSQL needed) on
# WXBIND_RELIABILITY_PG_PORT (default 26432). WXBIND_RELIABILITY_SEED replays a run.
# WXBIND_RELIABILITY_SOAK_MINUTES sets the soak's measured time (default 10), e.g. 3 for a quick slope;
# the soak prints its memory curve once a minute and checks the level after a warm-up (5 min, at most half).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export WXBIND_RELIABILITY=long
mkdir -p artifacts/reliability
export WXBIND_RELIABILITY_REPORT="$root/artifacts/reliability/figures.txt"
: > "$WXBIND_RELIABILITY_REPORT"

echo "== publishing the app and the emulator once (Release, ReadyToRun)"
dotnet publish src/WxBind/WxBind.csproj -c Release -o artifacts/reliability/app -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true --nologo -v q
export WXBIND_RELIABILITY_APP="$root/artifacts/reliability/app"
# The soak runs WeChat's emulator as its own process, as WeChat is in production.
dotnet publish src/WxBind.EmulatorServer/WxBind.EmulatorServer.csproj -c Release -o artifacts/reliability/emulator -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true --nologo -v q
export WXBIND_RELIABILITY_EMULATOR="$root/artifacts/reliability/emulator"

filter="FullyQualifiedName~WxBind.Reliability${1:+.$1}"
status=0
dotnet test tests/WxBind.Reliability --nologo --filter "$filter" --logger "console;verbosity=normal" || status=$?

echo
echo "== figures (also in artifacts/reliability/figures.txt)"
cat "$WXBIND_RELIABILITY_REPORT"
exit $status
