#!/usr/bin/env bash
# bench_keepopen.sh [NETBASICS] - issue 3's `listen --keep-open` with CONNS
# concurrent echo clients on loopback, against ncat and socat echo servers.
# Prints markdown.  Not part of CI.
#
# Servers (each on 127.0.0.1, a fresh port the kernel picks per run; the load
# client retries a refused first connect while the server starts):
#   netbasics  netbasics listen -k -q --max-clients N 127.0.0.1:PORT   one poll
#              loop; answers 'You said LINE' to LINE (and prints 'I got LINE'
#              to stdout, here /dev/null like every server's stdout)
#   ncat       ncat -k -l 127.0.0.1 PORT --max-conns N --exec /bin/cat
#              (one cat per client, on the client's socket)
#   socat      socat TCP-LISTEN:PORT,bind=127.0.0.1,fork,reuseaddr,backlog=N EXEC:cat
#              (one socat child and one cat per client)
#   socat-pipe socat TCP-LISTEN:PORT,bind=127.0.0.1,fork,reuseaddr,backlog=N PIPE
#              (one socat child per client echoing through a pipe: no cat)
# The others echo LINE; netbasics answers 'You said LINE'.  Either way one
# short line goes out and one short line comes back: a round trip.
#
# Load (echo_load.c): CONNS connections opened one after another, one untimed
# round trip each (so servers that fork have forked), then ROUNDS timed round
# trips per connection, all connections at once, one line in flight on each;
# every reply is checked against the line sent.  Reported: round trips per
# second of the timed part; the server's processes and their total Pss
# (shared pages split) measured while the CONNS clients are connected.
#
# Rounds: R timed (+WARM warm-up), every server once per round, the order
# rotated each round; ratios are medians over rounds of per-round ratios.
# runner.c does not fit here (it times one command; this measures a server
# that lives across a run of a separate client), so the loop is in this script.
#
# Knobs (environment): CONNS=1000, ROUNDS=100, R=5, WARM=1, RUN_TIMEOUT=120 s
# per run, TOTAL_TIMEOUT=1200 s, CC=cc, KEEP_RAW=DIR (copy the raw TSV there),
# REPORT=FILE (copy the markdown there).
# Exit: 0 when netbasics served every run, 1 when a netbasics run failed, 2 on
# a usage or set-up error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export ROOT
# shellcheck source=lib.sh
. "$HERE/lib.sh"

CONNS=${CONNS:-1000} ROUNDS=${ROUNDS:-100} R=${R:-5} WARM=${WARM:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-120} TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-1200}
need_uint CONNS "$CONNS" 1 20000
need_uint ROUNDS "$ROUNDS" 1 100000
need_uint R "$R" 1 100
need_uint WARM "$WARM" 0 10
need_uint RUN_TIMEOUT "$RUN_TIMEOUT" 5 3600
need_uint TOTAL_TIMEOUT "$TOTAL_TIMEOUT" 10 86400

find_nb "${1:-}"
make_dirs nb-bench-keepopen
"${CC:-cc}" -O2 -std=c11 -Wall -Wextra -o "$BIN/echo_load" "$HERE/echo_load.c" || die "cannot build echo_load.c"
"${CC:-cc}" -O2 -std=c11 -Wall -Wextra -o "$BIN/sink" "$HERE/sink.c" || die "cannot build sink.c"
LOAD=$BIN/echo_load
SINK=$BIN/sink
export SINK_TIMEOUT=30

# Enough file descriptors for CONNS clients here and CONNS sockets in a server.
need_fds=$((CONNS + 64))
if (($(ulimit -n) < need_fds)); then
    ulimit -n "$need_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    (($(ulimit -n) >= need_fds)) || die "$CONNS connections need $need_fds file descriptors; ulimit -n is $(ulimit -n)"
fi

# ---- the servers: label, then a command line with $P for the port ----
NAMES=() SCMDS=()
srv() { NAMES+=("$1"); SCMDS+=("$2"); }
MAXC=$((CONNS + 16))
srv nb:netbasics "exec '$NB' listen -k -q --max-clients $MAXC 127.0.0.1:\$P"
if have ncat; then srv peer:ncat "exec ncat -k -l 127.0.0.1 \$P --max-conns $MAXC --exec /bin/cat"
else note "ncat is not installed: left out"; fi
if have socat; then
    srv peer:socat-exec-cat "exec socat TCP-LISTEN:\$P,bind=127.0.0.1,fork,reuseaddr,backlog=$MAXC EXEC:cat"
    srv peer:socat-pipe "exec socat TCP-LISTEN:\$P,bind=127.0.0.1,fork,reuseaddr,backlog=$MAXC PIPE"
else note "socat is not installed: left out"; fi

# Server of the current run: started with setsid (its PID is its process
# group), stopped by that PID and group, then waited for (bounded).
SPID=""
stop_server() {
    [[ -n $SPID ]] || return 0
    kill -TERM -- "-$SPID" 2>/dev/null || true
    local w
    for ((w = 0; w < 50; w++)); do
        kill -0 -- "-$SPID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$SPID" 2>/dev/null || true
    wait "$SPID" 2>/dev/null || true
    SPID=""
}
keep_cleanup() { stop_server; cleanup; }
trap keep_cleanup EXIT

# run_one LABEL CMD: one server run; sets RES to
# "STATUS<TAB>rtps<TAB>procs<TAB>pss_kb<TAB>hwm_kb<TAB>connect_s<TAB>warm_s"
# (not run in $(...): SPID must stay visible to the EXIT trap)
RES=""
run_one() {
    local lab=$1 cmd=$2 port line st=0
    local err=$WORK/srv.err
    : >"$err"
    port=$("$SINK" port)
    # stdout to /dev/null for every server (netbasics prints 'I got LINE' there)
    setsid sh -c "P=$port; $cmd" </dev/null >/dev/null 2>"$err" &
    SPID=$!
    line=$(timeout -k 5 "$RUN_TIMEOUT" "$LOAD" -p "$port" -c "$CONNS" -k "$ROUNDS" -t "$((RUN_TIMEOUT - 5))" -s "$SPID" 2>"$WORK/load.err") || st=$?
    if ! kill -0 "$SPID" 2>/dev/null; then
        ((st != 0)) || st=99 # the server died under load
    fi
    stop_server
    if ((st != 0)); then
        RES=$(printf 'fail:%s\t\t\t\t\t\t' "$st")
        say "  ${lab#*:}: load client exit $st: $(head -c 300 "$WORK/load.err" | tr '\n' ' ') server: $(tail -c 300 "$err" | tr '\n' ' ')"
        return 0
    fi
    # conns=N rounds=K connect_s=X warm_s=X rt=N rt_s=X rtps=X procs=N pss_kb=N hwm_kb=N
    RES=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
           printf "0\t%s\t%s\t%s\t%s\t%s\t%s", v["rtps"], v["procs"], v["pss_kb"], v["hwm_kb"], v["connect_s"], v["warm_s"] }' <<<"$line")
}

TSV=$WORK/keepopen.tsv
printf 'round\tlabel\tstatus\trtps\tprocs\tpss_kb\thwm_kb\tconnect_s\twarm_s\n' >"$TSV"
k=${#NAMES[@]}
say "$CONNS connections x $ROUNDS round trips; $R rounds (+$WARM warm-up) of: ${NAMES[*]}"
T0=$(date +%s)
fails=0
for ((r = -WARM; r < R; r++)); do
    if (($(date +%s) - T0 > TOTAL_TIMEOUT)); then
        note "total time bound ${TOTAL_TIMEOUT}s reached after $((r < 0 ? 0 : r)) of $R rounds"
        break
    fi
    for ((jj = 0; jj < k; jj++)); do
        j=$(((jj + (r < 0 ? 0 : r)) % k))
        run_one "${NAMES[j]}" "${SCMDS[j]}"
        res=$RES
        say "  round $r ${NAMES[j]#*:}: $(cut -f1,2 <<<"$res" | tr '\t' ' ') rt/s"
        [[ $res == 0* ]] || fails=$((fails + 1))
        ((r < 0)) || printf '%d\t%s\t%s\n' "$r" "${NAMES[j]}" "$res" >>"$TSV"
    done
    if ((fails > 2 * k)); then
        note "more than $((2 * k)) failed runs: stopped early"
        break
    fi
done
T1=$(date +%s)
[[ -z ${KEEP_RAW:-} ]] || { mkdir -p "$KEEP_RAW" && cp "$TSV" "$KEEP_RAW"/; }

TABLE=$(awk -F'\t' '
    function median(v, n,    b, i, j, t) {
        for (i = 1; i <= n; i++) b[i] = v[i]
        for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
        return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
    }
    function fk(x) { return x >= 1e6 ? sprintf("%.2f M", x / 1e6) : sprintf("%.0f k", x / 1e3) }
    NR == 1 { next }
    {
        r = $1 + 0; lab = $2
        if (!(lab in seen)) { seen[lab] = 1; ord[++nl] = lab }
        tot[lab]++; if (r > maxr) maxr = r
        if ($3 == "0") {
            m = ++n[lab]; x[lab, m] = $4 + 0; xr[lab, r] = $4 + 0
            pr[lab, m] = $5 + 0; ps[lab, m] = $6 + 0; hw[lab, m] = $7 + 0; cs[lab, m] = $8 + 0
        } else { bad[lab]++; why[lab] = $3 }
    }
    END {
        for (i = 1; i <= nl; i++) if (ord[i] ~ /^nb:/) { nb = ord[i]; break }
        print "| server | round trips/s (median) | min – max | netbasics ÷ server (per-round median) | processes | total Pss MiB (median) | main process peak RSS MiB | connect phase (median) | ok runs |"
        print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        for (i = 1; i <= nl; i++) {
            lab = ord[i]; name = lab; sub(/^[^:]*:/, "", name)
            ok = sprintf("%d/%d", n[lab] + 0, tot[lab]); if (bad[lab]) ok = ok " (last bad: " why[lab] ")"
            if (!n[lab]) { printf "| %s | failed | | | | | | | %s |\n", name, ok; continue }
            delete v; mn = mx = x[lab, 1]; mp = 0; mh = 0
            for (m = 1; m <= n[lab]; m++) { v[m] = x[lab, m]; if (v[m] < mn) mn = v[m]; if (v[m] > mx) mx = v[m]; if (pr[lab, m] > mp) mp = pr[lab, m]; if (hw[lab, m] > mh) mh = hw[lab, m] }
            med = median(v, n[lab])
            delete v; for (m = 1; m <= n[lab]; m++) v[m] = ps[lab, m]; pss = median(v, n[lab])
            delete v; for (m = 1; m <= n[lab]; m++) v[m] = cs[lab, m]; con = median(v, n[lab])
            rat = "n/a"
            if (lab == nb) rat = "1 (itself)"
            else if (nb != "") {
                delete v; c = 0
                for (r = 0; r <= maxr; r++) if (((nb, r) in xr) && ((lab, r) in xr) && xr[lab, r] > 0) v[++c] = xr[nb, r] / xr[lab, r]
                if (c) rat = sprintf("%.2f", median(v, c))
            }
            printf "| %s | %s | %s – %s | %s | %d | %.1f | %.1f | %.2f s | %s |\n", name, fk(med), fk(mn), fk(mx), rat, mp, pss / 1024, mh / 1024, con, ok
        }
    }' "$TSV")

STATUS=0
NB_BAD=$(awk -F'\t' 'NR > 1 && $2 ~ /^nb:/ && $3 != "0" { n++ } END { print n + 0 }' "$TSV")
NB_RUNS=$(awk -F'\t' 'NR > 1 && $2 ~ /^nb:/ { n++ } END { print n + 0 }' "$TSV")
((NB_BAD == 0 && NB_RUNS > 0)) || STATUS=1
{
    echo "### listen --keep-open: $CONNS concurrent echo clients × $ROUNDS round trips — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(machine_line)."
    echo "netbasics: $(nb_line)."
    echo "Rounds: $R timed (+$WARM warm-up), every server once per round, order rotated; $((T1 - T0)) s."
    echo
    echo "$TABLE"
    echo
    echo "Round trips/s: $CONNS connections × $ROUNDS lockstep round trips (one short line each way, every reply checked) ÷ the time of the timed part; connections and one warm-up round trip each come first, untimed (their time is the connect-phase column)."
    echo "netbasics ÷ server: median over rounds of netbasics' rate ÷ the server's in the same round; above 1 = netbasics serves more round trips per second."
    echo "Processes and total Pss: the server and all its descendants with the $CONNS clients connected (Pss splits shared pages among the processes that share them)."
    if ((STATUS)); then echo; echo "- netbasics **failed** $NB_BAD of $NB_RUNS runs."; fi
    print_notes
    echo
    echo "Versions: ncat $(pkgver ncat); socat $(pkgver socat); coreutils $(pkgver coreutils) (cat); kernel $(uname -r)."
} >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n ${REPORT:-} ]]; then cp "$WORK/report.md" "$REPORT"; fi
exit "$STATUS"
