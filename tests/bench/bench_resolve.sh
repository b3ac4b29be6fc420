#!/usr/bin/env bash
# bench_resolve.sh [NETBASICS] - issue 4's speed target: R sequential lookups
# (one process each) of a 3-hop CNAME name against a local dnsmasq, netbasics
# against dig, nslookup and busybox nslookup, side by side.  Prints markdown.
# Not part of CI.
#
# The server: dnsmasq on 127.0.0.1 and a port the kernel picked (a UDP socket
# bound to port 0 tells us a free one; dnsmasq is started on it, and again on
# a new port if it cannot bind, at most 5 times), with no upstream and no
# config file (--conf-file=/dev/null --no-resolv --no-hosts
# --local=/nb.test/): c1.nb.test -> c2 -> c3 -> target.nb.test, A 127.0.0.2.
# It is stopped by its PID at exit.
#
# No query goes to the machine's configured name server: every command names
# 127.0.0.1 and the port itself, and dnsmasq has no upstream to forward to.
# When strace is installed, the check run traces every tool's connect and
# send calls and fails if any goes anywhere but 127.0.0.1:PORT.
#
#   netbasics          netbasics resolve -s 127.0.0.1:PORT c1.nb.test     (A and AAAA: 2 queries)
#   dig                dig @127.0.0.1 -p PORT c1.nb.test                  (A: 1 query)
#   nslookup           nslookup -port=PORT c1.nb.test 127.0.0.1           (A, then AAAA of the target: 2)
#   busybox-nslookup   busybox nslookup c1.nb.test 127.0.0.1:PORT         (A and AAAA: 2)
#   netbasics-A        netbasics resolve -t A ...: dig's single query, for comparison
#   bin-true           /bin/true: the floor (a fork and an exec)
# Before anything is timed, each tool runs once and its output must show
# 127.0.0.2 (and netbasics' the whole chain); a peer that fails or is missing
# is left out with a note.  Then R rounds (plus WARM), each running every tool
# once, the order rotated every round (A B C D, B C D A, ...).  Ratios are
# medians of per-round ratios; peak RSS is the largest ru_maxrss of any run.
#
# Knobs (environment): R=1000 rounds, WARM=5, RUN_TIMEOUT=10 s per run,
# TOTAL_TIMEOUT=1200 s, CC=cc, PY=/usr/bin/python3, TMPROOT, KEEP_RAW=DIR,
# REPORT=FILE.  Exit: 0 when netbasics is faster than every peer that ran
# (median of the paired ratios above 1), 1 when it is not (or netbasics failed
# its check), 2 on a set-up error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

R=${R:-1000} WARM=${WARM:-5} RUN_TIMEOUT=${RUN_TIMEOUT:-10} TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-1200}
need_uint R "$R" 1 100000
need_uint WARM "$WARM" 0 100
need_uint RUN_TIMEOUT "$RUN_TIMEOUT" 1 600
need_uint TOTAL_TIMEOUT "$TOTAL_TIMEOUT" 1 86400
export RUN_TIMEOUT TOTAL_TIMEOUT WARM

find_nb "${1:-}"
find_py
[[ -n $PY ]] || die "python3 is needed to ask the kernel for a free port"
DNSMASQ=$(command -v dnsmasq || true)
[[ -z $DNSMASQ && -x /usr/sbin/dnsmasq ]] && DNSMASQ=/usr/sbin/dnsmasq
[[ -n $DNSMASQ ]] || die "dnsmasq is needed (apt-get install dnsmasq-base)"
make_dirs nb-bench-resolve
build_runner

# ---- the server ----
DNS_PID=""
PORT=""
free_port() {
    "$PY" -c 'import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); p = u.getsockname()[1]
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", p))
print(p)' 2>/dev/null || true
}
# ready PORT: dnsmasq answers target.nb.test (asked with netbasics itself, so
# the check does not depend on a peer; explicit server, no hosts file).
ready() {
    timeout -k 1 3 "$NB" resolve --dns-only --short -t A --timeout 1 --retries 1 -s "127.0.0.1:$1" \
        target.nb.test 2>/dev/null | grep -qx '127\.0\.0\.2'
}
start_dnsmasq() {
    local port pid i user=()
    [[ $(id -u) == 0 ]] && user=(--user=root)
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        [[ $port =~ ^[0-9]+$ ]] || continue
        "$DNSMASQ" --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
            --listen-address=127.0.0.1 --bind-interfaces --port="$port" "${user[@]}" \
            --local=/nb.test/ --host-record=target.nb.test,127.0.0.2 \
            --cname=c1.nb.test,c2.nb.test --cname=c2.nb.test,c3.nb.test \
            --cname=c3.nb.test,target.nb.test \
            --log-facility="$WORK/dnsmasq.log" </dev/null >"$WORK/dnsmasq.out" 2>"$WORK/dnsmasq.err" &
        pid=$!
        BG_PIDS=("$pid") # stopped by the EXIT trap if the script ends early
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            if ready "$port"; then
                DNS_PID=$pid
                PORT=$port
                say "dnsmasq (PID $pid) answers on 127.0.0.1:$port"
                return 0
            fi
            sleep 0.1
        done
        say "dnsmasq on port $port: $(head -c 300 "$WORK/dnsmasq.err" 2>/dev/null) - trying another port"
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        BG_PIDS=() # reaped: its PID may be reused, so the trap must not kill it
    done
    return 1
}
stop_dnsmasq() {
    if [[ -n $DNS_PID ]]; then
        kill "$DNS_PID" 2>/dev/null || true
        wait "$DNS_PID" 2>/dev/null || true
        DNS_PID=""
        BG_PIDS=()
    fi
}
start_dnsmasq || die "dnsmasq did not start on a free port of 127.0.0.1: $(head -c 300 "$WORK/dnsmasq.err" 2>/dev/null)"

# ---- the tools ----
NAME=c1.nb.test
add nb:netbasics "exec '$NB' resolve -s 127.0.0.1:$PORT $NAME"
if have dig; then add peer:dig "exec dig @127.0.0.1 -p $PORT $NAME"
else note "dig is not installed (apt-get install bind9-dnsutils): left out"; fi
if have nslookup; then add peer:nslookup "exec nslookup -port=$PORT $NAME 127.0.0.1"
else note "nslookup is not installed (apt-get install bind9-dnsutils): left out"; fi
if have busybox && busybox nslookup --help 2>&1 | grep -q 'DNS_SERVER'; then
    add peer:busybox-nslookup "exec busybox nslookup $NAME 127.0.0.1:$PORT"
else note "busybox (with its nslookup applet) is not installed: left out"; fi
add nb:netbasics-A "exec '$NB' resolve -t A -s 127.0.0.1:$PORT $NAME"
add ref:bin-true "exec /bin/true"

# ---- untimed check run ----
HAVE_STRACE=0
if have strace && strace -f -qq -o /dev/null /bin/true 2>/dev/null; then HAVE_STRACE=1
else note "strace is missing or not allowed here: the destinations of the queries were not traced"; fi
# traced_ok FILE: every connect/send with an IPv4 or IPv6 address goes to 127.0.0.1:PORT.
traced_ok() {
    local bad
    bad=$(grep -E '(connect|sendto|sendmsg|sendmmsg)\(' "$1" | grep -E 'sin6?_(addr|port)' |
        grep -vE "sin_port=htons\\($PORT\\), sin_addr=inet_addr\\(\"127\\.0\\.0\\.1\"\\)" || true)
    if [[ -n $bad ]]; then
        say "traced a call to another address: $(head -c 400 <<<"$bad")"
        return 1
    fi
    return 0
}
i=0
while ((i < ${#LABELS[@]})); do
    lab=${LABELS[i]}
    st=0
    why=""
    if [[ $lab != ref:* && $HAVE_STRACE == 1 ]]; then
        timeout -k 2 "$RUN_TIMEOUT" strace -f -qq -e trace=connect,sendto,sendmsg,sendmmsg \
            -o "$WORK/check.strace" sh -c "${CMDS[i]}" </dev/null >"$WORK/check.out" 2>&1 || st=$?
        traced_ok "$WORK/check.strace" || why="it sent something to an address other than 127.0.0.1:$PORT"
    else
        timeout -k 2 "$RUN_TIMEOUT" sh -c "${CMDS[i]}" </dev/null >"$WORK/check.out" 2>&1 || st=$?
    fi
    if [[ -z $why ]] && ((st != 0)); then why="exit status $st"; fi
    if [[ -z $why && $lab != ref:* ]] && ! grep -q '127\.0\.0\.2' "$WORK/check.out"; then
        why="its output does not show 127.0.0.2"
    fi
    if [[ -z $why && $lab == nb:* ]]; then
        for hop in 'c1.nb.test	canonical name = c2.nb.test.' 'c3.nb.test	canonical name = target.nb.test.' \
            "Address:	127.0.0.1#$PORT"; do
            grep -qF "$hop" "$WORK/check.out" || why="its output lacks '$hop'"
        done
    fi
    if [[ -n $why ]]; then
        say "output of ${lab#*:}: $(head -c 600 "$WORK/check.out")"
        [[ $lab == nb:* ]] && { say "netbasics failed its check: $why"; exit 1; }
        note "${lab#*:} failed the check ($why); left out"
        drop "$i"
        continue
    fi
    cp "$WORK/check.out" "$WORK/check-${lab#*:}.out"
    i=$((i + 1))
done
PEERS=()
for l in "${LABELS[@]}"; do [[ $l == peer:* ]] && PEERS+=("$l"); done
((${#PEERS[@]})) || die "no peer passed its check: nothing to compare with"

say "timing $R rounds (+$WARM warm-up) of: ${LABELS[*]}"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(date +%s)
run_bench "$WORK/resolve.tsv" "$R"
T1=$(date +%s)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
# the server must still be the one we started, and still answering
kill -0 "$DNS_PID" 2>/dev/null || die "dnsmasq (PID $DNS_PID) died during the run"
ready "$PORT" || die "dnsmasq stopped answering during the run"
stop_dnsmasq

TABLE=$(awk -v okre='^0$' -v floor=ref:bin-true -f "$HERE/summarize.awk" "$WORK/resolve.tsv")
pair() { awk -v mode=pair -v okre='^0$' -v a="$1" -v b="$2" -f "$HERE/summarize.awk" "$WORK/resolve.tsv"; }
VERDICT=()
ALL=1
for p in "${PEERS[@]}"; do
    read -r ratio wins n <<<"$(pair nb:netbasics "$p")"
    if [[ $ratio != n/a ]] && awk -v r="$ratio" 'BEGIN { exit !(r > 1) }'; then
        VERDICT+=("**faster than ${p#peer:}: holds.** ${p#peer:} takes ${ratio}× the time of netbasics (median of per-round ratios); netbasics was faster in $wins of $n rounds.")
    else
        ALL=0
        VERDICT+=("**faster than ${p#peer:}: does not hold.** ${p#peer:} ÷ netbasics = $ratio (median of per-round ratios); netbasics was faster in $wins of $n rounds.")
    fi
done
read -r ra wa na <<<"$(pair nb:netbasics-A peer:dig 2>/dev/null || echo 'n/a 0 0')"

{
    echo "## resolve: 3-hop CNAME lookups against a local dnsmasq — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(machine_line); load average $LOAD0 before, $LOAD1 after."
    echo "netbasics: $(nb_line)."
    echo "Rounds: $R timed (+$WARM warm-up), each runs every tool once (one process per lookup), order rotated; $((T1 - T0)) s."
    echo "Server: dnsmasq $("$DNSMASQ" --version | head -1 | awk '{ print $3 }') on 127.0.0.1:$PORT (kernel-picked port), no upstream; c1.nb.test → c2 → c3 → target.nb.test, A 127.0.0.2."
    echo
    echo "$TABLE"
    echo
    echo "Each run is /bin/sh -c 'exec TOOL ARGS': the time includes one dash start-up and the exec."
    echo "Ratio to netbasics: median over rounds of (tool ÷ netbasics in the same round); above 1 = slower than netbasics."
    echo "Ratio to best peer: the same against the fastest peer. Minus floor: median over rounds of (tool − /bin/true)."
    echo "Peak RSS: largest ru_maxrss over the runs."
    echo "Queries per run: netbasics 2 (A and AAAA of c1.nb.test), dig 1 (A), nslookup 2 (A of c1.nb.test, then AAAA of target.nb.test), busybox nslookup 2 (A and AAAA); netbasics-A 1."
    if ((HAVE_STRACE)); then
        echo "Checked before timing (strace of connect/sendto/sendmsg/sendmmsg): every tool sent only to 127.0.0.1:$PORT, and every output shows 127.0.0.2."
    fi
    echo
    for v in "${VERDICT[@]}"; do echo "- $v"; done
    echo "- netbasics -t A (one query, like dig) against dig: dig ÷ netbasics-A = $ra; netbasics-A faster in $wa of $na rounds."
    print_notes
    echo
    echo "Versions: dnsmasq-base $(pkgver dnsmasq-base); bind9-dnsutils $(pkgver bind9-dnsutils) (dig, nslookup); busybox $(pkgver busybox); dash $(pkgver dash) (/bin/sh)."
} >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n ${REPORT:-} ]]; then cp "$WORK/report.md" "$REPORT"; fi
((ALL)) || exit 1
exit 0
