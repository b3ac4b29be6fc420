#!/usr/bin/env bash
# bench_resolve_bulk.sh [NETBASICS [OLD_NETBASICS]] - issue 13's speed targets:
# resolve with many names in flight against adnshost (Debian's adns-tools), and
# against itself one question at a time. Prints markdown. Not part of CI.
#
#   a. 10,000 names (-t A) against a server that answers every query after
#      20 ms (tests/cli/peers/dns_bulk.py --delay 20): netbasics (default
#      --parallel 100) vs adnshost -a -f -t a vs netbasics --parallel 1
#      (this one once: it takes 10,000 x 20 ms); the ratios, peak RSS.
#   b. 100,000 names (-t A) against dnsmasq answering at once (--address, no
#      log): queries per second, netbasics vs adnshost.
#   c. 1,000,000 names (-t A, --short) against dnsmasq: the time and peak RSS
#      (memory that does not grow with the names).
#   d. one name, one process (A and AAAA) against dnsmasq: netbasics vs
#      OLD_NETBASICS (the binary before issue 13, e.g. built from main), when
#      given, and vs netbasics --parallel 1.
#
# adnshost cannot be given a port: its servers are on 127.0.0.1:53. So the
# whole benchmark runs in a private network namespace (unshare -n, root
# needed; lo brought up inside), where port 53 is ours and no query can leave
# the namespace: nothing reaches this machine's name server. Both servers are
# stopped by their PIDs at exit.
#
# Knobs (environment): R=5 rounds (a, d: 20 x R), WARM=1, RUN_TIMEOUT=600 s,
# TOTAL_TIMEOUT=3600 s, SKIP_SEQ=1 skips a's --parallel 1 run, PARTS=abcd (the
# scenarios to run; the others are n/a), CC=cc, PY,
# TMPROOT, KEEP_RAW=DIR, REPORT=FILE. Exit: 0 when netbasics is at least as
# fast as adnshost in a and b and 50x faster than --parallel 1 in a; 1 when
# not; 2 on a set-up error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# into a private network namespace first (port 53 there is ours)
if [[ -z ${NB_BENCH_NETNS:-} ]]; then
    [[ $(id -u) == 0 ]] || { echo "bench_resolve_bulk.sh: needs root (unshare -n, port 53)" >&2; exit 2; }
    command -v unshare >/dev/null && command -v ip >/dev/null ||
        { echo "bench_resolve_bulk.sh: needs unshare and ip" >&2; exit 2; }
    NB_BENCH_NETNS=1 exec unshare -n bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

# shellcheck source=lib.sh
. "$HERE/lib.sh"
R=${R:-5} WARM=${WARM:-1} RUN_TIMEOUT=${RUN_TIMEOUT:-600} TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-3600}
need_uint R "$R" 1 1000
export RUN_TIMEOUT TOTAL_TIMEOUT WARM
find_nb "${1:-}"
OLD=${2:-}
[[ -z $OLD || -x $OLD ]] || die "no binary at $OLD"
find_py
have adnshost || die "adnshost is needed (apt-get install adns-tools)"
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[[ -x $DNSMASQ ]] || die "dnsmasq is needed (apt-get install dnsmasq-base)"
make_dirs nb-bench-bulk
build_runner

printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:2\n' >"$WORK/resolv.conf"
ADNS_CONF="nameserver 127.0.0.1"
names() { seq "$1" $(($1 + $2 - 1)) | sed 's/^/n/; s/$/.bulk.test/' >"$3"; }
names 0 10000 "$WORK/n10k"
names 0 100000 "$WORK/n100k"
names 0 1000000 "$WORK/n1m"

SRV_PID=""
start_server() { # CMD...: on 127.0.0.1:53, ready once netbasics gets n1.bulk.test
    "$@" </dev/null >"$WORK/server.out" 2>"$WORK/server.err" &
    SRV_PID=$!
    BG_PIDS=("$SRV_PID")
    for _ in $(seq 100); do
        if timeout 3 "$NB" resolve --resolv-conf "$WORK/resolv.conf" --dns-only --short -t A \
            n1.bulk.test 2>/dev/null | grep -qE '^(10\.0\.0\.1|192\.0\.2\.55)$'; then return 0; fi
        sleep 0.1
    done
    die "the server did not answer: $(head -c 300 "$WORK/server.err")"
}
stop_server() {
    kill "$SRV_PID" 2>/dev/null || true
    wait "$SRV_PID" 2>/dev/null || true
    BG_PIDS=()
}
NBR="exec '$NB' resolve --resolv-conf '$WORK/resolv.conf' --dns-only"
ADNS="exec adnshost --config '$ADNS_CONF'"
# check OUT COUNT: COUNT answers in the output
answers() { grep -cE '(^| )(10\.[0-9]+\.[0-9]+\.[0-9]+|192\.0\.2\.55)$' "$1" || true; }
# med TSV LABEL: the median time of LABEL's runs (whatever their exit status: see st)
med() { awk -v l="$2" -F'\t' 'NR > 1 && $2 == l && $5 != "timeout" { print $3 }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { if (!NR) print "n/a"; else printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# st TSV LABEL: the exit statuses of LABEL's runs, counted ("0 x5")
st() { awk -v l="$2" -F'\t' 'NR > 1 && $2 == l { n[$5]++ } END { for (k in n) printf "%s%s x%d", c++ ? ", " : "", k, n[k] }' "$1"; }
rss() { awk -v l="$2" -F'\t' 'NR > 1 && $2 == l { if ($4 > m) m = $4 } END { print m + 0 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.1f", a / b }'; }

# versus TAG NAMES COUNT: a check run of each (netbasics must answer all COUNT
# names), then R rounds of netbasics and adnshost into TAG.tsv; ADNS_OK is how
# many adnshost answered in its check run.
versus() {
    eval "${NBR#exec } -t A --short <'$WORK/$2' >'$WORK/$1-nb.out'"
    eval "${ADNS#exec } -a -f -t a <'$WORK/$2' >'$WORK/$1-adns.out'" || true
    [[ $(answers "$WORK/$1-nb.out") == "$3" ]] || die "netbasics did not answer $3 names"
    LABELS=() CMDS=()
    add nb:netbasics "$NBR -t A --short <'$WORK/$2' >/dev/null"
    add peer:adnshost "$ADNS -a -f -t a <'$WORK/$2' >/dev/null"
    run_bench "$WORK/$1.tsv" "$R"
    ADNS_OK=$(answers "$WORK/$1-adns.out")
}

PARTS=${PARTS:-abcd}
A_NB=n/a A_AD=n/a A_ADNS_OK=n/a B_NB=n/a B_AD=n/a B_ADNS_OK=n/a SEQ=n/a
for t in a a1 b c d; do printf 'round\tlabel\tseconds\tmaxrss_kb\tstatus\n' >"$WORK/$t.tsv"; done
# medms TSV LABEL: the median in milliseconds, 2 decimals
medms() { awk -v l="$2" -F'\t' 'NR > 1 && $2 == l && $5 != "timeout" { print $3 * 1000 }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { if (!NR) print "n/a"; else printf "%.2f ms\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- a. 10,000 names, 20 ms each ----
if [[ $PARTS == *a* ]]; then
start_server "$PY" "$ROOT/tests/cli/peers/dns_bulk.py" --delay 20 --port 53 "$TOTAL_TIMEOUT"
versus a n10k 10000
A_ADNS_OK=$ADNS_OK
if [[ -z ${SKIP_SEQ:-} ]]; then
    LABELS=() CMDS=()
    add nb:parallel-1 "$NBR -t A --short --parallel 1 <'$WORK/n10k' >/dev/null"
    WARM=0 run_bench "$WORK/a1.tsv" 1
    SEQ=$(med "$WORK/a1.tsv" nb:parallel-1)
fi
stop_server
A_NB=$(med "$WORK/a.tsv" nb:netbasics) A_AD=$(med "$WORK/a.tsv" peer:adnshost)
fi

# ---- b, c, d: dnsmasq, no delay ----
if [[ $PARTS == *[bcd]* ]]; then
start_server "$DNSMASQ" --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --listen-address=127.0.0.1 --bind-interfaces --port=53 --user=root \
    --address=/bulk.test/192.0.2.55 --address=/bulk.test/2001:db8::55 --cache-size=0 --dns-forward-max=10000
if [[ $PARTS == *b* ]]; then
    versus b n100k 100000
    B_ADNS_OK=$ADNS_OK
    B_NB=$(med "$WORK/b.tsv" nb:netbasics) B_AD=$(med "$WORK/b.tsv" peer:adnshost)
fi

if [[ $PARTS == *c* ]]; then
    LABELS=() CMDS=()
    add nb:netbasics-1m "$NBR -t A --short <'$WORK/n1m' >'$WORK/c.out'"
    WARM=0 run_bench "$WORK/c.tsv" 1
    [[ $(answers "$WORK/c.out") == 1000000 ]] || note "1,000,000 names: $(answers "$WORK/c.out") answers"
fi

if [[ $PARTS == *d* ]]; then
    LABELS=() CMDS=()
    add nb:netbasics "$NBR n1.bulk.test >/dev/null"
    add nb:parallel-1 "$NBR --parallel 1 n1.bulk.test >/dev/null"
    [[ -n $OLD ]] && add ref:before "exec '$OLD' resolve --resolv-conf '$WORK/resolv.conf' --dns-only n1.bulk.test >/dev/null"
    run_bench "$WORK/d.tsv" $((R * 20))
fi
stop_server
fi

{
    echo "## resolve in bulk (issue 13) — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(machine_line); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
    echo "netbasics: $(nb_line). adnshost: adns-tools $(pkgver adns-tools). In a private network namespace, servers on 127.0.0.1:53."
    echo "Medians of $R rounds (each tool once per round, order rotated); peak RSS is the largest ru_maxrss."
    echo
    echo "| scenario | netbasics | adnshost | ratio | netbasics peak RSS | adnshost peak RSS |"
    echo "| --- | --- | --- | --- | --- | --- |"
    echo "| a. 10,000 names, 20 ms server | $A_NB s | $A_AD s | adnshost ÷ netbasics = $(ratio "$A_AD" "$A_NB") | $(rss "$WORK/a.tsv" nb:netbasics) kB | $(rss "$WORK/a.tsv" peer:adnshost) kB |"
    echo "| b. 100,000 names, dnsmasq | $B_NB s ($(awk -v t="$B_NB" 'BEGIN { printf "%.0f", 100000 / t }') q/s) | $B_AD s ($(awk -v t="$B_AD" 'BEGIN { printf "%.0f", 100000 / t }') q/s) | adnshost ÷ netbasics = $(ratio "$B_AD" "$B_NB") | $(rss "$WORK/b.tsv" nb:netbasics) kB | $(rss "$WORK/b.tsv" peer:adnshost) kB |"
    echo
    echo "- a. one question at a time (--parallel 1, once): $SEQ s: $(ratio "$SEQ" "$A_NB")× the time of the default (--parallel 100)."
    echo "- a. answers in the check run: netbasics 10000 of 10000; adnshost $A_ADNS_OK of 10000. Exit statuses: netbasics $(st "$WORK/a.tsv" nb:netbasics); adnshost $(st "$WORK/a.tsv" peer:adnshost)."
    echo "- b. answers in the check run: netbasics 100000 of 100000; adnshost $B_ADNS_OK of 100000. Exit statuses: netbasics $(st "$WORK/b.tsv" nb:netbasics); adnshost $(st "$WORK/b.tsv" peer:adnshost) (adnshost sends every query at once: dnsmasq drops what its socket cannot hold, and adns waits and retries)."
    echo "- c. 1,000,000 names against dnsmasq, once: $(med "$WORK/c.tsv" nb:netbasics-1m) s, peak RSS $(rss "$WORK/c.tsv" nb:netbasics-1m) kB."
    echo "- d. one name (A and AAAA), one process, $((R * 20)) rounds: netbasics $(medms "$WORK/d.tsv" nb:netbasics) (peak RSS $(rss "$WORK/d.tsv" nb:netbasics) kB), --parallel 1 $(medms "$WORK/d.tsv" nb:parallel-1) ($(rss "$WORK/d.tsv" nb:parallel-1) kB)$([[ -n $OLD ]] && echo ", before issue 13 ($OLD) $(medms "$WORK/d.tsv" ref:before) ($(rss "$WORK/d.tsv" ref:before) kB)"); medians of the wall time of each run (a dash start-up and exec included)."
    echo "- Commands: netbasics resolve --resolv-conf FILE --dns-only -t A --short < NAMES; adnshost --config 'nameserver 127.0.0.1' -a -f -t a < NAMES."
    print_notes
} >"$WORK/report.md"
cat "$WORK/report.md"
[[ -n ${REPORT:-} ]] && cp "$WORK/report.md" "$REPORT"
ok=$(awk -v a="$A_NB" -v aa="$A_AD" -v b="$B_NB" -v bb="$B_AD" -v s="$SEQ" \
    'BEGIN { print ((a == "n/a" || a <= aa) && (b == "n/a" || b <= bb) && (s == "n/a" || s >= 50 * a)) ? 1 : 0 }')
((ok)) || exit 1
exit 0
