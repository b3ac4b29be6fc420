#!/usr/bin/env bash
# bench_startup.sh [NETBASICS] - process start-up: `netbasics --version`
# against the no-op runs of its network peers, side by side.  Prints markdown.
# Not part of CI.  No network traffic: every tool only prints its version or
# usage.
#
#   netbasics     netbasics --version
#   nc            nc -h (OpenBSD nc prints its usage; its exit status 0 or 1 is accepted)
#   curl          curl --version
#   dig           dig -v
#   busybox-true  busybox true   } floors: a process that does nothing
#   bin-true      /bin/true      }
# A missing tool is left out with a note.  First one untimed check run (the
# tool runs and prints something), then R rounds, each running every tool once
# with the order rotated.  Every run is `exec TOOL` under /bin/sh -c, so each
# time includes one dash start-up; the "minus floor" column takes the
# /bin/true time of the same round off.
#
# Knobs (environment): R=300 rounds, WARM=3 warm-up rounds, RUN_TIMEOUT=10 s
# per run, TOTAL_TIMEOUT=600 s, CC=cc, TMPROOT, KEEP_RAW=DIR, REPORT=FILE.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

R=${R:-300} WARM=${WARM:-3} RUN_TIMEOUT=${RUN_TIMEOUT:-10} TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-600}
need_uint R "$R" 1 100000
need_uint WARM "$WARM" 0 100
need_uint RUN_TIMEOUT "$RUN_TIMEOUT" 1 600
need_uint TOTAL_TIMEOUT "$TOTAL_TIMEOUT" 1 86400
export RUN_TIMEOUT TOTAL_TIMEOUT WARM

find_nb "${1:-}"
make_dirs nb-bench-startup
build_runner

add nb:netbasics "exec '$NB' --version"
if have nc; then add peer:nc "exec nc -h"; else note "nc is not installed (apt-get install netcat-openbsd): left out"; fi
if have curl; then add peer:curl "exec curl --version"; else note "curl is not installed: left out"; fi
if have dig; then add peer:dig "exec dig -v"; else note "dig is not installed (apt-get install bind9-dnsutils): left out"; fi
if have busybox; then add ref:busybox-true "exec busybox true"; else note "busybox is not installed: its floor row is left out"; fi
add ref:bin-true "exec /bin/true"

# ---- untimed check run ----
i=0
while ((i < ${#LABELS[@]})); do
    lab=${LABELS[i]}
    st=0
    timeout -k 2 "$RUN_TIMEOUT" sh -c "${CMDS[i]}" </dev/null >"$WORK/check.out" 2>&1 || st=$?
    why=""
    case $lab in
    peer:nc) ((st <= 1)) || why="exit status $st" ;;
    *) ((st == 0)) || why="exit status $st" ;;
    esac
    if [[ -z $why && $lab != ref:* && ! -s $WORK/check.out ]]; then why="printed nothing"; fi
    if [[ -z $why && $lab == nb:* ]] && ! grep -q netbasics "$WORK/check.out"; then why="--version does not name netbasics"; fi
    if [[ -n $why ]]; then
        [[ $lab == nb:* ]] && die "netbasics --version failed its check: $why"
        note "${lab#*:} failed the check ($why); left out"
        drop "$i"
        continue
    fi
    i=$((i + 1))
done
FLOOR=""
for l in "${LABELS[@]}"; do [[ $l == ref:bin-true ]] && FLOOR=$l; done

say "timing $R rounds (+$WARM warm-up) of: ${LABELS[*]}"
T0=$(date +%s)
run_bench "$WORK/startup.tsv" "$R"
T1=$(date +%s)

TABLE=$(awk -v okre='^(0|1)$' -v floor="$FLOOR" -f "$HERE/summarize.awk" "$WORK/startup.tsv")
{
    echo "## start-up: --version and friends — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(machine_line)."
    echo "netbasics: $(nb_line)."
    echo "Rounds: $R timed (+$WARM warm-up), each runs every tool once, order rotated; $((T1 - T0)) s."
    echo
    echo "$TABLE"
    echo
    echo "Each run is /bin/sh -c 'exec TOOL ARGS': the time includes one dash start-up and the exec."
    echo "Ratio to netbasics: median over rounds of (tool ÷ netbasics in the same round); above 1 = slower than netbasics."
    echo "Ratio to best peer: the same against the fastest of nc, curl and dig. Minus floor: median over rounds of (tool − /bin/true)."
    echo "Peak RSS: largest ru_maxrss over the runs. Exit status 1 counts as a good run (OpenBSD nc -h)."
    print_notes
    echo
    echo "Versions: netcat-openbsd $(pkgver netcat-openbsd); curl $(pkgver curl); bind9-dnsutils $(pkgver bind9-dnsutils); busybox $(pkgver busybox); coreutils $(pkgver coreutils) (/bin/true); dash $(pkgver dash) (/bin/sh)."
} >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n ${REPORT:-} ]]; then cp "$WORK/report.md" "$REPORT"; fi
