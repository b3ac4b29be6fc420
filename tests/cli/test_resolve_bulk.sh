#!/usr/bin/env bash
# test_resolve_bulk.sh - `netbasics resolve` with many names in flight (issue
# 13): against peers/dns_bulk.py, a scripted server that answers n<I>.bulk.test
# with addresses derived from I (so every name's answer is checked as its own,
# by peers/bulk_check.py) and can delay, drop, duplicate, misnumber,
# SERVFAIL and truncate; and against a real dnsmasq. The order rule in both
# modes, the exit statuses, bounded time with retries and timeouts, --rate,
# --explain's summaries, and peak memory (VmHWM) that does not grow with the
# number of names.
#
# No query ever goes to the machine's own name server: every resolv.conf here
# lists only 127.0.0.1 servers (servers.sh's write_conf refuses any other), and
# NB_RESOLV_CONF and NB_HOSTS point at files written here.
# Usage: test_resolve_bulk.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
W=$NB_TMP/w
mkdir -p "$W"
PY=$(command -v python3)
ASAN=0
is_asan_build "$NB" && ASAN=1

DEAD=$(free_port)
write_conf "$W/safe.conf" "nameserver 127.0.0.1#$DEAD
options timeout:1 attempts:1"
export NB_RESOLV_CONF=$W/safe.conf
printf '127.0.0.1 localhost\n' >"$W/hosts"
export NB_HOSTS=$W/hosts

# names FIRST COUNT FILE: n<FIRST>.bulk.test ... one a line.
names() { seq "$1" $(($1 + $2 - 1)) | sed 's/^/n/; s/$/.bulk.test/' >"$3"; }
# start_bulk ARGS...: dns_bulk.py with ARGS; sets BP (its port), BPID, BLOG.
start_bulk() {
    local try
    BP=
    for try in 1 2 3; do # a loaded machine may lose a start: try again, boundedly
        start_peer bulk "$PY" "$PEERS/dns_bulk.py" "$@" 120 && break
    done
    [ -n "$PEER_PORT" ] || return 1
    BP=$PEER_PORT
    BPID=$PEER_PID
    BLOG=$NB_TMP/bulk.perr
    write_conf "$W/bulk.conf" "nameserver 127.0.0.1#$BP
options timeout:1 attempts:2"
}
# bulk_resolve INFILE ARGS...: resolve against the bulk server, stdin from
# INFILE, bounded to 60 s; sets OUT_FILE, ERR, STATUS and SECS (wall time).
bulk_resolve() {
    local in=$1 t0
    shift
    t0=$(now_ms)
    timeout -k 2 60 "$NB" resolve --resolv-conf "$W/bulk.conf" --dns-only "$@" <"$in" \
        >"$OUT_FILE" 2>"$ERR_FILE"
    STATUS=$?
    SECS_MS=$(($(now_ms) - t0))
    ERR=$(cat "$ERR_FILE")
    nb_check_sanitizer resolve "$@"
}
check() { "$PY" "$PEERS/bulk_check.py" "$@" <"$OUT_FILE"; }

section "100,000 names (ids wrap) against drops, duplicates, wrong ids, SERVFAIL and TC"
names 0 100000 "$W/n100k"
start_bulk --faults
bulk_resolve "$W/n100k" --json -t A --timeout 0.5
assert_eq "100,000 names: every name its own answers, in input order" "ok: 100000 names" \
    "$(check 0 100000 A --faults)"
assert_status "100,000 names with SERVFAIL for some: exit 3 (the worst)" 3
assert_eq "100,000 names: one message per SERVFAIL name (I % 101 == 7), in order, nothing else" \
    "$(seq 0 99999 | awk '$1 % 101 == 7 { print "n" $1 ".bulk.test" }')" \
    "$(sed -E 's/^netbasics resolve: ([^:]*): .*SERVFAIL$/\1/' "$ERR_FILE")"
assert_eq "100,000 names: the n7 message names its server and rcode" \
    "netbasics resolve: n7.bulk.test: no name server answered usefully: 127.0.0.1:$BP answered SERVFAIL" \
    "$(grep -m1 '^netbasics resolve: n7\.bulk\.test:' "$ERR_FILE")"
assert_true "100,000 names: within 40 s (drops cost one 0.5 s try each, in parallel)" \
    test "$SECS_MS" -lt 40000
stop_pid "$BPID"
assert_match "the server dropped, and was asked over TCP (TC)" "$(cat "$BLOG")" \
    'tcp [1-9][0-9]* dropped [1-9]'

section "out of order: answers delayed 0-100 ms"
names 5000 2000 "$W/n2k"
start_bulk --jitter 100
bulk_resolve "$W/n2k" --json -t A
assert_eq "jitter, in order: every name its own answer, in input order" "ok: 2000 names" \
    "$(check 5000 2000 A)"
assert_status "jitter, in order: exit 0" 0
bulk_resolve "$W/n2k" --json -t A --unordered
assert_eq "jitter, --unordered: every name once, its own answer; not in input order" \
    "in input order: no
ok: 2000 names" "$(check 5000 2000 A --unordered)"
assert_status "jitter, --unordered: exit 0" 0
assert_true "2000 names delayed up to 100 ms: within 15 s" test "$SECS_MS" -lt 15000
names 5000 300 "$W/n300"
bulk_resolve "$W/n300" --short -t A --parallel 7
assert_eq "--short --parallel 7: one line per name, in input order" \
    "$(seq 5000 5299 | awk '{printf "10.%d.%d.%d\n", int($1 / 65536) % 256, int($1 / 256) % 256, $1 % 256}')" \
    "$(cat "$OUT_FILE")"
stop_pid "$BPID"

section "names that trickle in: each answered before the next comes"
start_bulk
write_conf "$W/bulk.conf" "nameserver 127.0.0.1#$BP
options timeout:1 attempts:2"
T0=$(now_ms)
# the first answer's time, then the answers: the second name comes 3 s after the first
FIRST=$( (echo n1.bulk.test; sleep 3; echo n2.bulk.test) |
    timeout 30 "$NB" resolve --resolv-conf "$W/bulk.conf" --dns-only --short -t A |
    { read -r a; echo "$(($(now_ms) - T0)) $a"; cat; })
echo "# the first answer after $(printf '%s' "$FIRST" | head -n 1 | cut -d' ' -f1) ms"
assert_eq "trickling names: both answered, in order" "10.0.0.1 10.0.0.2" \
    "$(printf '%s\n' "$FIRST" | sed 's/^[0-9]* //' | tr '\n' ' ' | sed 's/ $//')"
assert_true "trickling names: the first answered before the second name came (3 s)" \
    test "$(printf '%s' "$FIRST" | head -n 1 | cut -d' ' -f1)" -lt 2500
stop_pid "$BPID"

section "answers held and sent in reverse order"
names 0 3000 "$W/n3k"
start_bulk --shuffle 64
bulk_resolve "$W/n3k" --json
assert_eq "reversed batches: every name its own answers, in order" "ok: 3000 names" \
    "$(check 0 3000 both)"
stop_pid "$BPID"

section "a server 20 ms away: in flight together, and --parallel 1"
names 0 1000 "$W/n1k"
names 0 50 "$W/n50"
start_bulk --delay 20
bulk_resolve "$W/n1k" --json
assert_eq "20 ms: 1000 names, A and AAAA, each its own" "ok: 1000 names" "$(check 0 1000 both)"
MANY_MS=$SECS_MS
bulk_resolve "$W/n50" --json --parallel 1
assert_eq "--parallel 1: 50 names, each its own" "ok: 50 names" "$(check 0 50 both)"
ONE_MS=$SECS_MS
echo "# 1000 names in flight: $MANY_MS ms; 50 names one question at a time: $ONE_MS ms"
assert_true "--parallel 1: at least 2 s for 50 names (100 questions of 20 ms each)" \
    test "$ONE_MS" -ge 2000
assert_true "1000 names in flight take less time than 50 one at a time" \
    test "$MANY_MS" -lt "$ONE_MS"
run timeout 30 "$NB" resolve --resolv-conf "$W/bulk.conf" --dns-only --json --parallel 1 n3.bulk.test n4.bulk.test
assert_eq "--parallel 1 with arguments: each its own, in order" "ok: 2 names" \
    "$(check 3 2 both)"
stop_pid "$BPID"

section "exit status: the worst of all names"
start_bulk --faults
printf 'n1.bulk.test\nn2.bulk.test\n' >"$W/ok2"
printf 'n1.bulk.test\nnx.other.test\nn2.bulk.test\n' >"$W/nx"
printf 'n1.bulk.test\nnx.other.test\nn7.bulk.test\nn2.bulk.test\n' >"$W/sf"
bulk_resolve "$W/ok2" --short -t A
assert_status "all found: exit 0" 0
bulk_resolve "$W/nx" --short -t A
assert_status "one NXDOMAIN: exit 1" 1
assert_eq "one NXDOMAIN: the others answered, in order" "10.0.0.1
10.0.0.2" "$(cat "$OUT_FILE")"
assert_eq "one NXDOMAIN: said once, naming it" \
    "netbasics resolve: nx.other.test: not found: the server says NXDOMAIN, no such name" "$ERR"
bulk_resolve "$W/sf" -t A
assert_status "NXDOMAIN and SERVFAIL: exit 3" 3
assert_eq "text mode: one Server: header for all names" 1 "$(grep -c '^Server:' "$OUT_FILE")"
assert_eq "text mode: each name's Name: line, in order" "n1.bulk.test n2.bulk.test" \
    "$(grep '^Name:' "$OUT_FILE" | cut -f2 | tr '\n' ' ' | sed 's/ $//')"
assert_eq "the messages in input order" "nx.other.test n7.bulk.test" \
    "$(sed -E 's/^netbasics resolve: ([^:]*):.*/\1/' "$ERR_FILE" | tr '\n' ' ' | sed 's/ $//')"
printf 'n1.bulk.test\n%s\nn2.bulk.test\n' "$(head -c 300 /dev/zero | tr '\0' a)" >"$W/long"
bulk_resolve "$W/long" --short -t A
assert_status "a line too long for a name among names: exit 1" 1
assert_eq "a line too long: the others answered" "10.0.0.1
10.0.0.2" "$(cat "$OUT_FILE")"
assert_contains "a line too long: said so" "$ERR" "a name is at most 253 characters, this one is 300"
stop_pid "$BPID"

section "no answer: timeouts and retries bound the time"
start_bulk --silent
names 0 500 "$W/n500"
bulk_resolve "$W/n500" --short --timeout 0.3 --retries 2 --parallel 1000
assert_status "a silent server: exit 7" 7
assert_eq "a silent server: one message per name" 500 "$(grep -c 'did not answer within 0.3 s' "$ERR_FILE")"
echo "# 500 names, A and AAAA, 2 tries of 0.3 s, 1000 in flight: $SECS_MS ms"
assert_true "500 names, 2 tries of 0.3 s each, all in flight together: within 5 s" \
    test "$SECS_MS" -lt 5000
stop_pid "$BPID"
assert_match "a silent server: asked 2 rounds for A and AAAA of each name" "$(cat "$BLOG")" \
    '^queries 2000 udp 2000 tcp 0'
write_conf "$W/bulk.conf" "nameserver 127.0.0.1#$DEAD
options timeout:1 attempts:1"
bulk_resolve "$W/n500" --short -t A
assert_status "a closed port: exit 3" 3
assert_eq "a closed port: one message per name" 500 "$(grep -c 'Connection refused' "$ERR_FILE")"

section "--rate caps the queries per second"
start_bulk
names 0 120 "$W/n120"
bulk_resolve "$W/n120" --json -t A --rate 100
assert_eq "--rate 100: every name its own answer" "ok: 120 names" "$(check 0 120 A)"
echo "# 120 queries at --rate 100: $SECS_MS ms"
assert_true "--rate 100: 120 queries take at least 1 s" test "$SECS_MS" -ge 1000
assert_true "--rate 100: and less than 10 s" test "$SECS_MS" -lt 10000
run timeout 10 "$NB" resolve --rate 0 x.test
assert_status "--rate 0: a usage error" 2
run timeout 10 "$NB" resolve --parallel 0 x.test
assert_status "--parallel 0: a usage error" 2

section "--explain with many names: summaries, not packets"
bulk_resolve "$W/n2k" --short -t A -x
assert_status "--explain, 2000 names: exit 0" 0
assert_eq "--explain: stdout is the answers" 2000 "$(grep -c '^10\.' "$OUT_FILE")"
assert_contains "--explain: the window said" "$ERR" "up to 100 questions in flight"
assert_contains "--explain: the summary at the end" "$ERR" "2000 names done: 2000 queries answered"
assert_true "--explain: a few lines, not one per packet" test "$(grep -c . "$ERR_FILE")" -lt 30
stop_pid "$BPID"

# --- dnsmasq ------------------------------------------------------------------

bulk_ready() {
    [ "$(dig @127.0.0.1 -p "$1" +tries=1 +time=1 +short n1.bulk.test 2>/dev/null)" = 192.0.2.55 ] ||
        pid_gone "$2"
}
# peak_run INFILE ARGS...: resolve in the background, its VmHWM read from
# /proc/PID/status until it ends; sets PEAK_KB, STATUS, SECS_MS.
peak_run() {
    local in=$1 pid hwm t0 waited=0
    shift
    t0=$(now_ms)
    "$NB" resolve --resolv-conf "$W/dm.conf" --dns-only "$@" <"$in" >"$OUT_FILE" 2>"$ERR_FILE" &
    pid=$!
    PEAK_KB=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 1200 ]; do
        hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
        [ -n "$hwm" ] && PEAK_KB=$hwm
        sleep 0.05
        waited=$((waited + 1))
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    wait "$pid"
    STATUS=$?
    SECS_MS=$(($(now_ms) - t0))
    ERR=$(cat "$ERR_FILE")
    nb_check_sanitizer resolve "$@"
}

if ! command -v dig >/dev/null 2>&1 || [ ! -x "$DNSMASQ" ]; then
    nb_fail "dnsmasq and dig are installed (apt-get install dnsmasq-base bind9-dnsutils)"
elif ! start_dnsmasq "$W" bulk_ready --address=/bulk.test/192.0.2.55; then
    nb_fail "dnsmasq started on a free port of 127.0.0.1" "$(cat "$W/dnsmasq.err" 2>/dev/null)"
else
    write_conf "$W/dm.conf" "nameserver 127.0.0.1#$DP
options timeout:1 attempts:2"
    section "dnsmasq: 10,000 names"
    names 0 10000 "$W/n10k"
    peak_run "$W/n10k" --json -t A
    assert_eq "dnsmasq: 10,000 names, each answered, in input order" "ok: 10000 names" \
        "$(check 0 10000 A --address 192.0.2.55)"
    assert_status "dnsmasq: exit 0" 0
    peak_run "$W/n10k" --json -t A --unordered
    assert_eq "dnsmasq, --unordered: each name once" "ok: 10000 names" \
        "$(check 0 10000 A --address 192.0.2.55 --unordered | tail -n 1)"

    section "memory: the same peak for 10,000 and 100,000 names (VmHWM)"
    # under ASan, freed memory waits in a quarantine (256 MB by default): kept small
    # here so that what is measured is what the program holds
    export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=1"
    peak_run "$W/n10k" --short -t A
    SMALL_KB=$PEAK_KB
    assert_eq "10,000 names: every answer" 10000 "$(grep -c '^192\.0\.2\.55$' "$OUT_FILE")"
    peak_run "$W/n100k" --short -t A
    BIG_KB=$PEAK_KB
    assert_eq "100,000 names: every answer" 100000 "$(grep -c '^192\.0\.2\.55$' "$OUT_FILE")"
    assert_status "100,000 names: exit 0" 0
    echo "# peak RSS (VmHWM): 10,000 names $SMALL_KB kB, 100,000 names $BIG_KB kB (ASan: $ASAN); 100,000 names in $SECS_MS ms"
    assert_true "VmHWM was read" test "$SMALL_KB" -gt 0 -a "$BIG_KB" -gt 0
    assert_true "100,000 names: at most 1 MiB more than 10,000" test "$BIG_KB" -le $((SMALL_KB + 1024))
    if [ "$ASAN" = 0 ]; then
        assert_true "100,000 names: peak RSS under 8 MiB" test "$BIG_KB" -lt 8192
    else
        assert_true "100,000 names under ASan: peak RSS under 256 MiB (8 MiB without ASan)" \
            test "$BIG_KB" -lt 262144
    fi
    stop_pid "$DNS_PID"
fi

finish
