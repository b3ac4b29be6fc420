#!/usr/bin/env bash
# bench_bulk.sh [NETBASICS] - issue 3's bulk transfers on loopback: netbasics
# `send` and `listen --sink/--raw` against nc (OpenBSD), ncat, socat and
# busybox nc, and against a minimal C sender/receiver (the loopback ceiling).
# Prints markdown.  Not part of CI.
#
# (a) bulk send: a MIB-MiB file on tmpfs (page cache), sent into one TCP sink
#     on 127.0.0.1 (sink.c: 64 KiB reads, logs the byte count of every
#     connection).  Timed: the sender, from fork until it exits.
#       netbasics send -q 127.0.0.1 PORT < FILE
#       nc -N 127.0.0.1 PORT < FILE            (OpenBSD netcat)
#       ncat --send-only 127.0.0.1 PORT < FILE
#       socat -u FILE:FILE TCP:127.0.0.1:PORT  (socat's default 8 KiB blocks)
#       busybox nc 127.0.0.1 PORT < FILE
#       sink send PORT FILE                    (reference: 1 MiB read/write)
#     netbasics send and nc -N half-close and wait for the sink to close, the
#     others close when their input ends (the last few MiB may still be in the
#     kernel's buffers then: a few ms at these rates).
# (b) bulk receive: each tool listens on 127.0.0.1 on a fresh port the kernel
#     picks (sink port), and a fixed C client (sink client) connects, sends MIB
#     MiB with 1 MiB writes, half-closes and reads until EOF.  Timed: the
#     listener, from fork until it exits; the client runs beside it in its own
#     process group, so peak RSS is the listener's alone.
#       netbasics listen --sink -q 127.0.0.1:PORT
#       netbasics listen --raw -q 127.0.0.1:PORT >/dev/null
#       nc -l 127.0.0.1 PORT >/dev/null
#       ncat -l 127.0.0.1 PORT >/dev/null
#       socat -u TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr STDOUT >/dev/null
#       sink recv PORT 65536 / 1048576         (references: 64 KiB, 1 MiB reads)
#     busybox nc is left out here: its -l cannot bind to 127.0.0.1 only.
#
# Checks: an untimed check run first (send: the sink must count every byte;
# receive: the tool's stdout through wc -c must be every byte, and the client
# must see a clean close, not a reset).  During the timed runs every sink
# count and every client result is checked again; a run that fails its check
# does not count.  Rounds: R timed (+WARM warm-up), the order rotated each
# round (runner.c).  Ratios are medians over rounds of per-round ratios.
#
# Knobs (environment): MIB=1024, R=5, WARM=1, RUN_TIMEOUT=60 s per run,
# TOTAL_TIMEOUT=900 s per scenario, SCEN="send recv", CC=cc, TMPROOT (default
# /dev/shm), KEEP_RAW=DIR (copy the raw TSVs there), REPORT=FILE (copy the
# markdown there).
# Exit: 0 when the issue's targets hold, 1 when one does not (or netbasics
# failed a check), 2 on a usage or set-up error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

MIB=${MIB:-1024} R=${R:-5} WARM=${WARM:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-60} TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-900}
SCEN=${SCEN:-send recv}
need_uint MIB "$MIB" 1 16384
need_uint R "$R" 1 100
need_uint WARM "$WARM" 0 10
need_uint RUN_TIMEOUT "$RUN_TIMEOUT" 1 3600
need_uint TOTAL_TIMEOUT "$TOTAL_TIMEOUT" 1 86400
for s in $SCEN; do [[ $s == send || $s == recv ]] || die "SCEN lists 'send' and/or 'recv', not '$s'"; done
export RUN_TIMEOUT TOTAL_TIMEOUT WARM
BYTES=$((MIB * 1048576))
RSS_LIMIT_KB=8192

find_nb "${1:-}"
have wc || die "wc is needed for the checks"
make_dirs nb-bench-bulk
build_runner
"${CC:-cc}" -O2 -std=c11 -Wall -Wextra -o "$BIN/sink" "$HERE/sink.c" || die "cannot build sink.c with ${CC:-cc}"
SINK=$BIN/sink
[[ $WORK != *[\'\"\\\$\`\ ]* && $BIN != *[\'\"\\\$\`\ ]* ]] || die "temp paths with quotes or spaces: set TMPROOT/TMPDIR"
# Every bounded helper gets this alarm (sink.c's SINK_TIMEOUT).
export SINK_TIMEOUT=$((RUN_TIMEOUT + 30))

# Clients of (b) run in their own process group; stop any still running at exit
# by the PID each logged ("LABEL start PID").
CLIENT_LOG=$WORK/clients.log
stop_clients() {
    local lab what pid
    [[ -f $CLIENT_LOG ]] || return 0
    while read -r lab what pid; do
        [[ $what == start && $pid =~ ^[0-9]+$ ]] || continue
        if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' </proc/"$pid"/cmdline | grep -q "^$SINK client "; then
            kill "$pid" 2>/dev/null || true
        fi
    done <"$CLIENT_LOG"
}
bulk_cleanup() { stop_clients; cleanup; }
trap bulk_cleanup EXIT

# ---- the summary: table + targets from a checked TSV ----
# The TSV's status column has been rewritten by the checks: "0" = good run.
# table FILE: markdown table; kinds from the label (nb:, peer:, ref:).
table() {
    awk -F'\t' -v bytes="$BYTES" -v rsslim="$RSS_LIMIT_KB" '
    function median(v, n,    b, i, j, t) {
        for (i = 1; i <= n; i++) b[i] = v[i]
        for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
        return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
    }
    # median over rounds of time(y) / time(x): the speed of x relative to y
    function speed(x, y,    v, m, r) {
        m = 0
        for (r = 0; r <= maxr; r++)
            if (((x, r) in wr) && ((y, r) in wr) && wr[x, r] > 0) v[++m] = wr[y, r] / wr[x, r]
        return m ? median(v, m) : -1
    }
    function fmt_t(x) { return x < 1 ? sprintf("%.0f ms", x * 1000) : sprintf("%.2f s", x) }
    NR == 1 { next }
    {
        r = $1 + 0; lab = $2
        if (!(lab in seen)) { seen[lab] = 1; ord[++nl] = lab }
        tot[lab]++; if (r > maxr) maxr = r
        if ($5 == "0") { k = ++n[lab]; w[lab, k] = $3 + 0; wr[lab, r] = $3 + 0; if ($4 > rss[lab]) rss[lab] = $4 + 0 }
        else { bad[lab]++; why[lab] = $5 }
    }
    END {
        best = ""; ref = ""
        for (i = 1; i <= nl; i++) {
            lab = ord[i]; if (!n[lab]) continue
            delete v; for (k = 1; k <= n[lab]; k++) v[k] = w[lab, k]
            med[lab] = median(v, n[lab])
            if (lab ~ /^peer:/ && (best == "" || med[lab] < med[best])) best = lab
            if (lab ~ /^ref:/ && (ref == "" || med[lab] < med[ref])) ref = lab
        }
        print "| tool | kind | median | min – max | MiB/s (median) | speed vs best peer | speed vs C reference | peak RSS MiB | ok runs |"
        print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        for (i = 1; i <= nl; i++) {
            lab = ord[i]
            kind = lab; sub(/:.*/, "", kind); kind = kind == "nb" ? "netbasics" : kind == "ref" ? "C reference" : "peer"
            name = lab; sub(/^[^:]*:/, "", name)
            ok = sprintf("%d/%d", n[lab] + 0, tot[lab]); if (bad[lab]) ok = ok " (last bad: " why[lab] ")"
            if (!n[lab]) { printf "| %s | %s | failed | | | | | | %s |\n", name, kind, ok; continue }
            mn = mx = w[lab, 1]
            for (k = 2; k <= n[lab]; k++) { if (w[lab, k] < mn) mn = w[lab, k]; if (w[lab, k] > mx) mx = w[lab, k] }
            sb = lab == best ? "1 (best peer)" : best == "" ? "n/a" : sprintf("%.2f", speed(lab, best))
            sr = lab == ref ? "1 (fastest ref)" : ref == "" ? "n/a" : sprintf("%.2f", speed(lab, ref))
            printf "| %s | %s | %s | %s – %s | %.0f | %s | %s | %.1f | %s |\n", name, kind, fmt_t(med[lab]), \
                fmt_t(mn), fmt_t(mx), bytes / 1048576 / med[lab], sb, sr, rss[lab] / 1024, ok
        }
    }' "$1"
}

# targets FILE: one line per netbasics label:
#   LABEL OKRUNS TOTALRUNS BEST SPEEDBEST WINS PAIRS REF SPEEDREF PEAKKB
targets() {
    awk -F'\t' '
    function median(v, n,    b, i, j, t) {
        for (i = 1; i <= n; i++) b[i] = v[i]
        for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
        return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
    }
    function speed(x, y,    v, m, r) {
        m = 0; WINS = 0
        for (r = 0; r <= maxr; r++)
            if (((x, r) in wr) && ((y, r) in wr) && wr[x, r] > 0) {
                v[++m] = wr[y, r] / wr[x, r]; if (wr[x, r] <= wr[y, r]) WINS++
            }
        PAIRS = m
        return m ? median(v, m) : -1
    }
    NR == 1 { next }
    {
        r = $1 + 0; lab = $2
        if (!(lab in seen)) { seen[lab] = 1; ord[++nl] = lab }
        tot[lab]++; if (r > maxr) maxr = r
        if ($5 == "0") { k = ++n[lab]; w[lab, k] = $3 + 0; wr[lab, r] = $3 + 0; if ($4 > rss[lab]) rss[lab] = $4 + 0 }
    }
    END {
        best = "-"; ref = "-"
        for (i = 1; i <= nl; i++) {
            lab = ord[i]; if (!n[lab]) continue
            delete v; for (k = 1; k <= n[lab]; k++) v[k] = w[lab, k]
            med[lab] = median(v, n[lab])
            if (lab ~ /^peer:/ && (best == "-" || med[lab] < med[best])) best = lab
            if (lab ~ /^ref:/ && (ref == "-" || med[lab] < med[ref])) ref = lab
        }
        for (i = 1; i <= nl; i++) {
            lab = ord[i]; if (lab !~ /^nb:/) continue
            sb = best == "-" || !n[lab] ? -1 : speed(lab, best); wb = WINS; pb = PAIRS
            sr = ref == "-" || !n[lab] ? -1 : speed(lab, ref)
            printf "%s %d %d %s %.3f %d %d %s %.3f %d\n", lab, n[lab], tot[lab], best, sb, wb, pb, ref, sr, rss[lab]
        }
    }' "$1"
}

STATUS=0
target_lines() { # target_lines FILE SCENARIO-NAME
    local lab okr totr best sb wb pb ref sr kb name
    while read -r lab okr totr best sb wb pb ref sr kb; do
        name=${lab#nb:}
        if ((okr < totr)); then
            echo "- $name: **failed** $((totr - okr)) of $totr runs (see the table and notes)."
            STATUS=1
        fi
        if ((okr == 0)); then continue; fi
        if [[ $best == - ]]; then
            echo "- $name at least as fast as the best peer: not measured (no peer ran)."
        elif awk -v x="$sb" 'BEGIN { exit !(x >= 1) }'; then
            echo "- $name at least as fast as the best peer (${best#peer:}): **holds** — speed ${sb}× (median of $pb rounds; netbasics faster in $wb/$pb)."
        else
            echo "- $name at least as fast as the best peer (${best#peer:}): **does not hold** — speed ${sb}× (median of $pb rounds; netbasics faster in $wb/$pb)."
            STATUS=1
        fi
        if [[ $ref == - ]]; then
            echo "- $name within 80% of the C reference: not measured (the reference failed)."
        elif awk -v x="$sr" 'BEGIN { exit !(x >= 0.8) }'; then
            echo "- $name within 80% of the C reference (${ref#ref:}): **holds** — reference time ÷ netbasics time = $sr."
        else
            echo "- $name within 80% of the C reference (${ref#ref:}): **does not hold** — reference time ÷ netbasics time = $sr."
            STATUS=1
        fi
        if ((kb < RSS_LIMIT_KB)); then
            echo "- $name peak RSS under 8 MiB: **holds** — $kb KiB."
        else
            echo "- $name peak RSS under 8 MiB: **does not hold** — $kb KiB."
            STATUS=1
        fi
    done < <(targets "$1")
}

# mark_bad TSV ROWNO(1-based, after the header) REASON: rewrite a run's status
mark_bad() {
    awk -F'\t' -v OFS='\t' -v row="$2" -v why="$3" 'NR - 1 == row && $5 == "0" { $5 = why } { print }' "$1" >"$1.tmp"
    mv "$1.tmp" "$1"
}

# ---- input file ----
IN=$WORK/bulk.bin
if [[ " $SCEN " == *" send "* ]]; then
    say "writing $MIB MiB of random bytes to $IN"
    head -c "$BYTES" /dev/urandom >"$IN"
    [[ $(stat -c %s "$IN") == "$BYTES" ]] || die "could not write $BYTES bytes to $IN"
fi

# ======================= (a) bulk send =======================
SEND_TABLE="" SEND_TARGETS=""
if [[ " $SCEN " == *" send "* ]]; then
    LABELS=() CMDS=() OUTS=()
    add nb:netbasics-send "exec '$NB' send -q 127.0.0.1 \$PORT <'$IN'"
    if have nc; then add peer:nc-openbsd "exec nc -N 127.0.0.1 \$PORT <'$IN'"; else note "nc is not installed: left out"; fi
    if have ncat; then add peer:ncat "exec ncat --send-only 127.0.0.1 \$PORT <'$IN'"; else note "ncat is not installed: left out"; fi
    if have socat; then add peer:socat "exec socat -u FILE:'$IN' TCP:127.0.0.1:\$PORT"; else note "socat is not installed: left out"; fi
    if have busybox; then add peer:busybox-nc "exec busybox nc 127.0.0.1 \$PORT <'$IN'"; else note "busybox is not installed: left out"; fi
    add ref:c-send-1MiB "exec '$SINK' send \$PORT '$IN'"

    nl_runs=$(((R + WARM) * ${#LABELS[@]} + ${#LABELS[@]}))
    SINK_LOG=$WORK/sink.log
    : >"$SINK_LOG"
    "$SINK" serve "$SINK_LOG" "$nl_runs" "$((TOTAL_TIMEOUT + 2 * RUN_TIMEOUT))" >"$WORK/sink.port" 2>"$WORK/sink.err" &
    SINK_PID=$!
    BG_PIDS+=("$SINK_PID")
    for ((i = 0; i < 50; i++)); do [[ -s $WORK/sink.port ]] && break; sleep 0.1; done
    PORT=$(cat "$WORK/sink.port")
    [[ $PORT =~ ^[0-9]+$ ]] || die "the sink did not report its port"
    export PORT
    # the commands read $PORT from the environment: make it literal for the record
    for i in "${!CMDS[@]}"; do CMDS[i]=${CMDS[i]//\$PORT/$PORT}; done

    # check run: every sender, once; the sink must count every byte
    say "send: check run (untimed), sink on 127.0.0.1:$PORT"
    NB_SEND_OK=1
    i=0
    while ((i < ${#LABELS[@]})); do
        lab=${LABELS[i]}
        before=$(wc -l <"$SINK_LOG")
        st=0
        timeout -k 5 "$RUN_TIMEOUT" sh -c "${CMDS[i]}" </dev/null >/dev/null 2>"$WORK/check.err" || st=$?
        for ((w = 0; w < 50; w++)); do (($(wc -l <"$SINK_LOG") > before)) && break; sleep 0.1; done
        got=$(sed -n "$((before + 1))p" "$SINK_LOG")
        why=""
        if ((st != 0)); then why="exit status $st: $(head -c 300 "$WORK/check.err" | tr '\n' ' ')"
        elif [[ $got != "$BYTES" ]]; then why="the sink counted '${got:-nothing}' bytes, not $BYTES"; fi
        if [[ -n $why ]]; then
            if [[ $lab == nb:* ]]; then note "CHECK FAILED: netbasics send $why; it is not timed"; NB_SEND_OK=0
            else note "${lab#*:} failed the send check ($why); left out"; fi
            drop "$i"
            continue
        fi
        i=$((i + 1))
    done
    say "send: check passed: ${LABELS[*]}"
    sleep 0.5 # a sender that failed after connecting: let its count line land first
    CHECKED=$(wc -l <"$SINK_LOG")

    say "send: timing $R rounds (+$WARM warm-up) of: ${LABELS[*]}"
    T0=$(date +%s)
    run_bench "$WORK/send.tsv" "$R"
    T1=$(date +%s)
    SEND_SECONDS=$((T1 - T0))
    # every timed run made one connection, in the runner's order (warm-up first):
    # line CHECKED + WARM*k + n of the sink log is TSV row n
    k=${#LABELS[@]}
    rows=$(($(wc -l <"$WORK/send.tsv") - 1))
    for ((w = 0; w < 50; w++)); do (($(wc -l <"$SINK_LOG") >= CHECKED + WARM * k + rows)) && break; sleep 0.1; done
    have_lines=$(($(wc -l <"$SINK_LOG") - CHECKED))
    if ((have_lines != WARM * k + rows)); then
        note "send: the sink logged $have_lines connections for $((WARM * k + rows)) runs: byte counts cannot be matched to runs, so every run is marked unchecked"
        awk -F'\t' -v OFS='\t' 'NR > 1 && $5 == "0" { $5 = "unchecked" } { print }' "$WORK/send.tsv" >"$WORK/send.tsv.tmp"
        mv "$WORK/send.tsv.tmp" "$WORK/send.tsv"
    else
        n=0
        while IFS= read -r got; do
            n=$((n + 1))
            if [[ $got != "$BYTES" ]]; then
                mark_bad "$WORK/send.tsv" "$n" "short:$got"
            fi
        done < <(tail -n "$rows" "$SINK_LOG")
    fi
    SEND_TABLE=$(table "$WORK/send.tsv")
    target_lines "$WORK/send.tsv" >"$WORK/send.targets" # not in $(...): it sets STATUS
    SEND_TARGETS=$(cat "$WORK/send.targets")
    if ((!NB_SEND_OK)); then SEND_TARGETS="- netbasics send: not measured, it failed the check run."$'\n'"$SEND_TARGETS"; STATUS=1; fi
    kill "$SINK_PID" 2>/dev/null || true
    wait "$SINK_PID" 2>/dev/null || true
fi

# ======================= (b) bulk receive =======================
RECV_TABLE="" RECV_TARGETS=""
if [[ " $SCEN " == *" recv "* ]]; then
    LABELS=() CMDS=() OUTS=()
    : >"$CLIENT_LOG"
    # rx LABEL TOOL-COMMAND (with $P for the port; output redirected by the caller)
    rx() {
        local pre="P=\$('$SINK' port) || exit 125; '$SINK' client \$P $BYTES '$CLIENT_LOG' '$1' &"
        add "$1" "$pre exec $2 >/dev/null" "$pre { $2; echo \$? >'$WORK/check.st'; } | wc -c >'$WORK/check.count'"
    }
    rx nb:netbasics-listen--sink "'$NB' listen --sink -q 127.0.0.1:\$P"
    rx nb:netbasics-listen--raw "'$NB' listen --raw -q 127.0.0.1:\$P"
    if have nc; then rx peer:nc-openbsd "nc -l 127.0.0.1 \$P"; fi
    if have ncat; then rx peer:ncat "ncat -l 127.0.0.1 \$P"; fi
    if have socat; then rx peer:socat "socat -u TCP-LISTEN:\$P,bind=127.0.0.1,reuseaddr STDOUT"; fi
    rx ref:c-recv-64KiB "'$SINK' recv \$P 65536"
    rx ref:c-recv-1MiB "'$SINK' recv \$P 1048576"
    if have busybox; then note "busybox nc is not a receive peer: its -l has no way to bind to 127.0.0.1 only (this benchmark stays on loopback)"; fi

    # wait_ok LABEL N: wait (bounded) until LABEL has N "ok" lines in the client log
    count_ok() { awk -v l="$1" '$1 == l && $2 == "ok" && $3 == b { n++ } END { print n + 0 }' b="$BYTES" "$CLIENT_LOG"; }
    wait_ok() {
        local w
        for ((w = 0; w < 100; w++)); do (($(count_ok "$1") >= $2)) && return 0; sleep 0.05; done
        return 1
    }

    say "recv: check run (untimed): stdout through wc -c, and a clean close"
    NB_RECV_OK=1
    # ncat 7.93 may end with "assertion failed: count <= INT_MAX" (exit 2) after
    # the connection has closed (nmap/nmap#1410): the transfer is complete then,
    # which the client's clean close proves, so that exit counts as good for it.
    ok_status() { [[ $2 == 0 || ($1 == peer:ncat && $2 == 2) ]]; }
    i=0
    while ((i < ${#LABELS[@]})); do
        lab=${LABELS[i]}
        before=$(count_ok "$lab")
        st=0
        rm -f "$WORK/check.count" "$WORK/check.st"
        timeout -k 5 "$RUN_TIMEOUT" sh -c "${OUTS[i]}" </dev/null >/dev/null 2>"$WORK/check.err" || st=$?
        ((st != 0)) || st=$(cat "$WORK/check.st" 2>/dev/null || echo "none")
        why=""
        if ! wait_ok "$lab" $((before + 1)); then why="the client saw no clean close after $BYTES bytes"
        elif ! ok_status "$lab" "$st"; then why="exit status $st: $(head -c 300 "$WORK/check.err" | tr '\n' ' ')"
        else
            got=$(tr -d ' \n' <"$WORK/check.count" 2>/dev/null || true)
            case $lab in
                *--sink | ref:*) ;; # they print nothing on stdout
                *) [[ $got == "$BYTES" ]] || why="wrote ${got:-no} bytes to stdout, not $BYTES" ;;
            esac
        fi
        [[ $lab == peer:ncat && $st == 2 ]] && note "ncat exited 2 ('assertion failed: count <= INT_MAX', nmap/nmap#1410) after complete transfers; its runs count when the client saw a clean close"
        if [[ -n $why ]]; then
            if [[ $lab == nb:* ]]; then note "CHECK FAILED: ${lab#nb:} $why; it is not timed"; NB_RECV_OK=0
            else note "${lab#*:} failed the receive check ($why); left out"; fi
            drop "$i"
            continue
        fi
        i=$((i + 1))
    done
    rm -f "$WORK/check.count" "$WORK/check.st"
    say "recv: check passed: ${LABELS[*]}"
    declare -A OK0=()
    for lab in "${LABELS[@]}"; do OK0[$lab]=$(count_ok "$lab"); done

    say "recv: timing $R rounds (+$WARM warm-up) of: ${LABELS[*]}"
    T0=$(date +%s)
    run_bench "$WORK/recv.tsv" "$R"
    T1=$(date +%s)
    RECV_SECONDS=$((T1 - T0))
    # every run of a label must have its own clean close in the client log;
    # the client does not know its round, so a shortfall marks all of the label's runs
    for lab in "${LABELS[@]}"; do
        runs=$(awk -F'\t' -v l="$lab" '$2 == l { n++ } END { print n + 0 }' "$WORK/recv.tsv")
        want=$((OK0[$lab] + runs + WARM))
        if ! wait_ok "$lab" "$want"; then
            got=$(($(count_ok "$lab") - OK0[$lab]))
            note "recv: ${lab#*:}: only $got of $((runs + WARM)) runs ended with a clean close at the client: all its runs are marked unchecked"
            awk -F'\t' -v OFS='\t' -v l="$lab" '$2 == l && $5 ~ /^(0|2)$/ { $5 = "unchecked" } { print }' "$WORK/recv.tsv" >"$WORK/recv.tsv.tmp"
            mv "$WORK/recv.tsv.tmp" "$WORK/recv.tsv"
        fi
    done
    # ncat's exit 2 after a clean close is a good run (see above)
    awk -F'\t' -v OFS='\t' '$2 == "peer:ncat" && $5 == "2" { $5 = "0" } { print }' "$WORK/recv.tsv" >"$WORK/recv.tsv.tmp"
    mv "$WORK/recv.tsv.tmp" "$WORK/recv.tsv"
    RECV_TABLE=$(table "$WORK/recv.tsv")
    target_lines "$WORK/recv.tsv" >"$WORK/recv.targets"
    RECV_TARGETS=$(cat "$WORK/recv.targets")
    if ((!NB_RECV_OK)); then RECV_TARGETS="- netbasics listen: a mode failed the check run and is not measured."$'\n'"$RECV_TARGETS"; STATUS=1; fi
fi

# ---- report ----
{
    echo "### Bulk transfers on loopback: $MIB MiB — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(machine_line). Files on $WORK_FS."
    echo "netbasics: $(nb_line)."
    echo "Rounds: $R timed (+$WARM warm-up), each runs every tool once, order rotated. Time: from fork until the timed process exits (runner.c)."
    if [[ -n $SEND_TABLE ]]; then
        echo
        echo "#### (a) bulk send: $MIB MiB file → TCP sink on 127.0.0.1 (sink.c, 64 KiB reads); ${SEND_SECONDS}s"
        echo
        echo "$SEND_TABLE"
        echo
        echo "$SEND_TARGETS"
    fi
    if [[ -n $RECV_TABLE ]]; then
        echo
        echo "#### (b) bulk receive: C client sends $MIB MiB (1 MiB writes), half-closes, reads to EOF; ${RECV_SECONDS}s"
        echo
        echo "$RECV_TABLE"
        echo
        echo "$RECV_TARGETS"
    fi
    echo
    echo "Speed vs X: median over rounds of (X's time ÷ the tool's time in the same round); above 1 = faster than X."
    echo "C reference: the fastest reference by median (the loopback ceiling). Peak RSS: largest ru_maxrss over the tool's runs."
    print_notes
    echo
    echo "Versions: netcat-openbsd $(pkgver netcat-openbsd); ncat $(pkgver ncat); socat $(pkgver socat); busybox $(pkgver busybox); kernel $(uname -r); ${CC:-cc} $("${CC:-cc}" -dumpversion)."
} >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n ${REPORT:-} ]]; then cp "$WORK/report.md" "$REPORT"; fi
exit "$STATUS"
